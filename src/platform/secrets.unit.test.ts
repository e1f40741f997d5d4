import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, newToken, sameHash, sha256, verifyPassword } from './secrets.js';

describe('tokens', () => {
  it('are 32 random bytes in base64url, stored as their SHA-256 in hex', () => {
    const { token, hash } = newToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(sha256(token));
  });

  it('never repeat', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => newToken().token));
    expect(tokens.size).toBe(200);
  });
});

describe('sha256', () => {
  it('gives the standard digest (FIPS 180-2 test vectors)', () => {
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes the UTF-8 bytes, so look-alike text differs', () => {
    expect(sha256('é')).not.toBe(sha256('e\u0301'));
  });
});

describe('sameHash', () => {
  const a = sha256('a');

  it('is true for the same digest and false for any other', () => {
    expect(sameHash(a, sha256('a'))).toBe(true);
    expect(sameHash(a, sha256('b'))).toBe(false);
    expect(sameHash(a, a.slice(0, -2))).toBe(false);
    expect(sameHash(a, `${a}00`)).toBe(false);
  });
});

describe('passwords', () => {
  it('are generated as 18 random bytes in base64url', () => {
    const password = generatePassword();
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(generatePassword()).not.toBe(password);
  });

  it('verify against their argon2 hash only', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(hash, 'correct horse')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse ')).toBe(false);
    expect(await verifyPassword(hash, '')).toBe(false);
  });

  it('refuse without throwing when there is no hash or a malformed one', async () => {
    expect(await verifyPassword(null, 'x')).toBe(false);
    expect(await verifyPassword(undefined, 'x')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false);
  });
});
