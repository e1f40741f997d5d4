import type { Rng } from './fuzz-random.js';
import { enumOf, hostileDates, typeOf, validValue, type Schema, type ValueContext } from './fuzz-values.js';

/**
 * Percent-encodes like encodeURIComponent, but a lone surrogate (which UTF-8 cannot carry)
 * goes out as the three bytes a careless encoder would write (%ED%A0%80), not as an error.
 */
export function pct(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff) {
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(ch);
  }
  return out;
}

/** A query or form value: the strings sent for the key (several = the key repeated), or none (left out). */
export interface ParamMutation {
  label: string;
  values: string[] | undefined;
  strict: boolean;
  core?: boolean;
}

/** Hostile and odd values for one query (or form) parameter. */
export function paramMutationsOf(schema: Schema, name: string, ctx: ValueContext, required: boolean): ParamMutation[] {
  const valid = String(validValue(schema, name, ctx));
  const type = typeOf(schema);
  const numeric = type === 'integer' || type === 'number';
  const list: ParamMutation[] = [
    { label: 'valid', values: [valid], strict: false },
    { label: 'NUL inside', values: [`${valid}\u0000`], strict: true, core: true },
    { label: 'NUL alone', values: ['\u0000'], strict: true },
    { label: 'lone surrogate', values: [`${valid}\ud800`], strict: false, core: true },
    { label: 'malformed percent escape', values: ['%E0%A4%A'], strict: false },
    { label: 'empty', values: [''], strict: type !== 'string' || (schema.minLength ?? 0) > 0 },
    { label: 'null', values: ['null'], strict: type !== 'string' },
    { label: 'repeated key', values: [valid, valid], strict: false },
    { label: '0x1', values: ['0x1'], strict: type !== 'string', core: numeric || type === 'boolean' },
    { label: '5000 characters', values: ['x'.repeat(5000)], strict: true },
  ];
  if (required) list.push({ label: 'left out', values: undefined, strict: true, core: true });
  if (schema.maxLength !== undefined)
    list.push({
      label: `over-long (${schema.maxLength + 1})`,
      values: ['x'.repeat(schema.maxLength + 1)],
      strict: true,
      core: true,
    });
  if (numeric) {
    list.push(
      { label: '1e400', values: ['1e400'], strict: true },
      { label: 'fraction', values: ['1.5'], strict: type === 'integer' },
      { label: 'negative', values: ['-1'], strict: (schema.minimum ?? -Infinity) >= 0 },
      { label: 'true', values: ['true'], strict: true },
      { label: 'int8 overflow', values: ['9223372036854775808'], strict: schema.maximum !== undefined, core: true },
      { label: 'int4 overflow', values: ['2147483648'], strict: schema.maximum !== undefined },
      { label: 'padded', values: [' 1 '], strict: false },
      { label: 'NaN', values: ['NaN'], strict: true },
      { label: 'Infinity', values: ['Infinity'], strict: true },
    );
  }
  if (type === 'boolean')
    list.push(
      { label: 'yes', values: ['yes'], strict: true },
      { label: '1', values: ['1'], strict: false },
      { label: 'TRUE', values: ['TRUE'], strict: false },
    );
  const choices = enumOf(schema);
  if (choices)
    list.push(
      { label: 'unknown value', values: ['zzz'], strict: true, core: true },
      ...choices.map((c) => ({ label: `value ${String(c)}`, values: [String(c)], strict: false })),
    );
  if (schema.format === 'uuid')
    list.push(
      { label: 'not a uuid', values: ['not-a-uuid'], strict: true, core: true },
      { label: 'unknown uuid', values: [ctx.rng.uuid()], strict: false },
      { label: 'upper-case', values: [valid.toUpperCase()], strict: false },
    );
  if (schema.format === 'date-time')
    list.push(
      ...hostileDates.map((d) => ({ label: `date ${JSON.stringify(d)}`, values: [d], strict: false, core: true })),
    );
  if (name === 'uuids') {
    const ids = (n: number) => Array.from({ length: n }, () => ctx.rng.uuid()).join(',');
    list.push(
      { label: '101 uuids', values: [ids(101)], strict: true, core: true },
      { label: 'empty items', values: [',,,'], strict: true },
      { label: 'uuid and NUL', values: [`${ids(1)},\u0000`], strict: true, core: true },
      { label: 'uuid and junk', values: [`${ids(2)},zzz`], strict: true },
    );
  }
  return list;
}

/** A query string from parameter values (encoded here), keys in the given order. */
export function queryString(params: [string, string[] | undefined][]): string {
  const parts = params.flatMap(([key, values]) => (values ?? []).map((v) => `${pct(key)}=${pct(v)}`));
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Picks the core mutations and `extra` of the others. */
export function choose<T extends { core?: boolean }>(rng: Rng, list: T[], extra: number): T[] {
  return [
    ...list.filter((m) => m.core),
    ...rng.sample(
      list.filter((m) => !m.core),
      extra,
    ),
  ];
}
