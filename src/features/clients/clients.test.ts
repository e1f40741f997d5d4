import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../platform/secrets.js';
import {
  createPartnerWorld,
  form,
  startTestApp,
  type Actor,
  type PartnerWorld,
  type TestApp,
} from '../../../test/support/test-app.js';

let t: TestApp;
let p: PartnerWorld;
let other: PartnerWorld;
beforeAll(async () => {
  t = await startTestApp();
  p = await createPartnerWorld(t, 'Clients');
  other = await createPartnerWorld(t, 'Elsewhere');
});
afterAll(() => t?.close());

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function createClient(actor: Actor, tenantId: string, extra: Record<string, unknown> = {}) {
  return t.call(actor, 'POST', '/api/2/clients', {
    type: 'api_client',
    tenant_id: tenantId,
    data: { client_name: 'Billing sync' },
    ...extra,
  });
}

/** A client of the partner, created by its admin, with a token from the client grant. */
async function signedInClient(name = 'Integration') {
  const created = await createClient(p.admin, p.partnerId, { data: { client_name: name } });
  expect(created.status).toBe(201);
  const grant = await clientGrant(created.body.client_id, created.body.client_secret);
  expect(grant.status).toBe(200);
  const actor: Actor = { name, authorization: `Bearer ${grant.body.access_token}` };
  return { id: created.body.client_id as string, secret: created.body.client_secret as string, actor };
}

async function clientGrant(id: string, secret: string, ip?: string) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/2/idp/token',
    remoteAddress: ip,
    payload: form({ grant_type: 'client_credentials' }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(id, secret) },
  });
  return { status: res.statusCode, body: res.json() };
}

describe('POST /clients', () => {
  it('answers 201 with the client and its secret, shown this once', async () => {
    const before = Date.now();
    const res = await createClient(p.admin, p.partnerId, { token_endpoint_auth_method: 'client_secret_post' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      client_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      client_secret: expect.any(String),
      tenant_id: p.partnerId,
      type: 'api_client',
      token_endpoint_auth_method: 'client_secret_post',
      status: 'enabled',
      created_at: expect.any(String),
      created_by: p.admin.userId,
      data: { client_name: 'Billing sync' },
      client_secret_expires_at: 0,
    });
    expect(res.body.client_secret.length).toBeGreaterThanOrEqual(40);
    expect(Date.parse(res.body.created_at)).toBeGreaterThanOrEqual(before - 1000);

    const read = await t.call(p.admin, 'GET', `/api/2/clients/${res.body.client_id}`);
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('client_secret');
    expect(JSON.stringify(read.body)).not.toContain(res.body.client_secret);
  });

  it('defaults token_endpoint_auth_method to client_secret_basic', async () => {
    const res = await createClient(p.admin, p.partnerId);
    expect(res.status).toBe(201);
    expect(res.body.token_endpoint_auth_method).toBe('client_secret_basic');
  });

  it('stores only a hash of the secret', async () => {
    const res = await createClient(p.admin, p.partnerId);
    const row = await t.db
      .selectFrom('api_clients')
      .selectAll()
      .where('id', '=', res.body.client_id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(res.body.client_secret);
    expect(row.secret_hash).toBe(sha256(res.body.client_secret));
  });

  it('accepts the established empty redirect_uris, but no redirect URI (API clients have no redirects)', async () => {
    expect((await createClient(p.admin, p.partnerId, { redirect_uris: [] })).status).toBe(201);
    const res = await createClient(p.admin, p.partnerId, { redirect_uris: ['https://example.test/cb'] });
    expect(res.status).toBe(400);
    expect(res.body.error.details.info).toBe('redirect_uris');
  });

  it('refuses unknown fields, in data or at the top, naming them', async () => {
    const inData = await createClient(p.admin, p.partnerId, { data: { client_name: 'x', scope: 'all' } });
    expect(inData.status).toBe(400);
    expect(inData.body.error).toMatchObject({ code: 'validation_failed', details: { info: 'data.scope' } });
    const top = await createClient(p.admin, p.partnerId, { secret: 'mine' });
    expect(top.status).toBe(400);
    expect(top.body.error.details.info).toBe('secret');
  });

  it('refuses a missing or too long client_name, a wrong type or auth method', async () => {
    const noName = await createClient(p.admin, p.partnerId, { data: {} });
    expect(noName.status).toBe(400);
    expect(noName.body.error.details.info).toBe('data.client_name');
    const long = await createClient(p.admin, p.partnerId, { data: { client_name: 'x'.repeat(256) } });
    expect(long.status).toBe(400);
    expect(long.body.error.details.info).toBe('data.client_name');
    const type = await createClient(p.admin, p.partnerId, { type: 'agent' });
    expect(type.status).toBe(400);
    expect(type.body.error.details.info).toBe('type');
    const method = await createClient(p.admin, p.partnerId, { token_endpoint_auth_method: 'private_key_jwt' });
    expect(method.status).toBe(400);
    expect(method.body.error.details.info).toBe('token_endpoint_auth_method');
  });

  it('refuses a read-only admin with 403 (code 1002) and creates nothing', async () => {
    const count = async () =>
      (await t.db.selectFrom('api_clients').select('id').where('tenant_id', '=', p.partnerId).execute()).length;
    const before = await count();
    const res = await createClient(p.readonly, p.partnerId);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe(1002);
    expect(await count()).toBe(before);
  });

  it("answers 404 (code 1005) for a tenant outside the caller's subtree, like an unknown one", async () => {
    const foreign = await createClient(p.admin, other.partnerId);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe(1005);
    const unknown = await createClient(p.admin, '00000000-0000-4000-8000-000000000000');
    expect(unknown.body).toEqual(foreign.body);
    // A customer's admin administers its customer, not the partner above it.
    const upwards = await createClient(p.customerAdmin, p.partnerId);
    expect(upwards.status).toBe(404);
    expect((await createClient(p.customerAdmin, p.customerId)).status).toBe(201);
  });
});

describe('GET /clients/{id}', () => {
  it('shows last access (time and address) after the client signs in and calls the API', async () => {
    const created = await createClient(p.admin, p.partnerId);
    const fresh = await t.call(p.admin, 'GET', `/api/2/clients/${created.body.client_id}`);
    expect(fresh.body).toMatchObject({
      client_id: created.body.client_id,
      status: 'enabled',
      last_access_at: null,
      last_access_from_ip: null,
    });

    const before = Date.now();
    const grant = await clientGrant(created.body.client_id, created.body.client_secret, '192.0.2.10');
    expect(grant.status).toBe(200);
    const afterGrant = await t.call(p.admin, 'GET', `/api/2/clients/${created.body.client_id}`);
    expect(Date.parse(afterGrant.body.last_access_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(afterGrant.body.last_access_from_ip).toBe('192.0.2.10');

    const call = await t.app.inject({
      method: 'GET',
      url: `/api/2/tenants/${p.partnerId}`,
      remoteAddress: '192.0.2.20',
      headers: { authorization: `Bearer ${grant.body.access_token}` },
    });
    expect(call.statusCode).toBe(200);
    const afterCall = await t.call(p.admin, 'GET', `/api/2/clients/${created.body.client_id}`);
    expect(afterCall.body.last_access_from_ip).toBe('192.0.2.20');
  });

  it("is visible to the tenant's read-only admin and the root, and to nobody outside (404)", async () => {
    const url = `/api/2/clients/${p.client.clientId}`;
    expect((await t.call(p.readonly, 'GET', url)).status).toBe(200);
    expect((await t.call(t.root, 'GET', url)).status).toBe(200);
    for (const outsider of [other.admin, other.client, p.customerAdmin]) {
      const res = await t.call(outsider, 'GET', url);
      expect(res.status, outsider.name).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await t.call(p.admin, 'GET', '/api/2/clients/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const malformed = await t.call(p.admin, 'GET', '/api/2/clients/not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details.info).toBe('id');
  });
});

describe('PUT /clients/{id}', () => {
  it('renames a client', async () => {
    const c = await signedInClient('Old name');
    const res = await t.call(p.admin, 'PUT', `/api/2/clients/${c.id}`, { data: { client_name: 'New name' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ client_id: c.id, data: { client_name: 'New name' }, status: 'enabled' });
    expect(res.body).not.toHaveProperty('client_secret');
    expect((await t.call(p.admin, 'GET', `/api/2/clients/${c.id}`)).body.data.client_name).toBe('New name');
  });

  it('disabling stops its tokens and refuses new ones; enabling lets it sign in again', async () => {
    const c = await signedInClient('To disable');
    expect((await t.call(c.actor, 'GET', `/api/2/tenants/${p.partnerId}`)).status).toBe(200);

    const disabled = await t.call(p.admin, 'PUT', `/api/2/clients/${c.id}`, { status: 'disabled' });
    expect(disabled.status).toBe(200);
    expect(disabled.body.status).toBe('disabled');
    const use = await t.call(c.actor, 'GET', `/api/2/tenants/${p.partnerId}`);
    expect(use.status).toBe(401);
    expect(use.body.error.code).toBe('unauthorized');
    const grant = await clientGrant(c.id, c.secret, '192.0.2.30');
    expect(grant.status).toBe(401);
    expect(grant.body.error.code).toBe('invalid_client');

    expect((await t.call(p.admin, 'PUT', `/api/2/clients/${c.id}`, { status: 'enabled' })).body.status).toBe('enabled');
    expect((await clientGrant(c.id, c.secret, '192.0.2.30')).status).toBe(200);
  });

  it('refuses an unknown status or field with 400', async () => {
    const bad = await t.call(p.admin, 'PUT', `/api/2/clients/${p.client.clientId}`, { status: 'archived' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.info).toBe('status');
    const unknown = await t.call(p.admin, 'PUT', `/api/2/clients/${p.client.clientId}`, { tenant_id: other.partnerId });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.info).toBe('tenant_id');
  });

  it('refuses a read-only admin (403, 1002) and outsiders (404), changing nothing', async () => {
    const c = await signedInClient('Guarded');
    const ro = await t.call(p.readonly, 'PUT', `/api/2/clients/${c.id}`, { status: 'disabled' });
    expect(ro.status).toBe(403);
    expect(ro.body.error.code).toBe(1002);
    for (const outsider of [other.admin, other.client, p.customerAdmin]) {
      const res = await t.call(outsider, 'PUT', `/api/2/clients/${c.id}`, {
        status: 'disabled',
        data: { client_name: 'hijacked' },
      });
      expect(res.status, outsider.name).toBe(404);
    }
    const after = await t.call(p.admin, 'GET', `/api/2/clients/${c.id}`);
    expect(after.body).toMatchObject({ status: 'enabled', data: { client_name: 'Guarded' } });
    expect((await t.call(c.actor, 'GET', `/api/2/tenants/${p.partnerId}`)).status).toBe(200);
  });
});

describe('DELETE /clients/{id}', () => {
  it('answers 204, revokes its tokens, and the client is gone', async () => {
    const c = await signedInClient('Short-lived');
    const res = await t.call(p.admin, 'DELETE', `/api/2/clients/${c.id}`);
    expect(res.status).toBe(204);
    const use = await t.call(c.actor, 'GET', `/api/2/tenants/${p.partnerId}`);
    expect(use.status).toBe(401);
    expect(
      await t.db.selectFrom('access_tokens').select('token_hash').where('subject_id', '=', c.id).execute(),
    ).toHaveLength(0);
    expect((await clientGrant(c.id, c.secret, '192.0.2.40')).body.error.code).toBe('invalid_client');
    const read = await t.call(p.admin, 'GET', `/api/2/clients/${c.id}`);
    expect(read.status).toBe(404);
    expect(read.body.error.code).toBe('not_found');
    expect((await t.call(p.admin, 'DELETE', `/api/2/clients/${c.id}`)).status).toBe(404);
  });

  it('refuses a read-only admin (403) and outsiders (404); the client keeps working', async () => {
    const c = await signedInClient('Survivor');
    const ro = await t.call(p.readonly, 'DELETE', `/api/2/clients/${c.id}`);
    expect(ro.status).toBe(403);
    expect(ro.body.error.code).toBe(1002);
    for (const outsider of [other.admin, other.client, p.customerAdmin]) {
      expect((await t.call(outsider, 'DELETE', `/api/2/clients/${c.id}`)).status, outsider.name).toBe(404);
    }
    expect((await t.call(p.admin, 'GET', `/api/2/clients/${c.id}`)).status).toBe(200);
    expect((await t.call(c.actor, 'GET', `/api/2/tenants/${p.partnerId}`)).status).toBe(200);
  });
});

describe('an API client acts as admin of its tenant', () => {
  it('creates a customer below its partner', async () => {
    const res = await t.call(p.client, 'POST', '/api/2/tenants', {
      name: 'Made by a script',
      parent_id: p.partnerId,
      kind: 'customer',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ parent_id: p.partnerId, kind: 'customer', name: 'Made by a script' });
    expect((await t.call(p.client, 'GET', `/api/2/tenants/${p.customerId}`)).status).toBe(200);
  });

  it('cannot see the root tenant or another partner (404)', async () => {
    for (const id of [t.rootTenantId, other.partnerId, other.customerId]) {
      const res = await t.call(p.client, 'GET', `/api/2/tenants/${id}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe(1005);
    }
    const below = await t.call(p.client, 'POST', '/api/2/tenants', {
      name: 'Intruder',
      parent_id: other.partnerId,
      kind: 'customer',
    });
    expect(below.status).toBe(404);
  });

  it('manages clients of its tenant, recorded as their creator', async () => {
    const res = await createClient(p.client, p.partnerId);
    expect(res.status).toBe(201);
    expect(res.body.created_by).toBe(p.client.clientId);
    expect((await createClient(p.client, t.rootTenantId)).status).toBe(404);
  });

  it("a customer's client sees its customer and not the partner above", async () => {
    const created = await createClient(p.customerAdmin, p.customerId);
    const grant = await clientGrant(created.body.client_id, created.body.client_secret);
    const actor = { name: 'customer client', authorization: `Bearer ${grant.body.access_token}` };
    expect((await t.call(actor, 'GET', `/api/2/tenants/${p.customerId}`)).status).toBe(200);
    expect((await t.call(actor, 'GET', `/api/2/tenants/${p.partnerId}`)).status).toBe(404);
    expect((await t.call(actor, 'GET', `/api/2/clients/${p.client.clientId}`)).status).toBe(404);
  });
});
