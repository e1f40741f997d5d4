import type { Rng } from './fuzz-random.js';

/** A JSON Schema as the OpenAPI document gives it (TypeBox output, refs resolved by the caller). */
export type Schema = Record<string, any>;

/**
 * JSON text put into a body verbatim: what JSON.stringify cannot write (1e400, an own
 * `__proto__` key) or writes too slowly (nesting thousands deep).
 */
export class RawJson {
  constructor(readonly text: string) {}
}

/** The field is left out of the body (a missing required field). */
export const REMOVE = Symbol('remove');

export function toJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v) =>
    v instanceof RawJson ? `\u0001raw${raws.push(v.text) - 1}\u0001` : v,
  );
  return (text ?? '').replace(/"\\u0001raw(\d+)\\u0001"/g, (_m, i) => raws[Number(i)]);
}

export const deepObject = (depth: number) => new RawJson(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
export const deepArray = (depth: number) => new RawJson(`${'['.repeat(depth)}1${']'.repeat(depth)}`);

/** The dates of issue 8 that reached the database and answered 500. */
export const hostileDates = [
  '2016-12-31T23:59:60Z',
  '1',
  '+275760-09-13T00:00:00.000Z',
  '275760-09-13T00:00:00Z',
  '2000-02-30T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '2026-01-01T24:00:00Z',
  '2026-01-01',
  '\u0000',
];

/** What a field's schema accepts, read through anyOf unions of enums (TypeBox's literal unions). */
export function enumOf(schema: Schema): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum;
  if (Array.isArray(schema.anyOf) && schema.anyOf.every((s: Schema) => Array.isArray(s.enum) || 'const' in s)) {
    return schema.anyOf.flatMap((s: Schema) => s.enum ?? [s.const]);
  }
  return undefined;
}

export function typeOf(schema: Schema): string {
  if (enumOf(schema)) return 'enum';
  if (Array.isArray(schema.anyOf)) return typeOf(schema.anyOf.find((s: Schema) => !s.enum) ?? schema.anyOf[0]);
  return Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : (schema.type ?? 'any');
}

export interface ValueContext {
  rng: Rng;
  /** A real id for a uuid field of this name (tenant ids for tenant_id, …), if there is one. */
  idFor(name: string): string | undefined;
  /** The version a PUT or DELETE of this request must send. */
  version?: number;
}

let serial = 0;

function validString(schema: Schema, name: string, ctx: ValueContext): string {
  const n = ++serial;
  if (schema.format === 'uuid') return ctx.idFor(name) ?? ctx.rng.uuid();
  if (schema.format === 'email') return `fuzz-${n}@example.test`;
  if (schema.format === 'date-time') return '2026-01-02T03:04:05Z';
  const byName: Record<string, string> = {
    login: `fuzz.user${n}`,
    username: `fuzz.user${n}`,
    password: 'fuzz-password-1234',
    language: 'en',
    token: `fuzz${n}`.padEnd(43, 'x'),
    phone: '+39 02 1234 5678',
    fax: '+39 02 1234 5679',
    website: 'https://example.test',
    zipcode: '20100',
    country: 'IT',
    text: 'fuzz',
  };
  const candidates = [
    schema.example,
    ...(schema.examples ?? []),
    byName[name],
    `Fuzz ${name} ${n}`,
    'en',
    'billing',
    'billing,technical',
    'x',
  ].filter((c): c is string => typeof c === 'string');
  const fits = (c: string) =>
    c.length >= (schema.minLength ?? 0) &&
    c.length <= (schema.maxLength ?? Infinity) &&
    (!schema.pattern || new RegExp(schema.pattern, 'u').test(c));
  return candidates.find(fits) ?? 'x'.repeat(Math.max(1, schema.minLength ?? 1));
}

/** A value the schema accepts; objects carry their required properties (all of them when `full`). */
export function validValue(schema: Schema, name: string, ctx: ValueContext, full = false): unknown {
  const choices = enumOf(schema);
  if (choices) return ctx.rng.pick(choices);
  if (Array.isArray(schema.anyOf))
    return validValue(ctx.rng.pick(schema.anyOf.filter((s: Schema) => !s.enum?.includes?.(''))), name, ctx, full);
  switch (typeOf(schema)) {
    case 'string':
      return validString(schema, name, ctx);
    case 'integer':
    case 'number':
      if (name === 'version' && ctx.version !== undefined) return ctx.version;
      return Math.min(Math.max(schema.minimum ?? 1, 1), schema.maximum ?? Infinity);
    case 'boolean':
      return ctx.rng.chance(0.5);
    case 'array': {
      const count = Math.min(Math.max(schema.minItems ?? 0, 1), schema.maxItems ?? 1);
      const itemChoices = enumOf(schema.items ?? {});
      if (itemChoices) return ctx.rng.sample(itemChoices, count);
      return Array.from({ length: count }, () => validValue(schema.items ?? {}, name, ctx, full));
    }
    case 'object': {
      const required = new Set<string>(schema.required ?? []);
      return Object.fromEntries(
        Object.entries<Schema>(schema.properties ?? {})
          .filter(([key]) => full || required.has(key))
          .map(([key, property]) => [key, validValue(property, key, ctx, full)]),
      );
    }
    default:
      return 'x';
  }
}

export interface Field {
  path: string[];
  schema: Schema;
  required: boolean;
}

/** Every property of a body schema, nested objects and array items (as index 0) included. */
export function fieldsOf(schema: Schema, resolve: (s: Schema) => Schema, path: string[] = []): Field[] {
  schema = resolve(schema);
  const fields: Field[] = [];
  const required = new Set<string>(schema.required ?? []);
  for (const [key, raw] of Object.entries<Schema>(schema.properties ?? {})) {
    const property = resolve(raw);
    const at = [...path, key];
    fields.push({ path: at, schema: property, required: required.has(key) });
    if (typeOf(property) === 'object') fields.push(...fieldsOf(property, resolve, at));
    if (typeOf(property) === 'array' && typeOf(resolve(property.items ?? {})) === 'object') {
      fields.push(...fieldsOf(resolve(property.items), resolve, [...at, '0']));
    }
  }
  return fields;
}

/** A copy of `base` with `value` at `path`, building valid containers on the way. */
export function withValue(
  base: unknown,
  rootSchema: Schema,
  path: string[],
  value: unknown,
  ctx: ValueContext,
  resolve: (s: Schema) => Schema,
): unknown {
  const copy = JSON.parse(JSON.stringify(base ?? {}));
  let node = copy;
  let schema = resolve(rootSchema);
  path.forEach((key, i) => {
    const child = resolve(/^\d+$/.test(key) ? (schema.items ?? {}) : (schema.properties?.[key] ?? {}));
    if (i === path.length - 1) {
      if (value === REMOVE) delete node[key];
      else node[key] = value;
      return;
    }
    if (node[key] === null || typeof node[key] !== 'object') node[key] = validValue(child, key, ctx);
    if (Array.isArray(node[key]) && node[key].length === 0)
      node[key].push(validValue(resolve(child.items ?? {}), key, ctx));
    node = node[key];
    schema = child;
  });
  return copy;
}
