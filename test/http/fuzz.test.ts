import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';
import { backendName } from '../support/test-database.js';
import { buildFuzzWorld, type FuzzWorld } from '../support/fuzz-world.js';
import { Rng, fuzzSeed } from '../support/fuzz-random.js';
import { operationsOf, resolverOf, type Operation } from '../support/fuzz-openapi.js';
import { CaseBuilder, type FuzzCase } from '../support/fuzz-cases.js';
import { credentialCases } from '../support/fuzz-credentials.js';
import { FuzzRunner } from '../support/fuzz-runner.js';
import { startFuzzApp, type FuzzApp } from '../support/fuzz-app.js';
import { report } from '../support/fuzz-check.js';
import { queryString } from '../support/fuzz-query.js';

/**
 * Issue 8, "bad input must never answer 500": every write route's body and every query
 * parameter of every route, fuzzed from the OpenAPI document with a seeded generator, as
 * the root admin and (a sample) without credentials; hostile credentials on every route.
 * Bounded to a few thousand requests through app.inject.
 */

// How many sampled values each field gets beside its core ones (NUL, surrogates, null, …).
const EXTRA_BODY = 2;
const EXTRA_QUERY = 3;
const EXTRA_FORM = 2;
const EXTRA_PATH = 3;
const CURSORS = 6;
const EXTRA_CREDENTIALS = 1;
// The share of admin cases sent again without credentials.
const UNAUTHENTICATED = 0.1;

const publicRoutes = new Set([
  'POST /api/2/idp/token',
  'POST /api/2/session',
  'POST /api/2/email-confirmations',
  'POST /api/2/users/activate',
]);

let t: TestApp;
let world: FuzzWorld;
let fuzz: FuzzApp;
let doc: any;
beforeAll(async () => {
  t = await startTestApp();
  world = await buildFuzzWorld(t);
  fuzz = await startFuzzApp(t);
  doc = (await t.call(undefined, 'GET', '/api/2/openapi.json')).body;
}, 180_000);
afterAll(async () => {
  await fuzz?.close();
  await t?.close();
});

/** A real `after` per list route (limit=1 over the world's objects), so forged cursors start from real ones. */
async function realCursors(builder: CaseBuilder, operations: Operation[]): Promise<Map<string, string | undefined>> {
  const cursors = new Map<string, string | undefined>();
  for (const op of operations.filter((o) => o.method === 'GET' && o.query.some((p) => p.name === 'after'))) {
    const pathId = builder.pathId(op);
    const url = builder.url(op, pathId, [...builder.baseQuery(op, pathId), ['limit', ['1']]]);
    const res = await t.call(t.root, 'GET', url);
    cursors.set(op.path, res.body?.paging?.cursors?.after);
  }
  return cursors;
}

describe('fuzzing every route of the OpenAPI document', () => {
  it('answers no 5xx, every 4xx in the error shape, every validation 400 naming the field', async () => {
    const seed = fuzzSeed();
    const rng = new Rng(seed);
    const operations = operationsOf(doc);
    const versions = new Map<string, number>();
    const env = {
      rng,
      world,
      resolve: resolverOf(doc),
      versions,
      cursors: new Map(),
      isPublic: (op: Operation) => op.public || publicRoutes.has(`${op.method} ${op.path}`),
    };
    const builder = new CaseBuilder(env);
    for (const kind of ['tenant', 'user', 'contact'] as const) {
      for (const id of world.ids[kind])
        versions.set(id, (await t.call(t.root, 'GET', `/api/2/${kind}s/${id}`)).body.version);
    }
    env.cursors = await realCursors(builder, operations);

    const cases: FuzzCase[] = [];
    for (const op of operations) cases.push(...credentialCases(op, world, rng, EXTRA_CREDENTIALS));
    for (const op of operations) {
      if (op.body?.form) cases.push(...builder.formCases(op, EXTRA_FORM));
      else if (op.method !== 'GET') cases.push(...builder.bodyCases(op, EXTRA_BODY));
      cases.push(...builder.queryCases(op, EXTRA_QUERY, CURSORS), ...builder.pathCases(op, EXTRA_PATH));
    }
    // Reads and credentials first, deletes last: they remove the objects the other cases act on.
    const order = (c: FuzzCase) =>
      c.where === 'credentials' ? 0 : ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].indexOf(c.route.split(' ')[0]) + 1;
    cases.sort((a, b) => order(a) - order(b));

    const runner = new FuzzRunner(t, fuzz, versions);
    const cpu = process.cpuUsage();
    for (const c of cases) {
      await runner.run(c);
      if (c.auth === 'admin' && rng.chance(UNAUTHENTICATED)) await runner.run(c, 'none');
    }

    const fiveHundreds = runner.failures.filter((f) => f.answer.status >= 500 || f.answer.status === 0).length;
    console.log(
      `fuzz: ${runner.count} requests, ${fiveHundreds} answered 5xx (${backendName()}, seed ${seed}, ${runner.failures.length} failing, ${Math.round(process.cpuUsage(cpu).user / 1000)} ms CPU)`,
    );
    if (runner.failures.length) console.log(report(runner.failures, seed));
    expect(runner.failures.map((f) => `${f.c.route} ${f.c.where}: ${f.c.label} → ${f.problem}`)).toEqual([]);
  }, 600_000);

  it('leaves the server answering: health, and the admin still reads', async () => {
    expect((await t.call(undefined, 'GET', '/healthz')).status).toBe(200);
    const admin = await t.tokenFor('admin', ROOT_PASSWORD);
    expect((await t.call(admin, 'GET', `/api/2/tenants${queryString([['limit', ['1']]])}`)).status).toBe(200);
  });
});
