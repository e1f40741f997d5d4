import { AppError, invalidFields } from '../errors.js';

/**
 * One linear pass over a request's body, query and path parameters, before the JSON
 * Schema validator sees them. It does the three things Ajv cannot be trusted with:
 *
 * - **Cost first.** Sizes (maxLength, maxItems, a bound on unknown keys, nesting depth) are
 *   checked before anything costly: with `allErrors`, Ajv would otherwise run every keyword
 *   over a 100,000-item array (uniqueItems is quadratic) after maxItems already failed.
 * - **Text PostgreSQL can store.** A NUL character or a lone UTF-16 surrogate in any string
 *   or key is refused here, naming the field, instead of failing in the database.
 * - **Strict coercion.** Established clients send `"3"` and `"false"`; those become 3 and
 *   false where the schema wants a number or a boolean. Ajv's own coercion also turned
 *   `null` into `""`, `false` or `0`, `true` into 1 and `"0x1"` into 1, so it is off: what
 *   is not a plain decimal or `true`/`false` stays as sent and the validator refuses it.
 */

type Schema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  const?: unknown;
  format?: string;
  maxLength?: number;
  maxItems?: number;
};

/** Nesting a request may use; the deepest schema of the API is far shallower. */
export const MAX_DEPTH = 16;
/** Unknown keys listed before the guard stops reading an object (each is an error anyway). */
const MAX_UNKNOWN_KEYS = 20;

const integerText = /^-?[0-9]{1,15}$/;
const decimalText = /^-?[0-9]{1,15}(\.[0-9]{1,15})?$/;
// A NUL, or a high surrogate not followed by a low one, or a low one not preceded by a high one.
const badText = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Checks a string a client sent: text PostgreSQL can store, no NUL, no lone surrogate. */
export function isStorableText(text: string): boolean {
  return !badText.test(text);
}

function typesOf(schema: Schema | undefined): Set<string> {
  const types = new Set<string>();
  if (!schema) return types;
  if (typeof schema.type === 'string') types.add(schema.type);
  if (Array.isArray(schema.type)) schema.type.forEach((t) => types.add(t));
  if ('const' in schema) types.add(schema.const === null ? 'null' : typeof schema.const);
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) typesOf(branch).forEach((t) => types.add(t));
  return types;
}

/** The longest text the schema allows, where every text branch of it has a bound. */
function maxLengthOf(schema: Schema | undefined): number | undefined {
  if (!schema) return undefined;
  if (schema.maxLength !== undefined) return schema.maxLength;
  const texts = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].filter((b) => typesOf(b).has('string'));
  const bounds = texts.map(maxLengthOf);
  return texts.length > 0 && bounds.every((b) => b !== undefined) ? Math.max(...(bounds as number[])) : undefined;
}

/** The branch of a union that describes an object or array value (the first that does). */
function branchFor(schema: Schema | undefined, kind: 'object' | 'array'): Schema | undefined {
  if (!schema) return undefined;
  const branches = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  if (branches.length === 0) return schema;
  return branches.find((b) => typesOf(b).has(kind)) ?? undefined;
}

function coerceScalar(value: string | number | boolean, types: Set<string>): unknown {
  const fits = (t: string) => types.has(t) || (t === 'number' && types.has('integer'));
  if (types.size === 0 || fits(typeof value)) return value;
  if (typeof value === 'string') {
    if (types.has('integer') && integerText.test(value)) return Number(value);
    if (types.has('number') && decimalText.test(value)) return Number(value);
    if (types.has('boolean') && (value === 'true' || value === 'false')) return value === 'true';
  }
  // Numbers where text is expected (a zip code sent as 20121) are kept as the text they are.
  if (typeof value === 'number' && types.has('string') && Number.isFinite(value)) return String(value);
  return value;
}

/** What the guard refused: each field with its message. */
export type Refusals = Array<{ field: string; message: string }>;

/**
 * Walks `value` against `schema`, noting in `refused` what is too costly to validate or
 * cannot be stored, and returns it coerced. What is not costly (an over-long string, a
 * wrong type, a missing field) is left to the validator, which names every such field at
 * once. Fields are named as the validator names them (`contact.email`, `items.0`); the
 * root is named by `field` (body, querystring, params).
 */
export function guard(
  value: unknown,
  schema: Schema | undefined,
  field: string,
  refused: Refusals,
  depth = 0,
): unknown {
  const at = (key: string | number) => (depth === 0 ? String(key) : `${field}.${key}`);
  const refuse = (message: string) => {
    refused.push({ field, message });
    return value;
  };
  if (depth > MAX_DEPTH) return refuse(`is nested deeper than ${MAX_DEPTH} levels`);
  const types = typesOf(schema);
  if (typeof value === 'string') {
    const maxLength = maxLengthOf(schema);
    if (maxLength !== undefined && value.length > maxLength) return value; // the validator says so
    if (!isStorableText(value)) return refuse('must not contain NUL characters or unpaired UTF-16 surrogates');
    // Ids are lower-case in every answer; one sent in capitals is the same id, so it is made
    // to compare equal to them in code as it does in SQL.
    if (schema?.format === 'uuid') return value.toLowerCase();
    return coerceScalar(value, types);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return coerceScalar(value, types);
  if (Array.isArray(value)) {
    const own = branchFor(schema, 'array');
    if (own?.maxItems !== undefined && value.length > own.maxItems)
      return refuse(`must NOT have more than ${own.maxItems} items`);
    for (let i = 0; i < value.length; i++) value[i] = guard(value[i], own?.items, at(i), refused, depth + 1);
    return value;
  }
  if (value && typeof value === 'object') {
    const own = branchFor(schema, 'object');
    const record = value as Record<string, unknown>;
    let unknown = 0;
    for (const key of Object.keys(record)) {
      if (!isStorableText(key)) return refuse('has a key with NUL characters or unpaired UTF-16 surrogates');
      const declared = own?.properties?.[key];
      const extra = typeof own?.additionalProperties === 'object' ? own.additionalProperties : undefined;
      if (!declared && !extra && own?.additionalProperties === false && ++unknown > MAX_UNKNOWN_KEYS) {
        return refuse(`has more than ${MAX_UNKNOWN_KEYS} unknown fields`);
      }
      record[key] = guard(record[key], declared ?? extra, at(key), refused, depth + 1);
    }
    return record;
  }
  return value;
}

/** The refusals as one validation error, listing the first few. */
export function refusalError(refused: Refusals, limit: number): AppError {
  const listed = refused.slice(0, limit);
  const fields = [...new Set(listed.map((r) => r.field))];
  const more = refused.length - listed.length;
  const message = listed.map((r) => `${r.field} ${r.message}`).join('; ') + (more > 0 ? `; and ${more} more` : '');
  return invalidFields(fields, message);
}
