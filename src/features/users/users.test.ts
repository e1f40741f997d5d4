import { cardFields } from '../../platform/http/contact-card.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPassword } from '../setup/bootstrap.service.js';
import {
  createPartnerWorld,
  startTestApp,
  type Actor,
  type PartnerWorld,
  type TestApp,
} from '../../../test/support/test-app.js';

let t: TestApp;
let p: PartnerWorld;
let q: PartnerWorld;
beforeAll(async () => {
  t = await startTestApp();
  p = await createPartnerWorld(t, 'P');
  q = await createPartnerWorld(t, 'Q');
});
afterAll(() => t?.close());

let seq = 0;
const unique = (base: string) => `${base}-${++seq}`;

/** Creates a user in `tenantId` as `actor` and returns the answer body, failing loudly otherwise. */
async function createUser(
  actor: Actor,
  tenantId: string,
  fields: { login?: string; email?: string; firstname?: string } = {},
) {
  const login = fields.login ?? unique('user');
  const res = await t.call(actor, 'POST', '/api/2/users', {
    tenant_id: tenantId,
    login,
    contact: {
      email: fields.email ?? `${login}@example.test`,
      firstname: fields.firstname ?? 'Ada',
      lastname: 'Lovelace',
    },
  });
  if (res.status !== 200) throw new Error(`createUser: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Gives the user a password and signs it in. */
async function signIn(login: string): Promise<Actor> {
  await setPassword(t.db, login, `pw-${login}`);
  return t.tokenFor(login, `pw-${login}`);
}

async function setPolicies(actor: Actor, userId: string, items: unknown[]) {
  return t.call(actor, 'PUT', `/api/2/users/${userId}/access_policies`, { items });
}

function expectValidation(res: { status: number; body: any }, field: string) {
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('validation_failed');
  expect(res.body.error.context.fields).toContain(field);
}

describe('GET /users/check_login', () => {
  it('answers 204 for a free login and 409 for a taken one, ignoring case', async () => {
    const free = await t.call(p.admin, 'GET', `/api/2/users/check_login?username=${unique('nobody')}`);
    expect(free.status).toBe(204);
    expect(free.body).toBe('');

    const taken = await t.call(p.admin, 'GET', `/api/2/users/check_login?username=${p.admin.login.toUpperCase()}`);
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('login_taken');
  });

  it('answers the same for a login of another partner (logins are platform-wide)', async () => {
    const res = await t.call(q.admin, 'GET', `/api/2/users/check_login?username=${p.admin.login}`);
    expect(res.status).toBe(409);
  });

  it('requires the username', async () => {
    expectValidation(await t.call(p.admin, 'GET', '/api/2/users/check_login'), 'username');
  });
});

describe('POST /users', () => {
  it('creates a user and answers 200 with the whole user object', async () => {
    const login = unique('Grace');
    const res = await t.call(p.admin, 'POST', '/api/2/users', {
      tenant_id: p.customerId,
      login,
      contact: {
        email: 'grace@example.test',
        firstname: 'Grace',
        lastname: 'Hopper',
        phone: '+39 02 1234',
        title: 'Rear admiral',
        language: 'it',
      },
      notifications: ['maintenance', 'quota'],
      business_types: ['buyer'],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      version: 1,
      tenant_id: p.customerId,
      login,
      contact: {
        email: 'grace@example.test',
        firstname: 'Grace',
        lastname: 'Hopper',
        phone: '+39 02 1234',
        title: 'Rear admiral',
        language: 'it',
        types: [],
        email_confirmed: false,
        ...Object.fromEntries(cardFields.map((f) => [f, null])),
      },
      enabled: true,
      activated: false,
      language: 'it',
      personal_tenant_id: null,
      business_types: ['buyer'],
      notifications: ['maintenance', 'quota'],
      created_at: expect.any(String),
      updated_at: expect.any(String),
      deleted_at: null,
    });
    expect(Date.parse(res.body.created_at)).not.toBeNaN();
    expect(res.body).not.toHaveProperty('password_hash');

    const read = await t.call(p.admin, 'GET', `/api/2/users/${res.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it('uses the email as login when none is given, and accepts "enabled" sent as a string', async () => {
    const email = `${unique('mail')}@example.test`;
    const res = await t.call(p.admin, 'POST', '/api/2/users', {
      tenant_id: p.customerId,
      contact: { email },
      enabled: 'false',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ login: email, enabled: false, contact: { email, firstname: '', lastname: '' } });
  });

  it('asks for a login when the email cannot serve as one', async () => {
    const res = await t.call(p.admin, 'POST', '/api/2/users', {
      tenant_id: p.customerId,
      contact: { email: `o'neil-${++seq}@example.test` },
    });
    expectValidation(res, 'login');
    const given = await t.call(p.admin, 'POST', '/api/2/users', {
      tenant_id: p.customerId,
      login: unique('oneil'),
      contact: { email: `o'neil@example.test` },
    });
    expect(given.status).toBe(200);
    expect(given.body.contact.email).toBe(`o'neil@example.test`);
  });

  it('gives a login to one of two simultaneous requests and answers 409 to the other', async () => {
    const login = unique('race');
    const answers = await Promise.all(
      [1, 2].map((n) =>
        t.call(p.admin, 'POST', '/api/2/users', {
          tenant_id: p.customerId,
          login,
          contact: { email: `race${n}@example.test` },
        }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.status === 409)!.body.error.code).toBe('login_taken');
  });

  it('refuses a login that is taken in another case with 409', async () => {
    const res = await t.call(p.admin, 'POST', '/api/2/users', {
      tenant_id: p.customerId,
      login: p.customerAdmin.name.toUpperCase(),
      contact: { email: 'dup@example.test' },
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'login_taken', details: { info: 'login' } });
  });

  it('refuses invalid bodies with 400 naming the field', async () => {
    const base = { tenant_id: p.customerId, login: unique('v') };
    expectValidation(
      await t.call(p.admin, 'POST', '/api/2/users', { ...base, contact: { email: 'not-an-email' } }),
      'contact.email',
    );
    expectValidation(
      await t.call(p.admin, 'POST', '/api/2/users', { ...base, contact: { firstname: 'No email' } }),
      'contact.email',
    );
    expectValidation(
      await t.call(p.admin, 'POST', '/api/2/users', { ...base, contact: { email: 'a@example.test' }, nickname: 'x' }),
      'nickname',
    );
    expectValidation(
      await t.call(p.admin, 'POST', '/api/2/users', { ...base, contact: { email: 'a@example.test', middlename: 'x' } }),
      'contact.middlename',
    );
    expectValidation(
      await t.call(p.admin, 'POST', '/api/2/users', {
        ...base,
        contact: { email: 'a@example.test', firstname: 'x'.repeat(101) },
      }),
      'contact.firstname',
    );
    expectValidation(
      await t.call(p.admin, 'POST', '/api/2/users', {
        ...base,
        login: 'has space',
        contact: { email: 'a@example.test' },
      }),
      'login',
    );
    // Nothing was created by any of these.
    expect((await t.call(p.admin, 'GET', `/api/2/users/check_login?username=${base.login}`)).status).toBe(204);
  });

  it('refuses a readonly admin with 403 code 1002', async () => {
    const login = unique('ro-made');
    const res = await t.call(p.readonly, 'POST', '/api/2/users', {
      tenant_id: p.customerId,
      login,
      contact: { email: 'ro@example.test' },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe(1002);
    expect((await t.call(p.admin, 'GET', `/api/2/users/check_login?username=${login}`)).status).toBe(204);
  });

  it("answers 404 for a tenant outside the caller's subtree", async () => {
    const login = unique('sideways');
    for (const [actor, tenantId] of [
      [q.admin, p.customerId],
      [p.customerAdmin, p.partnerId],
      [p.client, t.rootTenantId],
    ] as const) {
      const res = await t.call(actor, 'POST', '/api/2/users', {
        tenant_id: tenantId,
        login,
        contact: { email: 'x@example.test' },
      });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe(1005);
    }
    expect((await t.call(p.admin, 'GET', `/api/2/users/check_login?username=${login}`)).status).toBe(204);
  });

  it('lets an API client create users in its tenant', async () => {
    const res = await t.call(p.client, 'POST', '/api/2/users', {
      tenant_id: p.partnerId,
      login: unique('by-client'),
      contact: { email: 'c@example.test' },
    });
    expect(res.status).toBe(200);
    expect(res.body.tenant_id).toBe(p.partnerId);
  });
});

describe('GET /users/{id}', () => {
  it('is readable by the admins above and by readonly admins, 404 for anyone outside', async () => {
    const user = await createUser(p.customerAdmin, p.customerId);
    for (const actor of [p.admin, p.readonly, p.customerAdmin, p.client, t.root]) {
      const res = await t.call(actor, 'GET', `/api/2/users/${user.id}`);
      expect(res.status, actor.name).toBe(200);
      expect(res.body.id).toBe(user.id);
    }
    const outside = await t.call(q.admin, 'GET', `/api/2/users/${user.id}`);
    expect(outside.status).toBe(404);
    expect(outside.body.error.code).toBe('not_found');
    // A customer admin cannot look upwards at its partner's users.
    expect((await t.call(p.customerAdmin, 'GET', `/api/2/users/${p.admin.userId}`)).status).toBe(404);
  });

  it('answers 400 for an id that is not a uuid and 404 for an unknown one', async () => {
    expectValidation(await t.call(p.admin, 'GET', '/api/2/users/not-a-uuid'), 'id');
    expect((await t.call(p.admin, 'GET', '/api/2/users/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe('GET /users', () => {
  let tenantId: string;
  let ids: string[];
  beforeAll(async () => {
    const tenant = await t.call(p.admin, 'POST', '/api/2/tenants', {
      name: unique('Paging customer'),
      parent_id: p.partnerId,
      kind: 'customer',
    });
    tenantId = tenant.body.id;
    ids = [];
    for (let i = 0; i < 5; i++) ids.push((await createUser(p.admin, tenantId)).id);
    await setPolicies(p.admin, ids[0], [{ tenant_id: tenantId, role_id: 'company_admin' }]);
  });

  it('reads a batch by uuids and answers objects', async () => {
    const res = await t.call(p.admin, 'GET', `/api/2/users?uuids=${ids[0]},${ids[1]}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((u: any) => u.id).sort()).toEqual([ids[0], ids[1]].sort());
    expect(res.body.items[0]).toMatchObject({ tenant_id: tenantId, contact: { firstname: 'Ada' }, version: 1 });
    expect(res.body.items[0]).not.toHaveProperty('access_policies');
    expect(res.body.paging).toEqual({ cursors: {} });
  });

  it("leaves out users outside the caller's subtree", async () => {
    const res = await t.call(q.admin, 'GET', `/api/2/users?uuids=${ids[0]},${q.admin.userId}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((u: any) => u.id)).toEqual([q.admin.userId]);
    const byTenant = await t.call(q.admin, 'GET', `/api/2/users?tenant_id=${tenantId}`);
    expect(byTenant.status).toBe(200);
    expect(byTenant.body.items).toEqual([]);
  });

  it("pages a tenant's users with limit and the opaque after cursor", async () => {
    const seen: string[] = [];
    let url = `/api/2/users?tenant_id=${tenantId}&limit=2`;
    let pages = 0;
    for (;;) {
      const res = await t.call(p.admin, 'GET', url);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((u: any) => u.id));
      pages++;
      const after = res.body.paging.cursors.after;
      if (!after) break;
      // The cursor carries the filters: only `after` (and the limit) is sent on.
      url = `/api/2/users?limit=2&after=${encodeURIComponent(after)}`;
      if (pages > 5) throw new Error('paging does not end');
    }
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('includes access policies with with_access_policies=true, also on later pages', async () => {
    const res = await t.call(p.admin, 'GET', `/api/2/users?tenant_id=${tenantId}&with_access_policies=true`);
    expect(res.status).toBe(200);
    const admin = res.body.items.find((u: any) => u.id === ids[0]);
    expect(admin.access_policies).toEqual([
      expect.objectContaining({
        trustee_id: ids[0],
        tenant_id: tenantId,
        role_id: 'company_admin',
        trustee_type: 'user',
      }),
    ]);
    expect(res.body.items.find((u: any) => u.id === ids[1]).access_policies).toEqual([]);

    const first = await t.call(p.admin, 'GET', `/api/2/users?tenant_id=${tenantId}&with_access_policies=true&limit=1`);
    const next = await t.call(
      p.admin,
      'GET',
      `/api/2/users?limit=1&after=${encodeURIComponent(first.body.paging.cursors.after)}`,
    );
    expect(next.status).toBe(200);
    expect(next.body.items[0]).toHaveProperty('access_policies');
  });

  it('lists a whole subtree with subtree_root_tenant_id', async () => {
    const res = await t.call(p.admin, 'GET', `/api/2/users?subtree_root_tenant_id=${p.partnerId}`);
    expect(res.status).toBe(200);
    const found = res.body.items.map((u: any) => u.id);
    expect(found).toEqual(expect.arrayContaining([...ids, p.admin.userId, p.customerAdmin.userId]));
    expect(found).not.toContain(q.admin.userId);
  });

  it('needs exactly one of uuids, tenant_id, subtree_root_tenant_id', async () => {
    const none = await t.call(p.admin, 'GET', '/api/2/users');
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe('validation_failed');
    const two = await t.call(p.admin, 'GET', `/api/2/users?uuids=${ids[0]}&tenant_id=${tenantId}`);
    expect(two.status).toBe(400);
    expect(two.body.error.context.fields).toEqual(expect.arrayContaining(['uuids', 'tenant_id']));
    expectValidation(await t.call(p.admin, 'GET', '/api/2/users?uuids=nope'), 'uuids');
    const tooMany = Array.from(
      { length: 101 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    ).join(',');
    expectValidation(await t.call(p.admin, 'GET', `/api/2/users?uuids=${tooMany}`), 'uuids');
    expectValidation(await t.call(p.admin, 'GET', `/api/2/users?tenant_id=${tenantId}&limit=0`), 'limit');
  });

  it('refuses an after cursor it did not issue with 400, never 500', async () => {
    const forged = (state: unknown) => Buffer.from(JSON.stringify(state)).toString('base64url');
    for (const after of [
      '%25%25garbage',
      forged({ afterId: 'x', tenantId, withPolicies: false }),
      forged({ ids: 'abc', withPolicies: false }),
      forged({ tenantId, updatedSince: 'garbage', withPolicies: false }),
      forged({ tenantId: 'nope', withPolicies: false }),
      forged({ ids: [], withPolicies: false }),
      forged([1]),
      forged({ withPolicies: false }),
    ]) {
      expectValidation(await t.call(p.admin, 'GET', `/api/2/users?after=${after}`), 'after');
    }
  });

  it('filters by updated_since', async () => {
    const all = await t.call(p.admin, 'GET', `/api/2/users?tenant_id=${tenantId}&updated_since=2000-01-01T00:00:00Z`);
    expect(all.body.items).toHaveLength(ids.length);
    const none = await t.call(p.admin, 'GET', `/api/2/users?tenant_id=${tenantId}&updated_since=2999-01-01T00:00:00Z`);
    expect(none.status).toBe(200);
    expect(none.body.items).toEqual([]);
  });
});

describe('PUT /users/{id}', () => {
  it('updates with the version read, answers the user at version+1, and refuses a stale version with 409 1001', async () => {
    const user = await createUser(p.admin, p.customerId);
    const res = await t.call(p.admin, 'PUT', `/api/2/users/${user.id}`, {
      version: user.version,
      contact: { firstname: 'Augusta', phone: '+1 555' },
      notifications: ['reports'],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      version: user.version + 1,
      contact: { firstname: 'Augusta', lastname: 'Lovelace', phone: '+1 555' },
      notifications: ['reports'],
    });

    const stale = await t.call(p.admin, 'PUT', `/api/2/users/${user.id}`, {
      version: user.version,
      contact: { firstname: 'Stale' },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe(1001);
    expect((await t.call(p.admin, 'GET', `/api/2/users/${user.id}`)).body.contact.firstname).toBe('Augusta');
  });

  it('accepts the version and booleans sent as strings, and the read-only contact types echoed back', async () => {
    const user = await createUser(p.admin, p.customerId);
    const res = await t.call(p.admin, 'PUT', `/api/2/users/${user.id}`, {
      version: String(user.version),
      contact: { ...user.contact, title: 'CTO' },
      enabled: 'true',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 2, enabled: true, contact: { title: 'CTO' } });
  });

  it('refuses unknown fields, a missing version and over-long values with 400 naming them', async () => {
    const user = await createUser(p.admin, p.customerId);
    expectValidation(
      await t.call(p.admin, 'PUT', `/api/2/users/${user.id}`, { version: 1, password: 'x' }),
      'password',
    );
    expectValidation(
      await t.call(p.admin, 'PUT', `/api/2/users/${user.id}`, { contact: { firstname: 'x' } }),
      'version',
    );
    expectValidation(
      await t.call(p.admin, 'PUT', `/api/2/users/${user.id}`, { version: 1, contact: { lastname: 'x'.repeat(101) } }),
      'contact.lastname',
    );
    expect((await t.call(p.admin, 'GET', `/api/2/users/${user.id}`)).body.version).toBe(1);
  });

  it('refuses a login taken by another user (in any case) with 409, and allows changing the case of its own', async () => {
    const user = await createUser(p.admin, p.customerId);
    const taken = await t.call(p.admin, 'PUT', `/api/2/users/${user.id}`, {
      version: 1,
      login: p.admin.login.toUpperCase(),
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('login_taken');
    const own = await t.call(p.admin, 'PUT', `/api/2/users/${user.id}`, {
      version: 1,
      login: user.login.toUpperCase(),
    });
    expect(own.status).toBe(200);
    expect(own.body.login).toBe(user.login.toUpperCase());
  });

  it('signs a disabled user out: its existing token answers 401', async () => {
    const user = await createUser(p.admin, p.customerId);
    const actor = await signIn(user.login);
    expect((await t.call(actor, 'GET', '/api/2/users/me')).status).toBe(200);
    const res = await t.call(p.admin, 'PUT', `/api/2/users/${user.id}`, {
      version: (await t.call(p.admin, 'GET', `/api/2/users/${user.id}`)).body.version,
      enabled: 'false',
    });
    expect(res.status).toBe(200);
    expect(res.body.enabled).toBe(false);
    expect((await t.call(actor, 'GET', '/api/2/users/me')).status).toBe(401);
    await expect(t.tokenFor(user.login, `pw-${user.login}`)).rejects.toThrow(/401/);
  });

  it('refuses a user disabling itself with 403 1002', async () => {
    const user = await createUser(p.admin, p.partnerId);
    expect((await setPolicies(p.admin, user.id, [{ tenant_id: p.partnerId, role_id: 'partner_admin' }])).status).toBe(
      200,
    );
    const self = await signIn(user.login);
    const version = (await t.call(self, 'GET', `/api/2/users/${user.id}`)).body.version;
    const res = await t.call(self, 'PUT', `/api/2/users/${user.id}`, { version, enabled: false });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe(1002);
    expect((await t.call(self, 'GET', '/api/2/users/me')).body.enabled).toBe(true);
  });

  it('refuses a readonly admin with 403 1002 and another partner with 404', async () => {
    const user = await createUser(p.admin, p.customerId);
    const ro = await t.call(p.readonly, 'PUT', `/api/2/users/${user.id}`, { version: 1, contact: { firstname: 'RO' } });
    expect(ro.status).toBe(403);
    expect(ro.body.error.code).toBe(1002);
    const other = await t.call(q.admin, 'PUT', `/api/2/users/${user.id}`, { version: 1, contact: { firstname: 'Q' } });
    expect(other.status).toBe(404);
    expect((await t.call(p.admin, 'GET', `/api/2/users/${user.id}`)).body).toMatchObject({
      version: 1,
      contact: { firstname: 'Ada' },
    });
  });
});

describe('DELETE /users/{id}', () => {
  it('deletes with the version: 204, then 404, its token 401, its login free again', async () => {
    const user = await createUser(p.admin, p.customerId);
    const actor = await signIn(user.login);
    const version = (await t.call(p.admin, 'GET', `/api/2/users/${user.id}`)).body.version;

    const stale = await t.call(p.admin, 'DELETE', `/api/2/users/${user.id}?version=${version + 5}`);
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe(1001);
    expectValidation(await t.call(p.admin, 'DELETE', `/api/2/users/${user.id}`), 'version');

    const res = await t.call(p.admin, 'DELETE', `/api/2/users/${user.id}?version=${version}`);
    expect(res.status).toBe(204);
    expect((await t.call(p.admin, 'GET', `/api/2/users/${user.id}`)).status).toBe(404);
    expect((await t.call(p.admin, 'GET', `/api/2/users?uuids=${user.id}`)).body.items).toEqual([]);
    expect((await t.call(p.admin, 'GET', `/api/2/tenants/${p.customerId}/users`)).body.items).not.toContain(user.id);
    expect((await t.call(actor, 'GET', '/api/2/users/me')).status).toBe(401);
    expect((await t.call(p.admin, 'GET', `/api/2/users/check_login?username=${user.login}`)).status).toBe(204);
    expect((await t.call(p.admin, 'DELETE', `/api/2/users/${user.id}?version=${version + 1}`)).status).toBe(404);

    // The freed login can be given to someone new.
    const again = await t.call(p.admin, 'POST', '/api/2/users', {
      tenant_id: p.customerId,
      login: user.login,
      contact: { email: 'new@example.test' },
    });
    expect(again.status).toBe(200);
    expect(again.body.id).not.toBe(user.id);
  });

  it('refuses deleting oneself with 403, a readonly admin with 403 1002, another partner with 404', async () => {
    const self = await t.call(p.admin, 'GET', '/api/2/users/me');
    const own = await t.call(p.admin, 'DELETE', `/api/2/users/${p.admin.userId}?version=${self.body.version}`);
    expect(own.status).toBe(403);
    expect(own.body.error.code).toBe(1002);

    const user = await createUser(p.admin, p.customerId);
    const ro = await t.call(p.readonly, 'DELETE', `/api/2/users/${user.id}?version=1`);
    expect(ro.status).toBe(403);
    expect(ro.body.error.code).toBe(1002);
    expect((await t.call(q.admin, 'DELETE', `/api/2/users/${user.id}?version=1`)).status).toBe(404);
    expect((await t.call(p.admin, 'GET', `/api/2/users/${user.id}`)).status).toBe(200);
    expect((await t.call(p.admin, 'GET', '/api/2/users/me')).status).toBe(200);
  });
});

describe('GET /users/me', () => {
  it('answers the signed-in user with its tenant kind', async () => {
    const res = await t.call(p.customerAdmin, 'GET', '/api/2/users/me');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: p.customerAdmin.userId,
      tenant_id: p.customerId,
      tenant_kind: 'customer',
      activated: true,
      personal_tenant_id: null,
    });
    expect(res.body.contact).toMatchObject({ email: expect.stringContaining('@example.test'), types: [] });
    expect((await t.call(t.root, 'GET', '/api/2/users/me')).body).toMatchObject({
      login: 'admin',
      tenant_kind: 'root',
    });
  });

  it('answers 404 for an API client and 401 without credentials', async () => {
    const res = await t.call(p.client, 'GET', '/api/2/users/me');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect((await t.call(undefined, 'GET', '/api/2/users/me')).status).toBe(401);
  });
});

describe('GET /tenants/{id}/users', () => {
  it("answers the ids of the tenant's users, and of its subtree with include_grand_children", async () => {
    const own = await t.call(p.admin, 'GET', `/api/2/tenants/${p.partnerId}/users`);
    expect(own.status).toBe(200);
    expect(own.body.items).toEqual(expect.arrayContaining([p.admin.userId, p.readonly.userId]));
    expect(own.body.items).not.toContain(p.customerAdmin.userId);
    for (const id of own.body.items) expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const all = await t.call(p.admin, 'GET', `/api/2/tenants/${p.partnerId}/users?include_grand_children=true`);
    expect(all.status).toBe(200);
    expect(all.body.items).toEqual(expect.arrayContaining([p.admin.userId, p.readonly.userId, p.customerAdmin.userId]));
    expect(all.body.items).not.toContain(q.admin.userId);
  });

  it("answers 404 (1005) for a tenant outside the caller's subtree", async () => {
    for (const [actor, tenantId] of [
      [q.admin, p.partnerId],
      [p.customerAdmin, p.partnerId],
    ] as const) {
      const res = await t.call(actor, 'GET', `/api/2/tenants/${tenantId}/users`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe(1005);
    }
  });
});

describe('access policies', () => {
  it('replaces all policies; unchanged ones keep their id and version', async () => {
    const user = await createUser(p.admin, p.partnerId);
    expect((await t.call(p.admin, 'GET', `/api/2/users/${user.id}/access_policies`)).body).toEqual({ items: [] });

    const first = await setPolicies(p.admin, user.id, [{ tenant_id: p.partnerId, role_id: 'readonly_admin' }]);
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        version: 1,
        trustee_id: user.id,
        trustee_type: 'user',
        issuer_id: p.partnerId,
        tenant_id: p.partnerId,
        role_id: 'readonly_admin',
        resource_namespace: null,
        created_at: expect.any(String),
        updated_at: expect.any(String),
        deleted_at: null,
      },
    ]);
    const kept = first.body.items[0];

    const second = await setPolicies(p.admin, user.id, [
      { tenant_id: p.partnerId, role_id: 'readonly_admin' },
      { tenant_id: p.customerId, role_id: 'company_admin' },
    ]);
    expect(second.status).toBe(200);
    expect(second.body.items).toHaveLength(2);
    expect(second.body.items).toContainEqual(kept);
    const added = second.body.items.find((x: any) => x.role_id === 'company_admin');
    expect(added).toMatchObject({ tenant_id: p.customerId });

    const third = await setPolicies(p.admin, user.id, [{ tenant_id: p.customerId, role_id: 'company_admin' }]);
    expect(third.status).toBe(200);
    expect(third.body.items).toEqual([added]);
    expect((await t.call(p.admin, 'GET', `/api/2/users/${user.id}/access_policies`)).body.items).toEqual([added]);

    const cleared = await setPolicies(p.admin, user.id, []);
    expect(cleared.status).toBe(200);
    expect(cleared.body.items).toEqual([]);
  });

  it('accepts a policy object echoed back as it was read', async () => {
    const user = await createUser(p.admin, p.customerId);
    const read = await setPolicies(p.admin, user.id, [{ tenant_id: p.customerId, role_id: 'user' }]);
    const echoed = await setPolicies(p.admin, user.id, read.body.items);
    expect(echoed.status).toBe(200);
    expect(echoed.body.items).toEqual(read.body.items);
    // Echoing someone else's policy is not a way to move it.
    const foreign = await setPolicies(p.admin, user.id, [{ ...read.body.items[0], trustee_id: p.admin.userId }]);
    expectValidation(foreign, 'items.0.trustee_id');
  });

  it('refuses a role that does not fit the tenant kind with 400 naming items.N.role_id', async () => {
    const user = await createUser(p.admin, p.partnerId);
    expectValidation(
      await setPolicies(p.admin, user.id, [{ tenant_id: p.customerId, role_id: 'partner_admin' }]),
      'items.0.role_id',
    );
    expectValidation(
      await setPolicies(p.admin, user.id, [
        { tenant_id: p.partnerId, role_id: 'user' },
        { tenant_id: p.partnerId, role_id: 'company_admin' },
      ]),
      'items.1.role_id',
    );
    expectValidation(
      await setPolicies(p.admin, user.id, [{ tenant_id: p.partnerId, role_id: 'root_admin' }]),
      'items.0.role_id',
    );
    expect((await t.call(p.admin, 'GET', `/api/2/users/${user.id}/access_policies`)).body.items).toEqual([]);
  });

  it("refuses a tenant that is not the user's tenant or below it with 400 naming items.N.tenant_id", async () => {
    const user = await createUser(p.admin, p.customerId);
    // Above the user's tenant, though inside the caller's subtree.
    expectValidation(
      await setPolicies(p.admin, user.id, [{ tenant_id: p.partnerId, role_id: 'readonly_admin' }]),
      'items.0.tenant_id',
    );
    // Another partner's tenant.
    expectValidation(
      await setPolicies(p.admin, user.id, [
        { tenant_id: p.customerId, role_id: 'user' },
        { tenant_id: q.customerId, role_id: 'company_admin' },
      ]),
      'items.1.tenant_id',
    );
    expect((await t.call(p.admin, 'GET', `/api/2/users/${user.id}/access_policies`)).body.items).toEqual([]);
  });

  it('refuses a readonly admin with 403 1002 and hides the user from another partner (404)', async () => {
    const user = await createUser(p.admin, p.customerId);
    const ro = await setPolicies(p.readonly, user.id, [{ tenant_id: p.customerId, role_id: 'company_admin' }]);
    expect(ro.status).toBe(403);
    expect(ro.body.error.code).toBe(1002);
    expect((await t.call(p.readonly, 'GET', `/api/2/users/${user.id}/access_policies`)).status).toBe(200);
    expect((await setPolicies(q.admin, user.id, [{ tenant_id: p.customerId, role_id: 'company_admin' }])).status).toBe(
      404,
    );
    expect((await t.call(q.admin, 'GET', `/api/2/users/${user.id}/access_policies`)).status).toBe(404);
    expect((await t.call(p.admin, 'GET', `/api/2/users/${user.id}/access_policies`)).body.items).toEqual([]);
  });

  it('grants what it says: company_admin on a customer reads that customer, role user sees no tenant', async () => {
    const boss = await createUser(p.admin, p.partnerId);
    expect((await setPolicies(p.admin, boss.id, [{ tenant_id: p.customerId, role_id: 'company_admin' }])).status).toBe(
      200,
    );
    const bossActor = await signIn(boss.login);
    expect((await t.call(bossActor, 'GET', `/api/2/tenants/${p.customerId}`)).status).toBe(200);
    expect((await t.call(bossActor, 'GET', `/api/2/users/${p.customerAdmin.userId}`)).status).toBe(200);
    // Not its own partner tenant, which it holds no admin role on.
    expect((await t.call(bossActor, 'GET', `/api/2/tenants/${p.partnerId}`)).status).toBe(404);
    // It can write there too: create a user in the customer.
    expect(
      (
        await t.call(bossActor, 'POST', '/api/2/users', {
          tenant_id: p.customerId,
          login: unique('by-boss'),
          contact: { email: 'b@example.test' },
        })
      ).status,
    ).toBe(200);

    const plain = await createUser(p.admin, p.customerId);
    expect((await setPolicies(p.admin, plain.id, [{ tenant_id: p.customerId, role_id: 'user' }])).status).toBe(200);
    const plainActor = await signIn(plain.login);
    const tenant = await t.call(plainActor, 'GET', `/api/2/tenants/${p.customerId}`);
    expect(tenant.status).toBe(404);
    expect(tenant.body.error.code).toBe(1005);
    expect((await t.call(plainActor, 'GET', `/api/2/users/${p.customerAdmin.userId}`)).status).toBe(404);
    expect((await t.call(plainActor, 'GET', '/api/2/users/me')).body).toMatchObject({
      id: plain.id,
      tenant_kind: 'customer',
    });

    // Taking the role away takes effect on the next call, with the same token.
    expect((await setPolicies(p.admin, boss.id, [])).status).toBe(200);
    expect((await t.call(bossActor, 'GET', `/api/2/tenants/${p.customerId}`)).status).toBe(404);
  });

  // On PostgreSQL both used to commit side by side and the user kept both roles (PGlite has one connection).
  it('two simultaneous replacements: one wins whole, neither answers 409', async () => {
    const user = await createUser(p.admin, p.customerId);
    const sets = [
      [{ tenant_id: p.customerId, role_id: 'company_admin' }],
      [{ tenant_id: p.customerId, role_id: 'readonly_admin' }],
    ];
    const roles = (items: any[]) => items.map((x) => `${x.tenant_id}/${x.role_id}`).sort();
    const wanted = sets.map(roles);
    for (let round = 0; round < 20; round++) {
      // Start from a third state each round, so each replacement deletes and inserts.
      expect((await setPolicies(p.admin, user.id, [{ tenant_id: p.customerId, role_id: 'user' }])).status).toBe(200);
      const answers = await Promise.all(sets.map((items) => setPolicies(p.admin, user.id, items)));
      answers.forEach((res, i) => {
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(roles(res.body.items)).toEqual(wanted[i]);
      });
      const after = roles((await t.call(p.admin, 'GET', `/api/2/users/${user.id}/access_policies`)).body.items);
      expect(wanted).toContainEqual(after);
    }
  });

  it("drops a deleted user's policies", async () => {
    const user = await createUser(p.admin, p.customerId);
    await setPolicies(p.admin, user.id, [{ tenant_id: p.customerId, role_id: 'company_admin' }]);
    expect((await t.call(p.admin, 'DELETE', `/api/2/users/${user.id}?version=1`)).status).toBe(204);
    const rows = await t.db.selectFrom('access_policies').select('id').where('user_id', '=', user.id).execute();
    expect(rows).toEqual([]);
  });
});
