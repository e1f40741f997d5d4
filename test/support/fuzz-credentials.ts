import type { Rng } from './fuzz-random.js';
import type { FuzzWorld } from './fuzz-world.js';
import type { Operation } from './fuzz-openapi.js';
import type { FuzzCase, FuzzRequest } from './fuzz-cases.js';
import { toJson, validValue } from './fuzz-values.js';

const basic = (user: string | Buffer, password: string | Buffer) =>
  `Basic ${Buffer.concat([Buffer.from(user), Buffer.from(':'), Buffer.from(password)]).toString('base64')}`;

/** Authorization headers no caller may pass with, least of all answer 500 to (issue 8: a NUL in HTTP Basic). */
function hostileAuthorizations(world: FuzzWorld): { label: string; header: string; core?: boolean }[] {
  return [
    { label: 'Basic with NUL in the login', header: basic('fuzz\u0000admin', 'password'), core: true },
    { label: 'Basic with NUL in the password of a real login', header: basic(world.spareLogin, 'pass\u0000word') },
    { label: 'Basic with a percent-encoded NUL', header: basic('fuzz%00client', 'secret%00') },
    { label: 'Basic with lone surrogate bytes', header: basic(Buffer.from([0x61, 0xed, 0xa0, 0x80]), 'x') },
    { label: 'Basic with invalid UTF-8', header: basic(Buffer.from([0xff, 0xfe]), Buffer.from([0xc3])) },
    { label: 'Basic that is not base64', header: 'Basic !!!***' },
    { label: 'Basic without a colon', header: `Basic ${Buffer.from('fuzz').toString('base64')}` },
    { label: 'Basic with nothing', header: 'Basic ' },
    { label: 'Basic with a 10,000-character login', header: basic('x'.repeat(10_000), 'password') },
    { label: 'Bearer over-long', header: `Bearer ${'x'.repeat(8000)}` },
    { label: 'Bearer of a forged token', header: 'Bearer 0000000000000000000000000000000000000000000' },
    { label: 'unknown scheme', header: 'Digest username="admin"' },
  ];
}

/** Each operation called with hostile credentials: the core ones everywhere, `extra` others sampled; the token endpoint gets them all. */
export function credentialCases(op: Operation, world: FuzzWorld, rng: Rng, extra: number): FuzzCase[] {
  const all = hostileAuthorizations(world);
  const token = op.path.endsWith('/idp/token');
  const chosen = token
    ? all
    : [
        ...all.filter((a) => a.core),
        ...rng.sample(
          all.filter((a) => !a.core),
          extra,
        ),
      ];
  const ctx = { rng, idFor: () => undefined, version: 1 };
  return chosen.map(({ label, header }): FuzzCase => ({
    route: `${op.method} ${op.path}`,
    where: 'credentials',
    label,
    names: '',
    strict: false,
    auth: 'own',
    build: (): FuzzRequest => {
      const url = op.path.replace('{id}', world.ids.tenant[1]);
      if (token)
        return {
          method: op.method,
          url,
          headers: { authorization: header, 'content-type': 'application/x-www-form-urlencoded' },
          payload: 'grant_type=client_credentials',
        };
      if (op.body && !op.body.form)
        return {
          method: op.method,
          url,
          headers: { authorization: header, 'content-type': 'application/json' },
          payload: toJson(validValue(op.body.schema, '', ctx)),
        };
      return { method: op.method, url, headers: { authorization: header } };
    },
  }));
}
