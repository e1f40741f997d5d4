import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { sha256 } from '../../platform/secrets.js';
import { createPartnerWorld, startTestApp, type Actor, type TestApp } from '../../../test/support/test-app.js';
import { backendName } from '../../../test/support/test-database.js';

// A bearer token's principal is kept in memory (PrincipalCache) while nothing it was read from
// changes. These tests warm it with two calls, change something the way each kind of writer
// does, and expect the very next call to see the change. Memory is kept for an hour here, so
// only the invalidation can explain a refusal.

const hashOf = (actor: Actor) => sha256(actor.authorization.replace(/^Bearer /, ''));
const onServer = backendName() === 'postgres';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ authCacheSeconds: 3600 });
});
afterAll(() => t?.close());

const status = async (actor: Actor, url: string) => (await t.call(actor, 'GET', url)).status;
/** Two calls answered: the principal is in memory from here on. */
async function warm(actor: Actor, url: string) {
  expect(await status(actor, url)).toBe(200);
  expect(await status(actor, url)).toBe(200);
}

describe('principals kept in memory, changed in this process', () => {
  it('a deleted token is refused at once', async () => {
    const p = await createPartnerWorld(t, 'CacheToken');
    await warm(p.admin, `/api/2/tenants/${p.partnerId}`);
    await t.db.deleteFrom('access_tokens').where('token_hash', '=', hashOf(p.admin)).execute();
    expect(await status(p.admin, `/api/2/tenants/${p.partnerId}`)).toBe(401);
  });

  it('a removed role, a disabled user, a disabled client and a disabled tenant count from the next call', async () => {
    const p = await createPartnerWorld(t, 'CacheRole');
    const customer = `/api/2/tenants/${p.customerId}`;
    // The client first: its first call writes its last access, which empties the memory.
    for (const actor of [p.client, p.admin, p.readonly, p.customerAdmin]) await warm(actor, customer);

    await t.db.deleteFrom('access_policies').where('user_id', '=', p.readonly.userId).execute();
    expect(await status(p.readonly, customer)).toBe(404);

    const user = `/api/2/users/${p.customerAdmin.userId}`;
    const { version } = (await t.call(p.admin, 'GET', user)).body;
    expect((await t.call(p.admin, 'PUT', user, { version, enabled: false })).status).toBe(200);
    expect(await status(p.customerAdmin, customer)).toBe(401);

    await t.db.updateTable('api_clients').set({ status: 'disabled' }).where('id', '=', p.client.clientId).execute();
    expect(await status(p.client, customer)).toBe(401);

    await sql`UPDATE tenants SET enabled = false WHERE id = ${p.partnerId}`.execute(t.db);
    expect(await status(p.admin, customer)).toBe(401);
  });

  it.runIf(onServer)('a change inside a transaction counts from its commit, not before', async () => {
    const p = await createPartnerWorld(t, 'CacheTrx');
    const url = `/api/2/tenants/${p.partnerId}`;
    await warm(p.client, url);
    await t.db.transaction().execute(async (trx) => {
      await trx.updateTable('tenants').set({ enabled: false }).where('id', '=', p.partnerId).execute();
      // Read meanwhile, before the commit: the old state, and kept only until the commit.
      await warm(p.client, url);
    });
    expect(await status(p.client, url)).toBe(401);
  });
});

describe.runIf(onServer)('principals kept in memory, changed by another process', () => {
  let other: pg.Client;
  beforeAll(async () => {
    const url = new URL((inject('testDatabase') as { serverUrl: string }).serverUrl);
    const { rows } = await sql<{ name: string }>`SELECT current_database() AS name`.execute(t.db);
    url.pathname = `/${rows[0].name}`;
    other = new pg.Client({ connectionString: url.toString() });
    await other.connect();
  });
  afterAll(() => other?.end());
  const refusedSoon = (actor: Actor, url: string) =>
    expect.poll(() => status(actor, url), { timeout: 10_000, interval: 50 }).toBe(401);

  it('is used: a token deleted with triggers off (nobody told) is still answered', async () => {
    const p = await createPartnerWorld(t, 'CacheUsed');
    const url = `/api/2/tenants/${p.partnerId}`;
    await warm(p.client, url);
    await other.query(`SET session_replication_role = replica`);
    try {
      await other.query('DELETE FROM access_tokens WHERE token_hash = $1', [hashOf(p.client)]);
    } finally {
      await other.query(`SET session_replication_role = DEFAULT`);
    }
    expect(await status(p.client, url)).toBe(200);
    // A change anyone is told of drops the whole memory.
    await other.query(`UPDATE tenants SET enabled = true WHERE id = $1`, [p.customerId]);
    await refusedSoon(p.client, url);
  });

  it('hears a revoked token, a removed role and a disabled tenant when they commit', async () => {
    const p = await createPartnerWorld(t, 'CacheOther');
    const customer = `/api/2/tenants/${p.customerId}`;
    // The client first: its first call writes its last access, which empties the memory.
    for (const actor of [p.client, p.admin, p.readonly]) await warm(actor, customer);
    await other.query('DELETE FROM access_tokens WHERE token_hash = $1', [hashOf(p.admin)]);
    await refusedSoon(p.admin, customer);
    await other.query('DELETE FROM access_policies WHERE user_id = $1', [p.readonly.userId]);
    await expect.poll(() => status(p.readonly, customer), { timeout: 10_000, interval: 50 }).toBe(404);
    await other.query('UPDATE tenants SET enabled = false WHERE id = $1', [p.partnerId]);
    await refusedSoon(p.client, customer);
  });

  it('keeps nothing while it cannot hear: its listening connection ended, a silent change counts', async () => {
    const p = await createPartnerWorld(t, 'CacheDeaf');
    const url = `/api/2/tenants/${p.partnerId}`;
    await warm(p.client, url);
    await other.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = 'liaison auth watch'`);
    await other.query(`SET session_replication_role = replica`);
    try {
      await other.query('DELETE FROM access_tokens WHERE token_hash = $1', [hashOf(p.client)]);
    } finally {
      await other.query(`SET session_replication_role = DEFAULT`);
    }
    await refusedSoon(p.client, url);
  });
});
