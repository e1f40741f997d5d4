import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPartnerWorld,
  startTestApp,
  type Actor,
  type Answer,
  type PartnerWorld,
  type TestApp,
} from '../../../test/support/test-app.js';
import { expectError } from '../../../test/support/expect-error.js';

let t: TestApp;
let a: PartnerWorld;
let b: PartnerWorld;

/** Tenants and users of partner A below which the searches run. */
const ids: Record<string, string> = {};

async function tenant(parentId: string, kind: string, name: string) {
  const res = await t.call(t.root, 'POST', '/api/2/tenants', { name, parent_id: parentId, kind });
  if (res.status !== 201) throw new Error(`tenant ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

async function user(tenantId: string, login: string, contact: Record<string, string>) {
  const res = await t.call(t.root, 'POST', '/api/2/users', { tenant_id: tenantId, login, contact });
  if (res.status !== 200) throw new Error(`user ${login}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

beforeAll(async () => {
  t = await startTestApp();
  a = await createPartnerWorld(t, 'A');
  b = await createPartnerWorld(t, 'B');
  ids.folder = await tenant(a.partnerId, 'folder', 'Northwind Holdings');
  ids.customer = await tenant(ids.folder, 'customer', 'Northwind Traders');
  ids.unit = await tenant(ids.customer, 'unit', 'Sales Department');
  ids.jane = await user(ids.customer, 'jdoe.north', {
    email: 'jane.doe@traders.example',
    firstname: 'Zelda',
    lastname: 'Quixote',
  });
  ids.unitUser = await user(ids.unit, 'seller', {
    email: 'seller@traders.example',
    firstname: 'Sam',
    lastname: 'Vendor',
  });
  // The same words at partner B: an A caller must never see these.
  ids.bCustomer = await tenant(b.partnerId, 'customer', 'Northwind Rival');
  ids.bUser = await user(ids.bCustomer, 'zelda.rival', {
    email: 'zelda@rival.example',
    firstname: 'Zelda',
    lastname: 'Quixote',
  });
});
afterAll(() => t?.close());

const search = (actor: Actor, query: Record<string, string>) =>
  t.call(actor, 'GET', `/api/2/search?${new URLSearchParams(query).toString()}`);

const hitIds = (res: Answer) => res.body.items.map((h: any) => h.id) as string[];
const hit = (res: Answer, id: string) => res.body.items.find((h: any) => h.id === id);

describe('GET /search: tenants', () => {
  it('finds tenants by name, case-insensitively, with the path from the searched tenant down', async () => {
    const res = await search(a.admin, { text: 'NORTHWIND' });
    expect(res.status).toBe(200);
    expect(hitIds(res).sort()).toEqual([ids.folder, ids.customer].sort());
    expect(hit(res, ids.folder)).toEqual({
      obj_type: 'tenant',
      id: ids.folder,
      parent_id: a.partnerId,
      kind: 'folder',
      name: 'Northwind Holdings',
      path: ['Partner A'],
    });
    expect(hit(res, ids.customer)).toEqual({
      obj_type: 'tenant',
      id: ids.customer,
      parent_id: ids.folder,
      kind: 'customer',
      name: 'Northwind Traders',
      path: ['Partner A', 'Northwind Holdings'],
    });
    const unit = await search(a.admin, { text: 'sales dep' });
    expect(hit(unit, ids.unit)).toMatchObject({
      kind: 'unit',
      path: ['Partner A', 'Northwind Holdings', 'Northwind Traders'],
    });
  });

  it('starts paths at the tenant given in `tenant` and searches only below it', async () => {
    const res = await search(a.admin, { text: 'northwind', tenant: ids.customer });
    expect(res.status).toBe(200);
    expect(hitIds(res)).toEqual([ids.customer]);
    expect(hit(res, ids.customer).path).toEqual([]);
    const unit = await search(a.admin, { text: 'sales', tenant: ids.folder });
    expect(hit(unit, ids.unit).path).toEqual(['Northwind Holdings', 'Northwind Traders']);
  });

  it('finds the searched tenant itself with an empty path', async () => {
    const res = await search(a.admin, { text: 'partner a' });
    expect(hit(res, a.partnerId)).toMatchObject({ obj_type: 'tenant', kind: 'partner', path: [] });
  });
});

describe('GET /search: users', () => {
  it.each([
    ['login', 'JDOE.NO'],
    ['email', 'Jane.Doe@TRADERS'],
    ['first name', 'zeld'],
    ['last name', 'QUIXOTE'],
  ])('finds a user by %s, case-insensitively', async (_field, text) => {
    const res = await search(a.admin, { text });
    expect(res.status).toBe(200);
    expect(hitIds(res)).toEqual([ids.jane]);
    expect(hit(res, ids.jane)).toEqual({
      obj_type: 'user',
      id: ids.jane,
      parent_id: ids.customer,
      login: 'jdoe.north',
      first_name: 'Zelda',
      last_name: 'Quixote',
      path: ['Partner A', 'Northwind Holdings', 'Northwind Traders'],
    });
  });

  it('finds tenants and users together, and honours limit', async () => {
    const all = await search(a.admin, { text: 'traders' });
    expect(hitIds(all).sort()).toEqual([ids.customer, ids.jane, ids.unitUser].sort());
    expect(hit(all, ids.unitUser).path).toEqual([
      'Partner A',
      'Northwind Holdings',
      'Northwind Traders',
      'Sales Department',
    ]);
    const one = await search(a.admin, { text: 'traders', limit: '1' });
    expect(one.body.items).toHaveLength(1);
  });

  it('does not find deleted tenants', async () => {
    const id = await tenant(a.partnerId, 'customer', 'Ephemeral Widgets');
    expect(hitIds(await search(a.admin, { text: 'ephemeral' }))).toEqual([id]);
    const disabled = await t.call(a.admin, 'PUT', `/api/2/tenants/${id}`, { version: 1, enabled: false });
    expect(disabled.status).toBe(200);
    expect(hitIds(await search(a.admin, { text: 'ephemeral' }))).toEqual([id]);
    expect((await t.call(a.admin, 'DELETE', `/api/2/tenants/${id}?version=2`)).status).toBe(204);
    expect((await search(a.admin, { text: 'ephemeral' })).body.items).toEqual([]);
  });

  it('does not find the users of a deleted tenant', async () => {
    const id = await tenant(a.partnerId, 'customer', 'Vanishing Co');
    const userId = await user(id, 'ghost.user', {
      email: 'ghost@vanishing.example',
      firstname: 'Casper',
      lastname: 'Ghost',
    });
    expect(hitIds(await search(a.admin, { text: 'ghost' }))).toEqual([userId]);
    await t.call(a.admin, 'PUT', `/api/2/tenants/${id}`, { version: 1, enabled: false });
    expect((await t.call(a.admin, 'DELETE', `/api/2/tenants/${id}?version=2`)).status).toBe(204);
    expect((await search(a.admin, { text: 'ghost' })).body.items).toEqual([]);
  });
});

describe('GET /search: tenants by their contacts', () => {
  async function contact(actor: Actor, body: Record<string, unknown>) {
    const res = await t.call(actor, 'POST', '/api/2/contacts', { types: ['billing'], ...body });
    if (res.status !== 201) throw new Error(`contact: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; version: number };
  }
  const tenantHits = (res: Answer) =>
    res.body.items.filter((h: any) => h.obj_type === 'tenant').map((h: any) => h.id) as string[];

  beforeAll(async () => {
    await contact(a.admin, {
      tenant_id: ids.customer,
      firstname: 'Wilhelmina',
      lastname: 'Okonkwo-Brandt',
      email: 'w.ok@invoices.example',
    });
    await contact(a.admin, {
      tenant_id: a.partnerId,
      firstname: 'Ottoline',
      lastname: 'Fairweather',
      email: 'otto@partner-a.example',
    });
    // The same person at partner B: its tenant must stay invisible to A.
    await contact(b.admin, {
      tenant_id: ids.bCustomer,
      firstname: 'Wilhelmina',
      lastname: 'Okonkwo-Brandt',
      email: 'w.ok@invoices.example',
    });
  });

  it.each([
    ['first name', 'WILHELMINA'],
    ['last name', 'okonkwo-b'],
    ['email', 'W.OK@INVOICES'],
  ])('finds the tenant of a contact by its %s, case-insensitively', async (_field, text) => {
    const res = await search(a.admin, { text });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      {
        obj_type: 'tenant',
        id: ids.customer,
        parent_id: ids.folder,
        kind: 'customer',
        name: 'Northwind Traders',
        path: ['Partner A', 'Northwind Holdings'],
      },
    ]);
  });

  it("finds the tenant of a linked contact by its user's name and email, as they are now", async () => {
    const userId = await user(ids.unit, 'bquince', {
      email: 'bq@unit.example',
      firstname: 'Bartholomew',
      lastname: 'Quince',
    });
    expect(tenantHits(await search(a.admin, { text: 'quince' }))).toEqual([]);
    await contact(a.admin, { tenant_id: ids.unit, user_id: userId });
    for (const text of ['BARTHOLOMEW', 'quince', 'bq@unit']) {
      const res = await search(a.admin, { text });
      expect(tenantHits(res)).toEqual([ids.unit]);
      expect(hitIds(res)).toContain(userId);
    }
    const read = await t.call(a.admin, 'GET', `/api/2/users/${userId}`);
    expect(
      (
        await t.call(a.admin, 'PUT', `/api/2/users/${userId}`, {
          version: read.body.version,
          contact: { lastname: 'Marmalade' },
        })
      ).status,
    ).toBe(200);
    expect(tenantHits(await search(a.admin, { text: 'quince' }))).toEqual([]);
    expect(tenantHits(await search(a.admin, { text: 'marmalade' }))).toEqual([ids.unit]);
  });

  it("stays within the caller's scope: another partner's contacts never make its tenants findable", async () => {
    for (const actor of [a.admin, a.client, a.readonly]) {
      expect(tenantHits(await search(actor, { text: 'okonkwo' }))).toEqual([ids.customer]);
    }
    for (const actor of [b.admin, b.client]) {
      expect(tenantHits(await search(actor, { text: 'okonkwo' }))).toEqual([ids.bCustomer]);
      expect(tenantHits(await search(actor, { text: 'fairweather' }))).toEqual([]);
    }
    expect(tenantHits(await search(t.root, { text: 'okonkwo' })).sort()).toEqual([ids.customer, ids.bCustomer].sort());
    // A customer's admin does not see its partner's contacts, nor through them its partner.
    expect(tenantHits(await search(a.admin, { text: 'fairweather' }))).toEqual([a.partnerId]);
    expect((await search(a.customerAdmin, { text: 'fairweather' })).body.items).toEqual([]);
    expect((await search(a.admin, { text: 'okonkwo', tenant: ids.unit })).body.items).toEqual([]);
  });
});

describe('GET /search: scope', () => {
  it('never answers objects of another partner', async () => {
    // The root sees both partners' objects, so the words really do match at B too.
    const everywhere = hitIds(await search(t.root, { text: 'zelda' }));
    expect(everywhere).toEqual(expect.arrayContaining([ids.jane, ids.bUser]));
    expect(hitIds(await search(t.root, { text: 'northwind' }))).toContain(ids.bCustomer);

    for (const text of ['zelda', 'northwind', 'partner', 'quixote', 'example', 'a']) {
      const fromA = await search(a.admin, { text });
      expect(fromA.status).toBe(200);
      expect(hitIds(fromA)).not.toContain(ids.bUser);
      expect(hitIds(fromA)).not.toContain(ids.bCustomer);
      expect(hitIds(fromA)).not.toContain(b.partnerId);
      expect(hitIds(fromA)).not.toContain(b.admin.userId);
      const fromB = await search(b.client, { text });
      expect(hitIds(fromB)).not.toContain(ids.jane);
      expect(hitIds(fromB)).not.toContain(ids.customer);
      expect(hitIds(fromB)).not.toContain(a.partnerId);
    }
    const fromB = await search(b.admin, { text: 'zelda' });
    expect(hitIds(fromB)).toEqual([ids.bUser]);
    expect(hit(fromB, ids.bUser).path).toEqual(['Partner B', 'Northwind Rival']);
  });

  it("answers 404 1005 for a `tenant` outside the caller's subtree, or unknown", async () => {
    expectError(await search(a.admin, { text: 'zelda', tenant: b.partnerId }), 404, 1005);
    expectError(await search(a.admin, { text: 'zelda', tenant: ids.bCustomer }), 404, 1005);
    expectError(await search(a.admin, { text: 'zelda', tenant: t.rootTenantId }), 404, 1005);
    expectError(await search(a.admin, { text: 'zelda', tenant: randomUUID() }), 404, 1005);
    expectError(await search(a.customerAdmin, { text: 'partner', tenant: a.partnerId }), 404, 1005);
  });

  it('keeps a customer admin to its customer, with paths starting there', async () => {
    const res = await search(a.customerAdmin, { text: 'a' });
    expect(res.status).toBe(200);
    expect(hitIds(res)).toContain(a.customerAdmin.userId);
    expect(hitIds(res)).not.toContain(a.partnerId);
    expect(hitIds(res)).not.toContain(a.admin.userId);
    expect(hit(res, a.customerAdmin.userId).path).toEqual(['Customer of A']);
    expect(hitIds(await search(a.customerAdmin, { text: 'northwind' }))).toEqual([]);
  });

  it('lets a read-only admin search its subtree', async () => {
    const res = await search(a.readonly, { text: 'zelda' });
    expect(res.status).toBe(200);
    expect(hitIds(res)).toEqual([ids.jane]);
  });

  it('requires authentication', async () => {
    expectError(await search(undefined as unknown as Actor, { text: 'zelda' }), 401, 'unauthorized');
  });
});

describe('GET /search: text', () => {
  beforeAll(async () => {
    ids.percent = await tenant(a.partnerId, 'customer', '100% Cotton');
    ids.noPercent = await tenant(a.partnerId, 'customer', '100 Cotton');
    ids.underscore = await tenant(a.partnerId, 'customer', 'a_b Ltd');
    ids.noUnderscore = await tenant(a.partnerId, 'customer', 'axb Ltd');
    ids.backslash = await tenant(a.partnerId, 'customer', 'Back\\slash Inc');
    ids.underscoreUser = await user(ids.underscore, 'under_score', {
      email: 'u_s@ltd.example',
      firstname: 'Una',
      lastname: 'Score',
    });
    ids.plainUser = await user(ids.noUnderscore, 'underxscore', {
      email: 'uxs@ltd.example',
      firstname: 'Una',
      lastname: 'Score',
    });
  });

  it('treats % and _ as literal characters, not wildcards', async () => {
    expect(hitIds(await search(a.admin, { text: '100%' }))).toEqual([ids.percent]);
    expect(hitIds(await search(a.admin, { text: '%' }))).toEqual([ids.percent]);
    expect(hitIds(await search(a.admin, { text: '0% c' }))).toEqual([ids.percent]);
    expect(hitIds(await search(a.admin, { text: 'a_b' }))).toEqual([ids.underscore]);
    expect(hitIds(await search(a.admin, { text: 'under_' }))).toEqual([ids.underscoreUser]);
    expect(hitIds(await search(a.admin, { text: 'u_s@' }))).toEqual([ids.underscoreUser]);
    expect(hitIds(await search(a.admin, { text: 'back\\s' }))).toEqual([ids.backslash]);
    // The unescaped patterns would have matched these: prove they exist.
    expect(hitIds(await search(a.admin, { text: 'axb' }))).toEqual([ids.noUnderscore]);
    expect(hitIds(await search(a.admin, { text: 'underx' }))).toEqual([ids.plainUser]);
  });

  it('trims the text and refuses an empty, blank or over-long one, naming text', async () => {
    expect(hitIds(await search(a.admin, { text: '  axb  ' }))).toEqual([ids.noUnderscore]);
    expectError(await t.call(a.admin, 'GET', '/api/2/search'), 400, 'validation_failed', 'text');
    expectError(await search(a.admin, { text: '' }), 400, 'validation_failed', 'text');
    expectError(await search(a.admin, { text: '   ' }), 400, 'validation_failed', 'text');
    expectError(await search(a.admin, { text: 'x'.repeat(101) }), 400, 'validation_failed', 'text');
    expectError(await search(a.admin, { text: 'x', colour: 'red' }), 400, 'validation_failed', 'colour');
    expectError(await search(a.admin, { text: 'x', limit: '0' }), 400, 'validation_failed', 'limit');
  });
});
