/**
 * Requests shaped exactly as the established API's integrations send them (a dealer portal, a
 * billing-platform connector): `lod` on list reads, the roles of the platform's other products
 * in access policies, and the one contact card in tenants, users and contacts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartnerWorld, startTestApp, type PartnerWorld, type TestApp } from '../support/test-app.js';
import { createContact, createTenant, createUser, expectStatus } from '../support/factories.js';
import { sql } from 'kysely';
import { setPassword } from '../../src/features/setup/bootstrap.service.js';

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

  it("adds each tenant's valid contacts per type with with_contact_counts, and only then", async () => {
    const a = await createTenant(t, { parentId: mine.partnerId, as: mine.admin });
    const b = await createTenant(t, { parentId: mine.partnerId, as: mine.admin });
    await createContact(t, { tenantId: a.id, types: ['billing', 'technical'], as: mine.admin });
    await createContact(t, { tenantId: a.id, types: ['billing'], as: mine.admin });
    const bounced = await createContact(t, { tenantId: a.id, types: ['management'], as: mine.admin });
    await sql`UPDATE contacts SET validation_state = 'invalid' WHERE id = ${bounced.id}`.execute(t.db);
    const url = `/api/2/tenants?uuids=${a.id},${b.id}`;
    const counted = expectStatus(await t.call(mine.admin, 'GET', `${url}&with_contact_counts=true`), 200, 'counts');
    const countsOf = (id: string) => counted.items.find((i: { id: string }) => i.id === id).contact_counts;
    expect(countsOf(a.id)).toEqual({ billing: 2, technical: 1, management: 0 });
    expect(countsOf(b.id)).toEqual({ billing: 0, technical: 0, management: 0 });
    const plain = expectStatus(await t.call(mine.admin, 'GET', url), 200, 'plain');
    for (const item of plain.items) expect(item).not.toHaveProperty('contact_counts');
    // Another partner's tenants are left out, counts and all.
    const theirs = expectStatus(await t.call(other.admin, 'GET', `${url}&with_contact_counts=true`), 200, 'other');
    expect(theirs.items).toEqual([]);
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

describe("access policies with the roles of the platform's other products", () => {
  const policiesOf = (body: { items: { tenant_id: string; role_id: string; resource_namespace: string | null }[] }) =>
    body.items.map((p) => [p.tenant_id, p.role_id, p.resource_namespace]).sort();

  it('keeps and returns them beside Liaison roles, as strings and in a namespace; the same list again changes nothing', async () => {
    const user = await createUser(t, { tenantId: mine.customerId, as: mine.admin });
    const items = [
      { tenant_id: mine.customerId, role_id: 'company_admin' },
      { tenant_id: mine.customerId, role_id: 'backup_user' },
      { tenant_id: mine.customerId, role_id: 'protection_ro_admin', resource_namespace: 'backup' },
    ];
    const url = `/api/2/users/${user.id}/access_policies`;
    const put = expectStatus(await t.call(mine.admin, 'PUT', url, { items }), 200, 'put');
    const expected = [
      [mine.customerId, 'backup_user', null],
      [mine.customerId, 'company_admin', null],
      [mine.customerId, 'protection_ro_admin', 'backup'],
    ];
    expect(policiesOf(put)).toEqual(expected);
    const read = expectStatus(await t.call(mine.admin, 'GET', url), 200, 'get');
    expect(policiesOf(read)).toEqual(expected);
    // A client sends back what it read: same ids and versions.
    const again = expectStatus(await t.call(mine.admin, 'PUT', url, { items: read.items }), 200, 'again');
    expect(again.items.map((p: { id: string }) => p.id).sort()).toEqual(
      read.items.map((p: { id: string }) => p.id).sort(),
    );
    const listed = expectStatus(
      await t.call(mine.admin, 'GET', `/api/2/users?uuids=${user.id}&with_access_policies=true`),
      200,
      'list',
    );
    expect(policiesOf({ items: listed.items[0].access_policies })).toEqual(expected);
    // Dropping the product roles keeps the Liaison one.
    const trimmed = expectStatus(await t.call(mine.admin, 'PUT', url, { items: [items[0]] }), 200, 'trimmed');
    expect(policiesOf(trimmed)).toEqual([[mine.customerId, 'company_admin', null]]);
  });

  it('grants nothing in Liaison: a user holding only product roles reads no tenant of it', async () => {
    const user = await createUser(t, { tenantId: mine.customerId, as: mine.admin });
    const url = `/api/2/users/${user.id}/access_policies`;
    const items = [
      { tenant_id: mine.customerId, role_id: 'backup_admin' },
      { tenant_id: mine.customerId, role_id: 'protection_ro_admin', resource_namespace: 'backup' },
    ];
    expectStatus(await t.call(mine.admin, 'PUT', url, { items }), 200, 'put');
    await setPassword(t.db, user.login, 'product-roles-only');
    const person = await t.tokenFor(user.login, 'product-roles-only');
    expect((await t.call(person, 'GET', `/api/2/contacts?tenant_id=${mine.customerId}`)).status).toBe(404);
    expect((await t.call(person, 'GET', `/api/2/tenants/${mine.customerId}/users`)).status).toBe(404);
    // The same user made company admin reads them.
    expectStatus(
      await t.call(mine.admin, 'PUT', url, {
        items: [...items, { tenant_id: mine.customerId, role_id: 'company_admin' }],
      }),
      200,
      'admin too',
    );
    const admin = await t.tokenFor(user.login, 'product-roles-only');
    expect((await t.call(admin, 'GET', `/api/2/contacts?tenant_id=${mine.customerId}`)).status).toBe(200);
  });

  it('still refuses a malformed item, naming it', async () => {
    const user = await createUser(t, { tenantId: mine.customerId, as: mine.admin });
    const url = `/api/2/users/${user.id}/access_policies`;
    const cases: [Record<string, unknown>, string][] = [
      [{ tenant_id: mine.customerId, role_id: 'Backup User' }, 'items.0.role_id'],
      [{ tenant_id: mine.customerId, role_id: '' }, 'items.0.role_id'],
      [{ tenant_id: mine.customerId }, 'items.0.role_id'],
      [
        { tenant_id: mine.customerId, role_id: 'backup_user', resource_namespace: 'No Spaces' },
        'items.0.resource_namespace',
      ],
      [
        { tenant_id: mine.customerId, role_id: 'company_admin', resource_namespace: 'backup' },
        'items.0.resource_namespace',
      ],
      [{ tenant_id: mine.customerId, role_id: 'partner_admin' }, 'items.0.role_id'],
      [{ tenant_id: other.customerId, role_id: 'backup_user' }, 'items.0.tenant_id'],
    ];
    for (const [item, field] of cases) {
      const answer = await t.call(mine.admin, 'PUT', url, { items: [item] });
      expect(answer.status, JSON.stringify(item)).toBe(400);
      expect(JSON.stringify(answer.body), JSON.stringify(item)).toContain(field.split('.').pop()!);
    }
    const twice = await t.call(mine.admin, 'PUT', url, {
      items: [
        { tenant_id: mine.customerId, role_id: 'backup_user' },
        { tenant_id: mine.customerId, role_id: 'backup_user', resource_namespace: null },
      ],
    });
    expect(twice.status).toBe(200);
    expect(twice.body.items).toHaveLength(1);
    expect(expectStatus(await t.call(mine.admin, 'GET', url), 200, 'unchanged').items).toHaveLength(1);
  });

  it("lets another partner neither read nor set a user's product roles", async () => {
    const user = await createUser(t, { tenantId: mine.customerId, as: mine.admin });
    const url = `/api/2/users/${user.id}/access_policies`;
    expect((await t.call(other.admin, 'GET', url)).status).toBe(404);
    const put = await t.call(other.admin, 'PUT', url, {
      items: [{ tenant_id: mine.customerId, role_id: 'backup_user' }],
    });
    expect(put.status).toBe(404);
    expect(expectStatus(await t.call(mine.admin, 'GET', url), 200, 'mine').items).toEqual([]);
  });
});

// What a billing-platform connector copies from its client: the whole card, numbers and booleans as strings.
const address = {
  address1: 'Via Roma 1',
  address2: 'Scala B',
  city: 'Milano',
  state: 'MI',
  zipcode: '20121',
  country: 'IT',
  website: 'https://rossi.example',
  industry: 'Manufacturing',
  organization_size: '11-100',
  fax: '+39 02 1234567',
  aan: 'AAN-0042',
};

describe('one contact card in tenants, users and contacts', () => {
  it('POST and PUT /tenants take the legal card with types, language and the read-only email_confirmed', async () => {
    const contact = {
      types: ['legal', 'primary'],
      firstname: 'Maria',
      lastname: 'Rossi',
      email: 'maria.rossi@example.test',
      phone: '+39 02 7654321',
      title: 'CEO',
      language: 'it',
      email_confirmed: 'false',
      ...address,
    };
    const created = expectStatus(
      await t.call(mine.admin, 'POST', '/api/2/tenants', {
        name: 'Rossi S.p.A.',
        parent_id: mine.partnerId,
        kind: 'customer',
        enabled: 'true',
        contact,
      }),
      201,
      'create',
    );
    const { email_confirmed: _readOnly, ...kept } = contact;
    expect(created.contact).toEqual(kept);
    const read = expectStatus(await t.call(mine.admin, 'GET', `/api/2/tenants/${created.id}`), 200, 'read');
    expect(read.contact).toEqual(kept);
    const updated = expectStatus(
      await t.call(mine.admin, 'PUT', `/api/2/tenants/${created.id}`, {
        version: String(read.version),
        contact: { ...read.contact, city: 'Torino', types: ['legal'] },
      }),
      200,
      'update',
    );
    expect(updated.contact).toMatchObject({ city: 'Torino', types: ['legal'], aan: 'AAN-0042' });
    const bad = await t.call(mine.admin, 'PUT', `/api/2/tenants/${created.id}`, {
      version: updated.version,
      contact: { types: ['owner'] },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('contact.types');
    const theirs = await t.call(other.admin, 'PUT', `/api/2/tenants/${created.id}`, {
      version: updated.version,
      contact: { city: 'Roma' },
    });
    expect(theirs.status).toBe(404);
  });

  it("POST and PUT /users take the user's card; contact.types is accepted only as stored", async () => {
    const created = expectStatus(
      await t.call(mine.admin, 'POST', '/api/2/users', {
        tenant_id: mine.customerId,
        login: `card-${Date.now()}`,
        contact: {
          email: `card-${Date.now()}@example.test`,
          firstname: 'Luca',
          lastname: 'Bianchi',
          types: [],
          email_confirmed: false,
          ...address,
        },
      }),
      200,
      'create',
    );
    expect(created.contact).toMatchObject({ ...address, types: [], email_confirmed: false, firstname: 'Luca' });
    const url = `/api/2/users/${created.id}`;
    // The object read, sent back whole with a change: accepted.
    const updated = expectStatus(
      await t.call(mine.admin, 'PUT', url, {
        version: String(created.version),
        contact: { ...created.contact, city: 'Bergamo', zipcode: '24121' },
      }),
      200,
      'update',
    );
    expect(updated.contact).toMatchObject({
      city: 'Bergamo',
      zipcode: '24121',
      address1: 'Via Roma 1',
      aan: 'AAN-0042',
    });
    const types = await t.call(mine.admin, 'PUT', url, { version: updated.version, contact: { types: ['billing'] } });
    expect(types.status).toBe(400);
    expect(JSON.stringify(types.body)).toContain('contact.types');
    // Linked to a billing contact, the user's card shows that type and takes it back.
    expectStatus(
      await t.call(mine.admin, 'POST', '/api/2/contacts', {
        tenant_id: mine.customerId,
        user_id: created.id,
        types: ['billing'],
      }),
      201,
      'link',
    );
    const linked = expectStatus(await t.call(mine.admin, 'GET', url), 200, 'linked');
    expect(linked.contact.types).toEqual(['billing']);
    expectStatus(
      await t.call(mine.admin, 'PUT', url, { version: linked.version, contact: linked.contact }),
      200,
      'same',
    );
    const bad = await t.call(mine.admin, 'PUT', url, {
      version: linked.version,
      contact: { organization_size: '2-5' },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('organization_size');
    const theirs = await t.call(other.admin, 'PUT', url, { version: linked.version, contact: { city: 'Roma' } });
    expect(theirs.status).toBe(404);
    expect(expectStatus(await t.call(mine.admin, 'GET', url), 200, 'unchanged').contact.city).toBe('Bergamo');
  });

  it('contacts take aan and send back email_confirmed', async () => {
    const created = expectStatus(
      await t.call(mine.admin, 'POST', '/api/2/contacts', {
        tenant_id: mine.customerId,
        types: ['technical'],
        firstname: 'Giulia',
        lastname: 'Verdi',
        email: `giulia-${Date.now()}@example.test`,
        email_confirmed: 'false',
        ...address,
      }),
      201,
      'create',
    );
    expect(created).toMatchObject({ ...address, email_confirmed: false });
    const updated = expectStatus(
      await t.call(mine.admin, 'PUT', `/api/2/contacts/${created.id}`, {
        version: String(created.version),
        aan: 'AAN-0043',
        email_confirmed: created.email_confirmed,
      }),
      200,
      'update',
    );
    expect(updated.aan).toBe('AAN-0043');
    // Read-only: sent back as read it passes, changed it is refused.
    const changed = await t.call(mine.admin, 'PUT', `/api/2/contacts/${created.id}`, {
      version: updated.version,
      email_confirmed: true,
    });
    expect(changed.status).toBe(400);
    expect(JSON.stringify(changed.body)).toContain('email_confirmed');
  });
});

describe('POST /tenants with company_billing_contact, read back as clients read contacts', () => {
  const card = (email: string) => ({
    types: ['billing', 'primary'],
    firstname: 'Paolo',
    lastname: 'Bianchi',
    email,
    phone: '+39 02 1112233',
    title: 'CFO',
    language: 'it',
    email_confirmed: 'false',
    ...address,
  });
  const childrenOf = async (parentId: string) =>
    expectStatus(await t.call(mine.admin, 'GET', `/api/2/tenants?parent_id=${parentId}&lod=stamps`), 200, 'children')
      .items.length as number;

  it('creates the tenant and its billing contact in one request; ids first, then a batch read', async () => {
    const email = `paolo-${Date.now()}@example.test`;
    const tenant = expectStatus(
      await t.call(mine.admin, 'POST', '/api/2/tenants', {
        name: 'Bianchi S.r.l.',
        parent_id: mine.partnerId,
        kind: 'customer',
        enabled: 'true',
        contact: { types: ['legal'], ...address },
        company_billing_contact: card(email),
      }),
      201,
      'create',
    );
    const ids = expectStatus(await t.call(mine.admin, 'GET', `/api/2/tenants/${tenant.id}/contacts`), 200, 'ids');
    expect(ids.items).toHaveLength(1);
    const batch = expectStatus(
      await t.call(mine.admin, 'GET', `/api/2/contacts?uuids=${ids.items.join(',')}`),
      200,
      'batch read',
    );
    expect(batch.items).toEqual([
      expect.objectContaining({
        id: ids.items[0],
        tenant_id: tenant.id,
        user_id: null,
        types: ['billing'],
        firstname: 'Paolo',
        lastname: 'Bianchi',
        email,
        email_confirmed: false,
        phone: '+39 02 1112233',
        title: 'CFO',
        language: 'it',
        ...address,
      }),
    ]);
    const one = expectStatus(await t.call(mine.admin, 'GET', `/api/2/contacts/${ids.items[0]}`), 200, 'one');
    expect(one).toEqual(batch.items[0]);
    const audit = expectStatus(
      await t.call(mine.admin, 'GET', `/api/2/audit?tenant_id=${tenant.id}&object_id=${ids.items[0]}`),
      200,
      'audit',
    );
    expect(audit.items).toEqual([expect.objectContaining({ object_id: ids.items[0], action: 'create' })]);
    // Another partner reads neither the ids nor the contact.
    expect((await t.call(other.admin, 'GET', `/api/2/tenants/${tenant.id}/contacts`)).status).toBe(404);
    const theirs = await t.call(other.admin, 'GET', `/api/2/contacts?uuids=${ids.items[0]}`);
    expect(theirs.status === 200 ? theirs.body.items : []).toEqual([]);
  });

  it('names a refused field under company_billing_contact and leaves no tenant behind', async () => {
    const before = await childrenOf(mine.partnerId);
    const post = (company_billing_contact: object) =>
      t.call(mine.admin, 'POST', '/api/2/tenants', {
        name: 'Half Written S.r.l.',
        parent_id: mine.partnerId,
        kind: 'customer',
        company_billing_contact,
      });
    const { lastname: _missing, ...noLastname } = card(`x-${Date.now()}@example.test`);
    for (const [body, field] of [
      [noLastname, 'company_billing_contact.lastname'],
      [{ ...card('not-an-address'), types: ['billing'] }, 'company_billing_contact.email'],
      [
        { ...card(`y-${Date.now()}@example.test`), organization_size: '7' },
        'company_billing_contact.organization_size',
      ],
      // Refused by the use case after the tenant was written: the transaction takes the tenant back.
      [{ ...card(`z-${Date.now()}@example.test`), types: ['legal'] }, 'company_billing_contact.types'],
      // Refused by the contacts feature itself (a read-only field sent as something else than stored).
      [{ ...card(`w-${Date.now()}@example.test`), email_confirmed: true }, 'company_billing_contact.email_confirmed'],
    ] as const) {
      const res = await post(body);
      expect(res.status, field).toBe(400);
      expect(res.body.error.context.fields, field).toContain(field);
    }
    expect(await childrenOf(mine.partnerId)).toBe(before);
  });

  it('lets another partner create nothing under your tenant, billing contact included', async () => {
    const res = await t.call(other.admin, 'POST', '/api/2/tenants', {
      name: 'Intruder S.r.l.',
      parent_id: mine.partnerId,
      kind: 'customer',
      company_billing_contact: card(`intruder-${Date.now()}@example.test`),
    });
    expect(res.status).toBe(404);
    const found = expectStatus(
      await t.call(mine.admin, 'GET', `/api/2/search?tenant=${mine.partnerId}&text=Intruder`),
      200,
      'search',
    );
    expect(JSON.stringify(found)).not.toContain('Intruder');
  });
});
