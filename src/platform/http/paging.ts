import { FormatRegistry, Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { invalidField } from '../errors.js';
import { isTimestamp } from '../timestamps.js';
import { Timestamp, Uuid } from './common-schemas.js';
import { isStorableText } from './input-guard.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
FormatRegistry.Set('uuid', (value) => uuidPattern.test(value));
FormatRegistry.Set('date-time', isTimestamp);
FormatRegistry.Set('storable-text', isStorableText);

/** The pieces a cursor is made of, each as strict as the query field it stands for. */
export const CursorFields = {
  Uuid,
  Uuids: Type.Array(Uuid, { minItems: 1, maxItems: 100 }),
  Timestamp,
  Text: Type.String({ format: 'storable-text', maxLength: 1024 }),
  Id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
};

const invalidCursor = () => invalidField('after', 'is not a cursor returned by this API');

/**
 * An opaque keyset cursor of one list: the filters of the first call and the last key seen,
 * so a client only passes `after` (as in the established API) and cannot mix filters between
 * pages. A cursor comes back from the client, so it is input like any other: it is checked
 * against the list's own schema (no unknown key, every value of its type) before anything of
 * it reaches SQL, and a forged or truncated one answers 400.
 */
export function cursorOf<P extends TProperties>(
  properties: P,
  valid: (state: Static<TObject<P>>) => boolean = () => true,
) {
  const schema = Type.Object(properties, { additionalProperties: false });
  return {
    encode: (state: Static<typeof schema>) => Buffer.from(JSON.stringify(state)).toString('base64url'),
    decode(after: string): Static<typeof schema> {
      let value: unknown;
      try {
        value = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
      } catch {
        /* not JSON: refused below */
      }
      if (!Value.Check(schema, value) || !valid(value)) throw invalidCursor();
      return value;
    },
  };
}

/** A page of `limit` items out of `limit + 1` read, with the cursor of the next page when there is one. */
export function paged<T>(items: T[], limit: number, nextCursor: (last: T) => string) {
  const page = items.slice(0, limit);
  const more = items.length > limit;
  return {
    items: page,
    paging: { cursors: more ? { after: nextCursor(page[page.length - 1]) } : {} },
    timestamp: new Date().toISOString(),
  };
}

/** `uuids=a,b,c` → validated list (≤ max). */
export function parseUuidList(field: string, raw: string, max = 100): string[] {
  const ids = raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (ids.length === 0 || ids.length > max || !ids.every((id) => uuidPattern.test(id))) {
    throw invalidField(field, `give 1 to ${max} comma-separated uuids`);
  }
  return [...new Set(ids)];
}

/** True when exactly one of the values is given: a list's cursor keeps exactly one of its filters. */
export const exactlyOne = (...values: unknown[]) => values.filter((v) => v !== undefined).length === 1;
