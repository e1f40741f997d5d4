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

type Role = { tenant_id: string; role_id: string };

/** A user of `tenantId` made by the partner's admin, holding `roles`, signed in. */
async function colleague(tenantId: string, roles: (ids: { partner: string; customer: string }) => Role[]) {
  const login = `own-roles-${++seq}`;
  const made = await t.call(p.admin, 'POST', '/api/2/users', {
    tenant_id: tenantId,
    login,
    contact: { email: `${login}@example.test`, firstname: 'Grace', lastname: 'Hopper' },
  });
  expect(made.status, JSON.stringify(made.body)).toBe(200);
  const items = roles({ partner: p.partnerId, customer: p.customerId });
  expect((await setPolicies(p.admin, made.body.id, items)).status).toBe(200);
  await setPassword(t.db, login, `pw-${login}`);
  const actor: Actor = await t.tokenFor(login, `pw-${login}`);
  return { id: made.body.id as string, actor };
}

const setPolicies = (actor: Actor, userId: string, items: Role[]) =>
  t.call(actor, 'PUT', `/api/2/users/${userId}/access_policies`, { items });

/** The user's roles as the partner's admin reads them, whole (ids and versions included). */
async function policiesOf(userId: string) {
  const res = await t.call(p.admin, 'GET', `/api/2/users/${userId}/access_policies`);
  expect(res.status).toBe(200);
  return res.body.items as (Role & { id: string; version: number })[];
}

const roles = (items: Role[]) => items.map((x) => `${x.tenant_id}/${x.role_id}`).sort();

describe('a user replacing its own roles', () => {
  it('may not remove its own last admin role that writes: 409, and nothing changes', async () => {
    const me = await colleague(p.partnerId, (ids) => [
      { tenant_id: ids.partner, role_id: 'partner_admin' },
      { tenant_id: ids.customer, role_id: 'readonly_admin' },
    ]);
    const before = await policiesOf(me.id);

    for (const items of [[], [{ tenant_id: p.partnerId, role_id: 'readonly_admin' }]]) {
      const res = await setPolicies(me.actor, me.id, items);
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'own_admin_role_required', domain: 'AccountServer' });
      expect(res.body.error.message).toMatch(/another administrator/);
    }
    expect(await policiesOf(me.id)).toEqual(before);
    const audit = await t.db
      .selectFrom('audit_events')
      .select('id')
      .where('object_id', '=', me.id)
      .where('object_type', '=', 'access_policies')
      .execute();
    // Only the grant by the partner's admin is recorded, not the refused changes.
    expect(audit).toHaveLength(1);
    // The refused caller still administers: its token still writes.
    expect((await t.call(me.actor, 'GET', `/api/2/tenants/${p.partnerId}`)).status).toBe(200);
  });

  it('may remove one of its two admin roles that write', async () => {
    const me = await colleague(p.partnerId, (ids) => [
      { tenant_id: ids.partner, role_id: 'partner_admin' },
      { tenant_id: ids.customer, role_id: 'company_admin' },
    ]);
    const res = await setPolicies(me.actor, me.id, [{ tenant_id: p.customerId, role_id: 'company_admin' }]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(roles(res.body.items)).toEqual([`${p.customerId}/company_admin`]);
    expect(roles(await policiesOf(me.id))).toEqual([`${p.customerId}/company_admin`]);
  });

  it('may change roles that do not write while it keeps one that does', async () => {
    const me = await colleague(p.partnerId, (ids) => [{ tenant_id: ids.partner, role_id: 'partner_admin' }]);
    const wanted = [
      { tenant_id: p.partnerId, role_id: 'partner_admin' },
      { tenant_id: p.customerId, role_id: 'user' },
    ];
    const res = await setPolicies(me.actor, me.id, wanted);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(roles(await policiesOf(me.id))).toEqual(roles(wanted));
  });

  it("another admin may remove a user's last admin role", async () => {
    const other = await colleague(p.partnerId, (ids) => [{ tenant_id: ids.partner, role_id: 'partner_admin' }]);
    const res = await setPolicies(p.admin, other.id, [{ tenant_id: p.partnerId, role_id: 'readonly_admin' }]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(roles(await policiesOf(other.id))).toEqual([`${p.partnerId}/readonly_admin`]);
    // And it takes effect: the former admin now only reads.
    const write = await t.call(other.actor, 'PUT', `/api/2/users/${other.id}/access_policies`, { items: [] });
    expect(write.status).toBe(403);
  });

  it("another partner's admin can neither read nor change the roles (404), and nothing changes", async () => {
    const me = await colleague(p.partnerId, (ids) => [{ tenant_id: ids.partner, role_id: 'partner_admin' }]);
    const before = await policiesOf(me.id);
    const read = await t.call(q.admin, 'GET', `/api/2/users/${me.id}/access_policies`);
    expect(read.status).toBe(404);
    for (const items of [[], [{ tenant_id: q.partnerId, role_id: 'partner_admin' }]]) {
      expect((await setPolicies(q.admin, me.id, items)).status).toBe(404);
      expect((await setPolicies(q.client, me.id, items)).status).toBe(404);
    }
    expect(await policiesOf(me.id)).toEqual(before);
  });
});
