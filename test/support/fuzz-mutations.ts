import {
  deepArray,
  deepObject,
  hostileDates,
  RawJson,
  toJson,
  typeOf,
  validValue,
  type Schema,
  type ValueContext,
} from './fuzz-values.js';

/**
 * One hostile or odd value for a field. `strict`: no reading of the schema accepts it, so a
 * 400 must name this very field (else a 400 may name whichever field it found wrong).
 * `core` values are sent for every field; the others are sampled.
 */
export interface Mutation {
  label: string;
  value: unknown;
  strict: boolean;
  core?: boolean;
  /** The field a 400 must name, when it is not the mutated one (an unknown key below it). */
  names?: string;
}

/** The string branch of a union (email: `"" | email`), for its bounds. */
const stringBranch = (schema: Schema): Schema =>
  Array.isArray(schema.anyOf) ? (schema.anyOf.find((s: Schema) => !s.enum && s.type === 'string') ?? schema) : schema;

const nullable = (schema: Schema) =>
  schema.nullable === true || (Array.isArray(schema.type) && schema.type.includes('null'));

/** Hostile and odd values for one field, each labelled; the caller sends the core ones and samples the rest. */
export function mutationsOf(schema: Schema, name: string, ctx: ValueContext): Mutation[] {
  const valid = () => validValue(schema, name, ctx);
  const list: Mutation[] = [
    { label: 'null', value: null, strict: !nullable(schema), core: true },
    { label: 'object', value: { a: 1 }, strict: typeOf(schema) !== 'object' },
    { label: 'deep nesting', value: deepObject(2000), strict: true },
  ];
  const type = typeOf(schema);
  if (type === 'string' || type === 'enum') {
    const s = stringBranch(schema);
    const text = String(valid());
    list.push(
      { label: 'NUL inside', value: `${text}\u0000x`, strict: true, core: true },
      { label: 'NUL alone', value: '\u0000', strict: true },
      { label: 'lone surrogate', value: `${text}\ud800`, strict: true, core: true },
      { label: 'lone low surrogate', value: '\udfff', strict: true },
      { label: 'empty string', value: '', strict: type === 'enum' || (s.minLength ?? 0) > 0 },
      { label: 'blank', value: '   ', strict: false },
      { label: 'number', value: 12345, strict: false },
      { label: 'huge number', value: 1e308, strict: false },
      { label: 'true', value: true, strict: false },
      { label: 'array', value: [text], strict: true },
      { label: '0x1', value: '0x1', strict: false },
      { label: 'emoji and bidi', value: `${text.slice(0, 10)}👍\u202e\u200b`, strict: false },
      { label: 'SQL and markup', value: `' OR 1=1 -- <script>%00`, strict: false },
      { label: 'huge string', value: 'x'.repeat(300_000), strict: true },
    );
    if (s.maxLength !== undefined)
      list.push({ label: `over-long (${s.maxLength + 1})`, value: 'x'.repeat(s.maxLength + 1), strict: true });
    if (type === 'enum')
      list.push(
        { label: 'unknown value', value: 'zzz', strict: true, core: true },
        { label: 'upper case', value: text.toUpperCase() + 'Z', strict: true },
      );
    if (s.format === 'uuid')
      list.push(
        { label: 'not a uuid', value: 'not-a-uuid', strict: true },
        { label: 'unknown uuid', value: ctx.rng.uuid(), strict: false },
        { label: 'upper-case uuid', value: text.toUpperCase(), strict: false },
        { label: 'nil uuid', value: '00000000-0000-0000-0000-000000000000', strict: false },
      );
    if (s.format === 'email')
      list.push(
        { label: 'no @', value: 'fuzz.example.test', strict: true },
        { label: 'NUL in domain', value: 'a@exa\u0000mple.test', strict: true, core: true },
      );
    if (s.format === 'date-time')
      list.push(
        ...hostileDates.map((d) => ({ label: `date ${JSON.stringify(d)}`, value: d, strict: false, core: true })),
      );
  } else if (type === 'integer' || type === 'number') {
    const min = schema.minimum;
    const max = schema.maximum;
    list.push(
      { label: '0x1', value: '0x1', strict: true, core: true },
      { label: 'true', value: true, strict: true, core: true },
      { label: 'string number', value: String(Math.min(Math.max(min ?? 1, 1), max ?? Infinity)), strict: false },
      { label: 'fraction', value: 1.5, strict: type === 'integer' },
      { label: 'huge', value: 2 ** 53 + 2, strict: max !== undefined, core: true },
      { label: 'int8 overflow', value: '9223372036854775808', strict: max !== undefined },
      { label: '1e308', value: 1e308, strict: max !== undefined },
      { label: 'raw 1e400', value: new RawJson('1e400'), strict: true },
      { label: 'raw -0', value: new RawJson('-0'), strict: min !== undefined && min > 0 },
      { label: 'NaN', value: 'NaN', strict: true },
      { label: 'empty string', value: '', strict: true },
      { label: 'NUL inside', value: '1\u0000', strict: true, core: true },
      { label: 'array', value: [1], strict: true },
      { label: 'padded', value: ' 1 ', strict: false },
    );
    if (min !== undefined)
      list.push(
        { label: 'below minimum', value: min - 1, strict: true },
        { label: '-1e308', value: -1e308, strict: true },
      );
    if (max !== undefined) list.push({ label: 'above maximum', value: max + 1, strict: true });
  } else if (type === 'boolean') {
    list.push(
      { label: 'string false', value: 'false', strict: false },
      { label: '0x1', value: '0x1', strict: true, core: true },
      { label: 'number 1', value: 1, strict: false },
      { label: 'yes', value: 'yes', strict: true },
      { label: 'empty string', value: '', strict: true },
      { label: 'NUL inside', value: 'true\u0000', strict: true, core: true },
      { label: 'TRUE', value: 'TRUE', strict: true },
      { label: 'array', value: [true], strict: true },
    );
  } else if (type === 'array') {
    const item = validValue(schema.items ?? {}, name, ctx);
    const distinct = Array.from({ length: 20_000 }, (_, i) =>
      typeof item === 'string' ? `${item.slice(0, 4)}${i}` : i,
    );
    list.push(
      { label: 'empty array', value: [], strict: (schema.minItems ?? 0) > 0 },
      { label: 'string', value: 'x', strict: true, core: true },
      { label: 'huge array of distinct values', value: distinct, strict: schema.maxItems !== undefined, core: true },
      { label: 'deeply nested arrays', value: deepArray(2000), strict: true },
      { label: 'array of nulls', value: [null, null], strict: true },
    );
    if (schema.maxItems !== undefined)
      list.push({
        label: `over maxItems (${schema.maxItems + 1})`,
        value: Array.from({ length: schema.maxItems + 1 }, () => validValue(schema.items ?? {}, name, ctx)),
        strict: true,
      });
    if (schema.uniqueItems) list.push({ label: 'duplicates', value: [item, item], strict: true });
  } else if (type === 'object') {
    const base = validValue(schema, name, ctx) as Record<string, unknown>;
    const inside = toJson(base).slice(1, -1);
    list.push(
      { label: 'empty object', value: {}, strict: (schema.required ?? []).length > 0 },
      { label: 'array', value: [base], strict: true, core: true },
      { label: 'string', value: 'x', strict: true },
      { label: 'unknown key', value: { ...base, zzz_unknown: 1 }, strict: true, core: true, names: 'zzz_unknown' },
      {
        label: '__proto__ key',
        value: new RawJson(`{${inside}${inside ? ',' : ''}"__proto__":{"admin":true}}`),
        strict: true,
        core: true,
        names: '__proto__',
      },
      {
        label: 'constructor.prototype key',
        value: { ...base, constructor: { prototype: { admin: true } } },
        strict: true,
        names: 'constructor',
      },
      {
        label: '2000 unknown keys',
        value: { ...base, ...Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`unknown_${i}`, i])) },
        strict: true,
      },
    );
  }
  return list;
}
