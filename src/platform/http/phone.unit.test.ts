import { describe, expect, it } from 'vitest';
import { phoneMaxLength, phonePattern } from './phone.js';

// The API compiles the pattern with the `u` flag (Ajv), the console with `v` (an HTML
// `pattern` attribute): both must give the same answers.
const rules = ['u', 'v'].map((flags) => ({ flags, rule: new RegExp(phonePattern, flags) }));

const good = [
  '',
  '+39 02 1234567',
  '(02) 555-1234',
  '555.1234',
  '0',
  '+1 555 1234 x123',
  '555 ext. 12',
  '555EXT12',
  '555 x 123456',
];
const bad = [
  '+',
  '() -',
  ' ',
  'abc',
  '555 x',
  '555 x1234567',
  '555 ext.. 1',
  'x123',
  '555\n',
  '555\u0000',
  '５５５',
  '555/1234',
];

describe('phonePattern', () => {
  for (const { flags, rule } of rules) {
    it(`takes digits with + ( ) - . and spaces, and an extension (flag ${flags})`, () => {
      for (const value of good) expect(rule.test(value), JSON.stringify(value)).toBe(true);
    });

    it(`refuses numbers without a digit, letters, other symbols and over-long extensions (flag ${flags})`, () => {
      for (const value of bad) expect(rule.test(value), JSON.stringify(value)).toBe(false);
    });
  }

  it('leaves length to maxLength, which fits the longest international number with an extension', () => {
    expect(phoneMaxLength).toBeGreaterThanOrEqual('+39 (02) 1234 5678 x123'.length);
    expect(new RegExp(phonePattern, 'u').test('1'.repeat(phoneMaxLength + 10))).toBe(true);
  });
});
