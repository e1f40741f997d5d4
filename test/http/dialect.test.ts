/**
 * Requests shaped exactly as the established API's integrations send them (a dealer portal, a
 * billing-platform connector): `lod` on list reads, the roles of the platform's other products
 * in access policies, and the one contact card in tenants, users and contacts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartnerWorld, startTestApp, type PartnerWorld, type TestApp } from '../support/test-app.js';
import { createTenant, createUser, expectStatus } from '../support/factories.js';

let t: TestApp;
let mine: PartnerWorld;
let other: PartnerWorld;
beforeAll(async () => {
  t = await startTestApp();
  mine = await createPartnerWorld(t, 'Dialect');
  other = await createPartnerWorld(t, 'Elsewhere');
});
afterAll(() => t?.close());

const STAMPS = ['created_at', 'deleted_at', 'id', 'updated_at', 'version'];
const keys = (item: object) => Object.keys(item).sort();

describe('lod on GET /tenants and GET /users', () => {
  it('answers stamps, basic or full tenants; the cursor keeps the level of the first call', async () => {
    const a = await createTenant(t, { parentId: mine.partnerId, as: mine.admin });
    await createTenant(t, { parentId: mine.partnerId, as: mine.admin });
    const url = `/api/2/tenants?parent_id=${mine.partnerId}&with_contacts=true`;
    const stamps = expectStatus(await t.call(mine.admin, 'GET', `${url}&lod=stamps&limit=1`), 200, 'stamps');
    expect(stamps.items).toHaveLength(1);
    expect(keys(stamps.items[0])).toEqual(STAMPS);
    const next = expectStatus(
      await t.call(mine.admin, 'GET', `/api/2/tenants?after=${encodeURIComponent(stamps.paging.cursors.after)}`),
      200,
      'next page',
    );
    expect(next.items.length).toBeGreaterThan(0);
    for (const item of next.items) expect(keys(item)).toEqual(STAMPS);

    const basic = expectStatus(await t.call(mine.admin, 'GET', `${url}&lod=basic`), 200, 'basic');
    const basicA = basic.items.find((i: { id: string }) => i.id === a.id);
    expect(basicA).toMatchObject({ id: a.id, name: a.name, kind: 'customer', version: a.version });
    expect(basicA).not.toHaveProperty('contact');
    expect(basicA).not.toHaveProperty('contacts');

    for (const lod of ['full', undefined]) {
      const full = expectStatus(await t.call(mine.admin, 'GET', lod ? `${url}&lod=${lod}` : url), 200, 'full');
      const fullA = full.items.find((i: { id: string }) => i.id === a.id);
      expect(fullA).toMatchObject({ id: a.id, contact: {}, contacts: [] });
    }
  });

  it('answers stamps, basic or full users; policies only when asked and not with stamps', async () => {
    const user = await createUser(t, { tenantId: mine.customerId, as: mine.admin });
    const url = `/api/2/users?tenant_id=${mine.customerId}&with_access_policies=true`;
    const find = (body: { items: { id: string }[] }) => body.items.find((i) => i.id === user.id)!;
    const stamps = find(expectStatus(await t.call(mine.admin, 'GET', `${url}&lod=stamps`), 200, 'stamps'));
    expect(keys(stamps)).toEqual(STAMPS);
    const basic = find(expectStatus(await t.call(mine.admin, 'GET', `${url}&lod=basic`), 200, 'basic'));
    expect(basic).toMatchObject({ id: user.id, login: user.login, tenant_id: mine.customerId, access_policies: [] });
    expect(basic).not.toHaveProperty('contact');
    const full = find(expectStatus(await t.call(mine.admin, 'GET', url), 200, 'full'));
    expect(full).toMatchObject({ contact: { email: user.contact.email } });
  });

  it('refuses an unknown level, naming lod', async () => {
    const answer = await t.call(mine.admin, 'GET', `/api/2/tenants?lod=everything`);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('lod');
  });

  it("shows another partner's tenants and users at no level", async () => {
    for (const lod of ['stamps', 'basic']) {
      const tenants = expectStatus(
        await t.call(other.admin, 'GET', `/api/2/tenants?uuids=${mine.partnerId},${mine.customerId}&lod=${lod}`),
        200,
        'tenants',
      );
      expect(tenants.items).toEqual([]);
      const users = await t.call(other.admin, 'GET', `/api/2/users?tenant_id=${mine.customerId}&lod=${lod}`);
      // Not found, or nothing: never a user of mine.
      expect(
        users.status === 404 || (users.status === 200 && users.body.items.length === 0),
        JSON.stringify(users.body),
      ).toBe(true);
    }
  });
});
