/**
 * What a phone or fax number holds: digits, spaces, `+ ( ) - .` with at least one digit, and
 * an optional extension (`x123`, `ext. 123`); empty means no number. Plain values without
 * imports, so the console checks its fields with the very rule the API applies. Every
 * character class member is escaped so the pattern compiles with the `u` flag (Ajv) and the
 * `v` flag (an HTML `pattern` attribute) alike.
 */
export const phonePattern = String.raw`^(?:(?=[0-9+\(\) .\-]*[0-9])[0-9+\(\) .\-]*(?: *(?:[xX]|[eE][xX][tT]\.?) *[0-9]{1,6})?)?$`;
export const phoneMaxLength = 25;
