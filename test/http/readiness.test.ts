import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { openDatabase, type DatabaseHandle } from '../../src/platform/db/database.js';
import { expectError } from '../support/expect-error.js';
import { startTestApp, type Answer, type TestApp } from '../support/test-app.js';

/** /readyz: 200 only when the database answers and holds exactly this version's migrations; /healthz beside it. */

let t: TestApp;
const cleanups: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await t?.close();
});

const get = (url: string) => t.call(undefined, 'GET', url);

/** A database with no table at all: an in-memory PGlite, or a new database on the run's server. */
async function emptyDatabase(): Promise<DatabaseHandle> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return openDatabase({});
  const name = `liaison_empty_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), poolSize: 1 });
  return {
    ...handle,
    async close() {
      await handle.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name}`).finally(() => admin.end());
    },
  };
}

describe('GET /readyz', () => {
  it('answers 200 {"status":"ready"} without credentials on a migrated database, as /healthz answers ok', async () => {
    expect(await get('/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } });
    expect(await get('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('answers 503 naming the migration the database lacks, and 200 again once it is applied', async () => {
    const row = await sql<{
      name: string;
      timestamp: string;
    }>`select name, timestamp from liaison_migration order by name desc limit 1`.execute(t.db);
    const latest = row.rows[0];
    await sql`delete from liaison_migration where name = ${latest.name}`.execute(t.db);
    try {
      const res = await get('/readyz');
      expectError(res, 503, 'not_ready');
      expect(res.body.error.details.info).toBe(`pending: ${latest.name}`);
      expect(res.body.error.context).toEqual({ pending: [latest.name], unknown: [] });
      // Alive all the same: an orchestrator must not restart a process that waits for a migration.
      expect((await get('/healthz')).status).toBe(200);
    } finally {
      await sql`insert into liaison_migration (name, timestamp) values (${latest.name}, ${latest.timestamp})`.execute(
        t.db,
      );
    }
    expect((await get('/readyz')).status).toBe(200);
  });

  it('answers 503 naming a migration this version does not know (a newer version migrated the database)', async () => {
    await sql`insert into liaison_migration (name, timestamp) values ('9999-from-the-future', ${new Date().toISOString()})`.execute(
      t.db,
    );
    try {
      const res = await get('/readyz');
      expectError(res, 503, 'not_ready');
      expect(res.body.error.details.info).toBe('unknown to this version: 9999-from-the-future');
    } finally {
      await sql`delete from liaison_migration where name = '9999-from-the-future'`.execute(t.db);
    }
  });

  it('answers 503 naming every migration on a fresh empty database', async () => {
    const empty = await emptyDatabase();
    cleanups.push(() => empty.close());
    const app = await buildApp({
      db: empty.db,
      config: { ...loadConfig({}), publicUrl: 'http://liaison.test' },
      logger: false,
      consoleRoot: null,
    });
    cleanups.push(() => app.close());
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    const answer: Answer = { status: res.statusCode, body: res.json(), headers: res.headers };
    expectError(answer, 503, 'not_ready');
    expect(answer.body.error.context.pending).toContain('0001-foundation');
    expect(answer.body.error.details.info).toMatch(/^pending: 0001-foundation 0002-/);
    expect(answer.body.error.context.pending.length).toBeGreaterThanOrEqual(6);
  });
});
