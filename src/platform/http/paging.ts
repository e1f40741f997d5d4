import { AppError } from '../errors.js';

/**
 * Opaque keyset cursors: the filters of the first call and the last key seen, so a client
 * only passes `after` (as in the established API) and cannot mix filters between pages.
 */
export function encodeCursor(state: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

export function decodeCursor<T extends Record<string, unknown>>(after: string): T {
  try {
    const value = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
    if (value && typeof value === 'object') return value as T;
  } catch { /* fall through */ }
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
