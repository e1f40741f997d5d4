import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createPartnerWorld, startTestApp, type Actor, type Answer, type PartnerWorld, type TestApp } from '../support/test-app.js';

/**
 * Partner P1 must not read, change or even detect anything of partner P2: every route,
 * applied to P2's objects, answers 404 (never 403), or an empty list where the route
 * filters, and P2's data is byte-for-byte what it was.
 */

let t: TestApp;
let p1: PartnerWorld;
let p2: PartnerWorld;
/** Extra P2 objects: a disabled unit below P2's customer (deletable if isolation broke) and a user in it. */
let p2UnitId: string;
let p2UnitUserId: string;

const ok = <T>(answer: Answer<T>, status = 200): T => {
  if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
};

beforeAll(async () => {
  t = await startTestApp();
  p1 = await createPartnerWorld(t, 'P1');
  p2 = await createPartnerWorld(t, 'P2');
  const unit = ok<any>(await t.call(p2.admin, 'POST', '/api/2/tenants', { name: 'Unit of P2', parent_id: p2.customerId, kind: 'unit' }), 201);
  p2UnitId = unit.id;
  p2UnitUserId = ok<any>(await t.call(p2.admin, 'POST', '/api/2/users', { tenant_id: p2UnitId, login: 'p2-unit-user', contact: { email: 'unit.user@p2.example.test', firstname: 'Una', lastname: 'Zweiter' } })).id;
  ok(await t.call(p2.admin, 'PUT', `/api/2/tenants/${p2UnitId}`, { version: unit.version, enabled: false }));
});
afterAll(() => t?.close());

type Caller = 'admin' | 'client' | 'readonly';
const callers: Caller[] = ['admin', 'client', 'readonly'];

type TenantTarget = 'P2 partner' | 'P2 customer' | 'P2 disabled unit';
type UserTarget = 'P2 partner admin' | 'P2 customer admin' | 'P2 unit user';
const tenantTargets: TenantTarget[] = ['P2 partner', 'P2 customer', 'P2 disabled unit'];
const userTargets: UserTarget[] = ['P2 partner admin', 'P2 customer admin', 'P2 unit user'];

const tenantId = (target: TenantTarget) => ({ 'P2 partner': p2.partnerId, 'P2 customer': p2.customerId, 'P2 disabled unit': p2UnitId })[target];
const userId = (target: UserTarget) => ({ 'P2 partner admin': p2.admin.userId, 'P2 customer admin': p2.customerAdmin.userId, 'P2 unit user': p2UnitUserId })[target];
/** The kind of tenant that may live below each target, so a create would otherwise succeed. */
const childKind = (target: TenantTarget) => ({ 'P2 partner': 'customer', 'P2 customer': 'unit', 'P2 disabled unit': 'unit' })[target];

/** The current version as P2 reads it, so a stale version can never mask a scope bug. */
const versionAsP2 = async (url: string): Promise<number> => ok<any>(await t.call(p2.admin, 'GET', url)).version;

/** 404 with this error code, or 'filtered': a list that leaves P2's objects out (an empty list, or 404). */
type Hidden = number | string | 'filtered';

interface Probe { route: string; target: string; hidden: Hidden; send: (as: Actor) => Promise<Answer> }
type Step = Omit<Probe, 'target'>;
const on = (target: string, steps: Step[]): Probe[] => steps.map((step) => ({ ...step, target }));

function expectHidden(res: Answer, hidden: Hidden) {
  const seen = `${res.status} ${JSON.stringify(res.body)}`;
  expect(res.status, seen).not.toBe(403);
  if (hidden === 'filtered' && res.status !== 404) {
    expect(res.status, seen).toBe(200);
    expect(res.body.items, seen).toEqual([]);
    return;
  }
  expect(res.status, seen).toBe(404);
  if (hidden !== 'filtered') expect(res.body.error.code, seen).toBe(hidden);
}

const tenantProbes: Probe[] = tenantTargets.flatMap((target) => {
  const id = () => tenantId(target);
  return on(target, [
    { route: 'GET /tenants/{id}', hidden: 1005, send: (as) => t.call(as, 'GET', `/api/2/tenants/${id()}`) },
    { route: 'GET /tenants/{id}?allow_deleted=true', hidden: 1005, send: (as) => t.call(as, 'GET', `/api/2/tenants/${id()}?allow_deleted=true`) },
    {
      route: 'PUT /tenants/{id}', hidden: 1005,
      send: async (as) => t.call(as, 'PUT', `/api/2/tenants/${id()}`, { version: await versionAsP2(`/api/2/tenants/${id()}`), name: 'Taken over', enabled: false }),
    },
    {
      route: 'DELETE /tenants/{id}', hidden: 1005,
      send: async (as) => t.call(as, 'DELETE', `/api/2/tenants/${id()}?version=${await versionAsP2(`/api/2/tenants/${id()}`)}`),
    },
    { route: 'GET /tenants/{id}/children', hidden: 1005, send: (as) => t.call(as, 'GET', `/api/2/tenants/${id()}/children`) },
    { route: 'GET /tenants/{id}/users', hidden: 1005, send: (as) => t.call(as, 'GET', `/api/2/tenants/${id()}/users?include_grand_children=true`) },
    { route: 'GET /tenants?uuids=', hidden: 'filtered', send: (as) => t.call(as, 'GET', `/api/2/tenants?uuids=${id()}`) },
    { route: 'GET /tenants?parent_id=', hidden: 'filtered', send: (as) => t.call(as, 'GET', `/api/2/tenants?parent_id=${id()}`) },
    { route: 'GET /tenants?subtree_root_id=', hidden: 'filtered', send: (as) => t.call(as, 'GET', `/api/2/tenants?subtree_root_id=${id()}&allow_deleted=true`) },
    {
      route: 'POST /tenants (parent_id)', hidden: 1005,
      send: (as) => t.call(as, 'POST', '/api/2/tenants', { name: 'Planted', parent_id: id(), kind: childKind(target) }),
    },
    { route: 'GET /users?tenant_id=', hidden: 'filtered', send: (as) => t.call(as, 'GET', `/api/2/users?tenant_id=${id()}`) },
    { route: 'GET /users?subtree_root_tenant_id=', hidden: 'filtered', send: (as) => t.call(as, 'GET', `/api/2/users?subtree_root_tenant_id=${id()}`) },
    {
      route: 'POST /users (tenant_id)', hidden: 1005,
      send: (as) => t.call(as, 'POST', '/api/2/users', { tenant_id: id(), login: `planted-${as.name.replace(/\W/g, '')}`, contact: { email: 'planted@p1.example.test' } }),
    },
    {
      route: 'POST /clients (tenant_id)', hidden: 1005,
      send: (as) => t.call(as, 'POST', '/api/2/clients', { type: 'api_client', tenant_id: id(), data: { client_name: 'Planted' } }),
    },
    { route: 'GET /search?tenant=', hidden: 1005, send: (as) => t.call(as, 'GET', `/api/2/search?tenant=${id()}&text=a`) },
  ]);
});

const userProbes: Probe[] = userTargets.flatMap((target) => {
  const id = () => userId(target);
  return on(target, [
    { route: 'GET /users/{id}', hidden: 'not_found', send: (as) => t.call(as, 'GET', `/api/2/users/${id()}`) },
    {
      route: 'PUT /users/{id}', hidden: 'not_found',
      send: async (as) => t.call(as, 'PUT', `/api/2/users/${id()}`, { version: await versionAsP2(`/api/2/users/${id()}`), login: `stolen-${id().slice(0, 8)}`, contact: { email: 'attacker@p1.example.test' }, enabled: false }),
    },
    {
      route: 'DELETE /users/{id}', hidden: 'not_found',
      send: async (as) => t.call(as, 'DELETE', `/api/2/users/${id()}?version=${await versionAsP2(`/api/2/users/${id()}`)}`),
    },
    { route: 'GET /users?uuids=', hidden: 'filtered', send: (as) => t.call(as, 'GET', `/api/2/users?uuids=${id()}&with_access_policies=true`) },
    { route: 'GET /users/{id}/access_policies', hidden: 'not_found', send: (as) => t.call(as, 'GET', `/api/2/users/${id()}/access_policies`) },
    { route: 'PUT /users/{id}/access_policies (strip)', hidden: 'not_found', send: (as) => t.call(as, 'PUT', `/api/2/users/${id()}/access_policies`, { items: [] }) },
    {
      route: 'PUT /users/{id}/access_policies (grant)', hidden: 'not_found',
      send: (as) => t.call(as, 'PUT', `/api/2/users/${id()}/access_policies`, { items: [{ tenant_id: p2.partnerId, role_id: 'partner_admin' }] }),
    },
  ]);
});

const clientProbes: Probe[] = on('P2 API client', [
  { route: 'GET /clients/{id}', hidden: 'not_found', send: (as) => t.call(as, 'GET', `/api/2/clients/${p2.client.clientId}`) },
  { route: 'PUT /clients/{id}', hidden: 'not_found', send: (as) => t.call(as, 'PUT', `/api/2/clients/${p2.client.clientId}`, { status: 'disabled', data: { client_name: 'Taken over' } }) },
  { route: 'DELETE /clients/{id}', hidden: 'not_found', send: (as) => t.call(as, 'DELETE', `/api/2/clients/${p2.client.clientId}`) },
]);

const probes = [...tenantProbes, ...userProbes, ...clientProbes];

/** Every row of P2's subtree, as stored: tenants, closure, users, roles, API clients. */
async function p2Rows() {
  const subtree = t.db.selectFrom('tenant_closure').select('descendant_id').where('ancestor_id', '=', p2.partnerId);
  const [tenants, closure, users, policies, clients] = await Promise.all([
    t.db.selectFrom('tenants').selectAll().where('id', 'in', subtree).orderBy('id').execute(),
    t.db.selectFrom('tenant_closure').selectAll().where('descendant_id', 'in', subtree).orderBy('ancestor_id').orderBy('descendant_id').execute(),
    t.db.selectFrom('users').selectAll().where('tenant_id', 'in', subtree).orderBy('id').execute(),
    t.db.selectFrom('access_policies').selectAll()
      .where((eb) => eb.or([eb('tenant_id', 'in', subtree), eb('user_id', 'in', t.db.selectFrom('users').select('id').where('tenant_id', 'in', subtree))]))
      .orderBy('id').execute(),
    // last_access_* moves whenever P2's own client signs in; everything else must not.
    t.db.selectFrom('api_clients').select(['id', 'tenant_id', 'secret_hash', 'name', 'auth_method', 'status', 'created_by', 'created_at'])
      .where('tenant_id', 'in', subtree).orderBy('id').execute(),
  ]);
  return { tenants, closure, users, policies, clients };
}

/** What P2's admin reads through the API: each object with its version. */
async function p2AsSeenByP2() {
  const tenants = await Promise.all(tenantTargets.map(async (target) => ok<any>(await t.call(p2.admin, 'GET', `/api/2/tenants/${tenantId(target)}`))));
  const users = await Promise.all(userTargets.map(async (target) => ok<any>(await t.call(p2.admin, 'GET', `/api/2/users/${userId(target)}`))));
  const policies = await Promise.all(userTargets.map(async (target) => ok<any>(await t.call(p2.admin, 'GET', `/api/2/users/${userId(target)}/access_policies`))));
  const client = ok<any>(await t.call(p2.admin, 'GET', `/api/2/clients/${p2.client.clientId}`));
  const { last_access_at: _at, last_access_from_ip: _ip, ...clientWithoutAccess } = client;
  return { tenants, users, policies, client: clientWithoutAccess };
}

describe('P1 against every route applied to P2\'s objects', () => {
  let rowsBefore: Awaited<ReturnType<typeof p2Rows>>;
  let apiBefore: Awaited<ReturnType<typeof p2AsSeenByP2>>;
  beforeAll(async () => {
    rowsBefore = await p2Rows();
    apiBefore = await p2AsSeenByP2();
    // Sanity: the snapshot really holds P2's world, so comparing it later means something.
    expect(rowsBefore.tenants).toHaveLength(3);
    expect(rowsBefore.users.map((u) => u.id)).toEqual(expect.arrayContaining([p2.admin.userId, p2.customerAdmin.userId, p2UnitUserId]));
    expect(rowsBefore.policies.length).toBeGreaterThanOrEqual(3);
    expect(rowsBefore.clients).toHaveLength(1);
  });

  describe.each(callers)('as P1\'s %s', (caller) => {
    it.each(probes)('$route on $target → hidden', async (probe) => {
      expectHidden(await probe.send(p1[caller]), probe.hidden);
    });

    it('GET /tenants?uuids= and /users?uuids= mixing P1\'s and P2\'s ids answer only P1\'s', async () => {
      const tenants = await t.call(p1[caller], 'GET', `/api/2/tenants?uuids=${p1.customerId},${p2.partnerId},${p2.customerId},${p2UnitId}`);
      expect(tenants.status).toBe(200);
      expect(tenants.body.items.map((x: any) => x.id)).toEqual([p1.customerId]);
      const users = await t.call(p1[caller], 'GET', `/api/2/users?uuids=${p1.customerAdmin.userId},${p2.admin.userId},${p2.customerAdmin.userId}`);
      expect(users.status).toBe(200);
      expect(users.body.items.map((x: any) => x.id)).toEqual([p1.customerAdmin.userId]);
    });

    it('GET /tenants and /users over its own subtree list nothing of P2', async () => {
      const p2Ids = new Set([p2.partnerId, p2.customerId, p2UnitId, p2.admin.userId, p2.readonly.userId, p2.customerAdmin.userId, p2UnitUserId]);
      const tenants = await t.call(p1[caller], 'GET', '/api/2/tenants?allow_deleted=true');
      expect(tenants.status).toBe(200);
      expect(tenants.body.items.map((x: any) => x.id)).toContain(p1.customerId);
      expect(tenants.body.items.filter((x: any) => p2Ids.has(x.id))).toEqual([]);
      const users = await t.call(p1[caller], 'GET', `/api/2/users?subtree_root_tenant_id=${p1.partnerId}`);
      expect(users.status).toBe(200);
      expect(users.body.items.map((x: any) => x.id)).toContain(p1.customerAdmin.userId);
      expect(users.body.items.filter((x: any) => p2Ids.has(x.id))).toEqual([]);
    });

    it('a forged paging cursor naming P2\'s subtree still answers nothing of P2', async () => {
      const cursor = (state: object) => Buffer.from(JSON.stringify(state)).toString('base64url');
      const tenants = await t.call(p1[caller], 'GET', `/api/2/tenants?after=${cursor({ subtreeRootId: p2.partnerId, allowDeleted: true })}`);
      expectHidden(tenants, 'filtered');
      const users = await t.call(p1[caller], 'GET', `/api/2/users?after=${cursor({ subtreeRootId: p2.partnerId, withPolicies: true })}`);
      expectHidden(users, 'filtered');
    });

    it.each([
      ['P2\'s partner name', 'Partner P2'],
      ['P2\'s customer name', 'Customer of P2'],
      ['a P2 user\'s login', 'p2-unit-user'],
      ['a P2 user\'s email', 'unit.user@p2.example.test'],
      ['a P2 user\'s last name', 'Zweiter'],
    ])('GET /search?text=<%s> finds nothing of P2 (while P2 finds it)', async (_what, text) => {
      const url = `/api/2/search?text=${encodeURIComponent(text)}`;
      const asP2 = await t.call(p2.admin, 'GET', `${url}&tenant=${p2.partnerId}`);
      expect(asP2.status).toBe(200);
      expect(asP2.body.items.length).toBeGreaterThan(0);
      const res = await t.call(p1[caller], 'GET', url);
      expect(res.status).toBe(200);
      const leaked = new Set(asP2.body.items.map((hit: any) => hit.id));
      expect(res.body.items.filter((hit: any) => leaked.has(hit.id))).toEqual([]);
    });
  });

  it.each(['admin', 'client'] as const)('P1\'s %s cannot grant a P1 user a role on P2\'s tenant (400 naming the field)', async (caller) => {
    const user = p1.customerAdmin.userId;
    const before = ok<any>(await t.call(p1.admin, 'GET', `/api/2/users/${user}/access_policies`));
    const res = await t.call(p1[caller], 'PUT', `/api/2/users/${user}/access_policies`, { items: [{ tenant_id: p2.partnerId, role_id: 'partner_admin' }] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.context.fields).toEqual(['items.0.tenant_id']);
    expect(ok<any>(await t.call(p1.admin, 'GET', `/api/2/users/${user}/access_policies`))).toEqual(before);
  });

  it('left every stored row of P2 exactly as it was', async () => {
    expect(await p2Rows()).toEqual(rowsBefore);
  });

  it('left every P2 object at the version P2 read, unchanged', async () => {
    expect(await p2AsSeenByP2()).toEqual(apiBefore);
  });

  it('nothing was planted anywhere under a name the probes used', async () => {
    const planted = await t.db.selectFrom('tenants').select('id').where('name', 'in', ['Planted', 'Taken over']).execute();
    const users = await t.db.selectFrom('users').select('id').where(sql<boolean>`login LIKE 'planted-%' OR login LIKE 'stolen-%'`).execute();
    const clients = await t.db.selectFrom('api_clients').select('id').where('name', 'in', ['Planted', 'Taken over']).execute();
    expect({ planted, users, clients }).toEqual({ planted: [], users: [], clients: [] });
  });
});

describe('P2 after the attempts', () => {
  it.each(['admin', 'client'] as const)('P2\'s %s still reads its customer and the customer\'s users', async (caller) => {
    const as = p2[caller];
    const customer = await t.call(as, 'GET', `/api/2/tenants/${p2.customerId}`);
    expect(customer.status).toBe(200);
    expect(customer.body).toMatchObject({ id: p2.customerId, name: 'Customer of P2', enabled: true });
    const ids = await t.call(as, 'GET', `/api/2/tenants/${p2.customerId}/users`);
    expect(ids.status).toBe(200);
    expect(ids.body.items).toEqual([p2.customerAdmin.userId]);
    const user = await t.call(as, 'GET', `/api/2/users/${p2.customerAdmin.userId}`);
    expect(user.status).toBe(200);
    expect(user.body).toMatchObject({ id: p2.customerAdmin.userId, tenant_id: p2.customerId, enabled: true });
    const children = await t.call(as, 'GET', `/api/2/tenants/${p2.customerId}/children`);
    expect(children.status).toBe(200);
    expect(children.body.items).toEqual([p2UnitId]);
  });

  it('P2\'s customer admin cannot read P2\'s partner tenant, its admins or search from it (404)', async () => {
    const as = p2.customerAdmin;
    expectHidden(await t.call(as, 'GET', `/api/2/tenants/${p2.partnerId}`), 1005);
    expectHidden(await t.call(as, 'GET', `/api/2/tenants/${p2.partnerId}/children`), 1005);
    expectHidden(await t.call(as, 'GET', `/api/2/tenants?uuids=${p2.partnerId}`), 'filtered');
    expectHidden(await t.call(as, 'GET', `/api/2/users/${p2.admin.userId}`), 'not_found');
    expectHidden(await t.call(as, 'GET', `/api/2/clients/${p2.client.clientId}`), 'not_found');
    expectHidden(await t.call(as, 'GET', `/api/2/search?tenant=${p2.partnerId}&text=P2`), 1005);
    // …while its own tenant stays readable.
    expect((await t.call(as, 'GET', `/api/2/tenants/${p2.customerId}`)).status).toBe(200);
  });
});
