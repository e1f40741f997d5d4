import { AppError } from '../errors.js';
import { isTimestamp } from '../timestamps.js';
import { isStorableText } from './input-guard.js';

/**
 * Opaque keyset cursors: the filters of the first call and the last key seen, so a client
 * only passes `after` (as in the established API) and cannot mix filters between pages.
 */
export function encodeCursor(state: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (v: unknown) => typeof v === 'string' && uuidPattern.test(v);

/**
 * A cursor comes back from the client, so it is input like any other: a forged or
 * truncated one must answer 400, never reach SQL as a malformed uuid, date or list (500).
 * Keys the list routes share are checked by type; any other key must be a plain scalar.
 */
const isDate = isTimestamp;
const cursorFields: Record<string, (value: unknown) => boolean> = {
  id: isUuid, created_at: isDate, before: (v) => Number.isSafeInteger(v),
  ids: (v) => Array.isArray(v) && v.length > 0 && v.length <= 100 && v.every(isUuid),
  afterId: isUuid, parentId: isUuid, subtreeRootId: isUuid, tenantId: isUuid,
  updatedSince: isDate,
  allowDeleted: (v) => typeof v === 'boolean', withPolicies: (v) => typeof v === 'boolean',
};
const isScalar = (v: unknown) => typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length <= 255 && isStorableText(v));

/** Keys we issue: plain identifiers, never one an object inherits (`__proto__`, `constructor`, `toString`). */
const isCursorKey = (key: string) => /^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(key) && !(key in Object.prototype);

function isCursor(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.entries(value).every(([key, v]) => isCursorKey(key) && (v === null || (Object.hasOwn(cursorFields, key) ? cursorFields[key] : isScalar)(v)));
}

export function decodeCursor<T extends Record<string, unknown>>(after: string): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch { /* not JSON: refused below */ }
  if (isCursor(value)) return value as T;
  throw new AppError('validation_failed', 'after: is not a cursor returned by this API', { domain: 'validation', info: 'after', context: { fields: ['after'] } });
}

export function paged<T>(items: T[], limit: number, keyOf: (last: T) => Record<string, unknown>) {
  const page = items.slice(0, limit);
  const more = items.length > limit;
  return {
    items: page,
    paging: { cursors: more ? { after: encodeCursor(keyOf(page[page.length - 1])) } : {} },
    timestamp: new Date().toISOString(),
  };
}

/** `uuids=a,b,c` → validated list (≤ max). */
export function parseUuidList(field: string, raw: string, max = 100): string[] {
  const ids = raw.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const bad = ids.find((id) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id));
  if (bad !== undefined || ids.length === 0 || ids.length > max) {
    throw new AppError('validation_failed', `${field}: give 1 to ${max} comma-separated uuids`, { domain: 'validation', info: field, context: { fields: [field] } });
  }
  return [...new Set(ids)];
}
