import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { guard, isStorableText, MAX_DEPTH, refusalError, type Refusals } from './input-guard.js';

/** Runs the guard over a body and returns what it made of it and what it refused. */
function check(value: unknown, schema?: Parameters<typeof guard>[1]) {
  const refused: Refusals = [];
  const result = guard(value, schema, 'body', refused);
  return { result, refused };
}

function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

describe('isStorableText', () => {
  it('takes plain text, the empty string and well-formed surrogate pairs', () => {
    for (const text of ['', 'abc', 'Perché €', '😀', '👨‍👩‍👧', 'a\u0001b']) expect(isStorableText(text), text).toBe(true);
  });

  it('refuses a NUL anywhere and any unpaired surrogate', () => {
    const bad = ['\u0000', 'a\u0000', '\u0000a', '\ud800', 'a\ud83d', '\ud83dx', '\udc00', 'x\ude00', '\ude00\ud83d'];
    for (const text of bad) expect(isStorableText(text), JSON.stringify(text)).toBe(false);
  });
});

describe('guard', () => {
  it('names a nested field that holds a NUL the way the validator does', () => {
    const { refused } = check({ contact: { emails: ['ok', 'a\u0000b'] } });
    expect(refused).toEqual([{ field: 'contact.emails.1', message: expect.stringMatching(/NUL/) }]);
  });

  it('refuses a key with a lone surrogate', () => {
    expect(check({ ['name\ud800']: 'x' }).refused).toEqual([{ field: 'body', message: expect.stringMatching(/key/) }]);
  });

  it(`accepts ${MAX_DEPTH} levels of nesting and refuses one more`, () => {
    expect(check(nested(MAX_DEPTH)).refused).toEqual([]);
    const { refused } = check(nested(MAX_DEPTH + 1));
    expect(refused).toHaveLength(1);
    expect(refused[0].message).toBe(`is nested deeper than ${MAX_DEPTH} levels`);
  });

  it('stops at maxItems before reading the items (no NUL reported inside an over-long array)', () => {
    const schema = { type: 'array', maxItems: 3, items: { type: 'string' } };
    const { refused } = check(['a', 'b', 'c', '\u0000'], schema);
    expect(refused).toEqual([{ field: 'body', message: 'must NOT have more than 3 items' }]);
    expect(check(['a', 'b', '\u0000'], schema).refused[0].field).toBe('2');
  });

  it('reads at most 20 unknown keys of a closed object', () => {
    const schema = { type: 'object', properties: { name: { type: 'string' } }, additionalProperties: false };
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    expect(check({ name: 'x', ...keys(20) }, schema).refused).toEqual([]);
    expect(check({ name: 'x', ...keys(21) }, schema).refused).toEqual([
      { field: 'body', message: 'has more than 20 unknown fields' },
    ]);
  });

  it('leaves an over-long string to the validator, even one with a NUL', () => {
    const { result, refused } = check('\u0000'.repeat(11), { type: 'string', maxLength: 10 });
    expect(refused).toEqual([]);
    expect(result).toBe('\u0000'.repeat(11));
  });

  it('takes the longest bound of a union whose text branches are all bounded', () => {
    const schema = {
      anyOf: [
        { type: 'string', maxLength: 2 },
        { type: 'string', maxLength: 5 },
      ],
    };
    expect(check('abcd\u0000', schema).refused).toHaveLength(1);
    expect(check('abcde\u0000', schema).refused).toEqual([]);
  });

  it('coerces only plain decimals and true/false', () => {
    const as = (type: string, value: unknown) => check(value, { type }).result;
    expect(as('integer', '42')).toBe(42);
    expect(as('integer', '-7')).toBe(-7);
    expect(as('number', '2.5')).toBe(2.5);
    expect(as('boolean', 'false')).toBe(false);
    expect(as('boolean', 'true')).toBe(true);
    for (const text of ['0x1', '1e3', '2.5', ' 1', '', '1234567890123456'])
      expect(as('integer', text), text).toBe(text);
    for (const text of ['TRUE', '1', 'yes']) expect(as('boolean', text), text).toBe(text);
    expect(as('number', null)).toBe(null);
    expect(as('integer', true)).toBe(true);
    expect(as('string', 20121)).toBe('20121');
    expect(as('string', Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
  });

  it('lower-cases uuids, so an id in capitals compares equal to the answers', () => {
    const id = 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11';
    expect(check(id, { type: 'string', format: 'uuid' }).result).toBe(id.toLowerCase());
  });

  it('coerces inside objects and arrays, in place', () => {
    const body = { ids: ['1', '2'], active: 'true' };
    const schema = {
      type: 'object',
      properties: { ids: { type: 'array', items: { type: 'integer' } }, active: { type: 'boolean' } },
    };
    expect(check(body, schema).result).toEqual({ ids: [1, 2], active: true });
    expect(body.ids).toEqual([1, 2]);
  });
});

describe('refusalError', () => {
  const refused: Refusals = [
    { field: 'a', message: 'is bad' },
    { field: 'a', message: 'is worse' },
    { field: 'b', message: 'is bad' },
    { field: 'c', message: 'is bad' },
  ];

  it('lists the first few, says how many more, and names each listed field once', () => {
    const error = refusalError(refused, 3);
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('validation_failed');
    expect(error.status).toBe(400);
    expect(error.message).toBe('a is bad; a is worse; b is bad; and 1 more');
    expect(error.options.context).toEqual({ fields: ['a', 'b'] });
    expect(error.options.info).toBe('a,b');
  });

  it('adds no "more" when everything is listed', () => {
    expect(refusalError(refused, 10).message).not.toMatch(/more/);
  });
});
