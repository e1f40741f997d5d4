import { expect } from 'vitest';
import type { Answer } from './test-app.js';

/**
 * An answer in the API's error shape with this status and code; when `field` is given, the
 * error names it (details.info lists the failing fields, comma-separated).
 */
export function expectError(res: Answer, status: number, code: number | string, field?: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.error).toMatchObject({ code, details: expect.any(Object), context: expect.any(Object), data: [] });
  expect(typeof res.body.error.message).toBe('string');
  if (field !== undefined) expect(String(res.body.error.details.info).split(',')).toContain(field);
}
