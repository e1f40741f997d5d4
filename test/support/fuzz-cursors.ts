import type { Rng } from './fuzz-random.js';
import { hostileDates } from './fuzz-values.js';

export interface Forged {
  label: string;
  value: string;
}

const b64 = (json: string) => Buffer.from(json).toString('base64url');
const cursor = (state: Record<string, unknown>) => b64(JSON.stringify(state));

/** Values no cursor key should take: the odd dates of issue 8, NUL, wrong types, huge numbers. */
function hostileCursorValues(rng: Rng): { label: string; value: unknown }[] {
  return [
    ...hostileDates.map((d) => ({ label: `date ${JSON.stringify(d)}`, value: d })),
    { label: 'NUL', value: 'x\u0000' },
    { label: 'lone surrogate', value: '\ud800' },
    { label: 'not a uuid', value: 'not-a-uuid' },
    { label: 'unknown uuid', value: rng.uuid() },
    { label: '1e308', value: 1e308 },
    { label: '-1', value: -1 },
    { label: '2^63', value: 2 ** 63 },
    { label: 'fraction', value: 1.5 },
    { label: 'empty string', value: '' },
    { label: 'object', value: { a: 1 } },
    { label: 'array', value: ['x'] },
    { label: 'null', value: null },
    { label: 'true', value: true },
    { label: 'string 0x1', value: '0x1' },
  ];
}

/** Keys the list routes put in their cursors (see src/platform/http/paging.ts), to forge without a real one. */
const knownKeys = [
  'created_at',
  'id',
  'before',
  'afterId',
  'afterKey',
  'updatedSince',
  'parentId',
  'subtreeRootId',
  'tenantId',
  'ids',
  'types',
  'allowDeleted',
];

/**
 * Forged `after` cursors: malformed ones, and a real cursor of the route (when the list had a
 * second page) or the known keys: every odd date in each date key, and `n` other hostile values.
 */
export function forgedCursors(real: string | undefined, rng: Rng, n: number): Forged[] {
  let state: Record<string, unknown> = {};
  try {
    state = real ? JSON.parse(Buffer.from(real, 'base64url').toString('utf8')) : {};
  } catch {
    /* an opaque cursor we cannot read: forge from the known keys */
  }
  const keys = Object.keys(state).length > 0 ? Object.keys(state) : knownKeys;
  const template: Record<string, unknown> =
    Object.keys(state).length > 0 ? state : { created_at: '2026-01-01T00:00:00.000000Z', id: rng.uuid() };
  const fixed: Forged[] = [
    { label: 'not base64', value: '!!!%%%' },
    { label: 'base64 of text', value: b64('hello') },
    { label: 'JSON null', value: b64('null') },
    { label: 'JSON array', value: b64('[1,2]') },
    { label: 'JSON string', value: b64('"x"') },
    { label: 'empty object', value: cursor({}) },
    { label: 'deeply nested', value: b64(`${'['.repeat(100)}${']'.repeat(100)}`) },
    { label: '__proto__ key', value: b64(`{"__proto__":{"admin":true},"id":"${rng.uuid()}"}`) },
    {
      label: 'Object.prototype keys',
      value: cursor({ constructor: { a: 1 }, toString: 1, hasOwnProperty: 'x', id: rng.uuid() }),
    },
    { label: 'over-long', value: 'A'.repeat(5000) },
  ];
  if (real)
    fixed.push(
      { label: 'real cursor with NUL appended', value: `${real}\u0000` },
      { label: 'real cursor', value: real },
    );
  // Every odd date in every key that holds a date: the cursors that reached SQL in issue 8.
  const isDate = (key: string) =>
    /(_at|Since)$/.test(key) ||
    (typeof template[key] === 'string' &&
      !/^[0-9a-f-]{36}$/.test(String(template[key])) &&
      !Number.isNaN(Date.parse(String(template[key]))));
  const dated = keys.filter(isDate).flatMap((key) =>
    hostileDates.map((d) => ({
      label: `${key}: date ${JSON.stringify(d)}`,
      value: cursor({ ...template, [key]: d }),
    })),
  );
  const typed = keys.flatMap((key) =>
    hostileCursorValues(rng).map(({ label, value }) => ({
      label: `${key}: ${label}`,
      value: cursor({ ...template, [key]: value }),
    })),
  );
  return [...fixed, ...dated, ...rng.sample(typed, n)];
}
