import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config.js';
import { openDatabase, type DatabaseHandle, type Db } from '../../src/platform/db/database.js';
import { buildApp } from '../../src/app.js';
import { expectError } from '../support/expect-error.js';
import type { Answer } from '../support/test-app.js';
import { freePort } from '../support/processes.js';

/**
 * A request fails within a bounded time when the database is gone, never hangs. These apps
 * need no real database: each stands on a broken one, so the tests cost no copy of the schema.
 */

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

async function appOn(db: Db): Promise<FastifyInstance> {
  const app = await buildApp({
    db,
    config: { ...loadConfig({}), publicUrl: 'http://liaison.test' },
    logger: false,
    consoleRoot: null,
  });
  cleanups.push(() => app.close());
  return app;
}

async function get(app: FastifyInstance, url: string): Promise<Answer> {
  const res = await app.inject({
    method: 'GET',
    url,
    headers: { authorization: `Basic ${Buffer.from('admin:whatever').toString('base64')}` },
  });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}

async function openOn(port: number): Promise<DatabaseHandle> {
  const handle = await openDatabase({
    databaseUrl: `postgres://liaison@127.0.0.1:${port}/liaison`,
    connectTimeoutMs: 500,
  });
  cleanups.push(() => handle.close());
  return handle;
}

/** Resolves with the promise's value, or with 'no answer' once `ms` have passed. */
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), ms).unref())]);

// Far above the 500 ms connection bound these databases get, even on a loaded machine.
const bound = 20_000;

describe('with the database gone', () => {
  it('a database that accepts connections but never answers: 503 in the error shape, not a hang', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => {
      sockets.push(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });
    const { db } = await openOn((silent.address() as net.AddressInfo).port);
    const app = await appOn(db);
    for (const url of ['/api/2/tenants', '/healthz']) {
      const res = await within(get(app, url), bound);
      expect(res, url).not.toBe('no answer');
      expectError(res as Answer, 503, 'database_unavailable');
      expect((res as Answer).headers['retry-after']).toBe('5');
      expect(JSON.stringify((res as Answer).body)).not.toMatch(/timeout exceeded|127\.0\.0\.1|\bat /i);
    }
  });

  it('a database server that is down (connection refused): 503 in the error shape', async () => {
    const { db } = await openOn(await freePort());
    const app = await appOn(db);
    const res = await within(get(app, '/api/2/tenants'), bound);
    expect(res).not.toBe('no answer');
    expectError(res as Answer, 503, 'database_unavailable');
    expect(JSON.stringify((res as Answer).body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });
});

describe('a 500', () => {
  // Was in conventions.test.ts on a second full test app, which a loaded machine took past the
  // test timeout to start; a driver that throws on every query needs no database at all.
  it('answers the error shape with code 1000 and leaks nothing internal', async () => {
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ max: 1 }) }) }) as Db;
    await db.destroy();
    const app = await appOn(db);
    const res = await get(app, '/api/2/tenants');
    expectError(res, 500, 1000);
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(res.body.error.message).toBe('Internal error');
    expect(res.body.error.details.info).toBeNull();
    expect(res.body.error.context).toEqual({});
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
    expect(JSON.stringify(res.body)).not.toMatch(/destroy|driver|pool|kysely|select|stack|\.ts|\bat /i);
  });
});
