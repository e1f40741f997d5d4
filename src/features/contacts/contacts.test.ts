import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPassword } from '../setup/bootstrap.service.js';
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
let p: PartnerWorld;
let other: PartnerWorld;
beforeAll(async () => {
  t = await startTestApp();
  p = await createPartnerWorld(t, 'C');
  other = await createPartnerWorld(t, 'Other');
});
afterAll(() => t?.close());

let seq = 0;
const unique = (base: string) => `${base}-${++seq}`;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A 400 whose named fields all lie within `field` (`types` or one of its items, `types.0`). */
function expectInvalid(res: Answer, field: string) {
  expectError(res, 400, 'validation_failed');
  const named = String(res.body.error.details.info).split(',');
  expect(named.length).toBeGreaterThan(0);
  for (const name of named)
    expect(name === field || name.startsWith(`${field}.`), `${name} within ${field}`).toBe(true);
  expect(res.body.error.message).toContain(field);
}

async function createTenant(actor: Actor, parentId: string, kind = 'customer') {
  const res = await t.call(actor, 'POST', '/api/2/tenants', { name: unique(kind), parent_id: parentId, kind });
  if (res.status !== 201) throw new Error(`create tenant: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

async function createUser(actor: Actor, tenantId: string, contact: Record<string, unknown> = {}) {
  const login = unique('person');
  const res = await t.call(actor, 'POST', '/api/2/users', {
    tenant_id: tenantId,
    login,
    contact: { email: `${login}@example.test`, firstname: 'Ada', lastname: 'Lovelace', ...contact },
  });
  if (res.status !== 200) throw new Error(`create user: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; login: string; version: number; contact: Record<string, any> };
}

/** A new contact (no user) in `tenantId`, insisting on 201. */
async function newContact(actor: Actor, tenantId: string, fields: Record<string, unknown> = {}) {
  const res = await t.call(actor, 'POST', '/api/2/contacts', {
    tenant_id: tenantId,
    types: ['billing'],
    firstname: 'Grace',
    lastname: unique('Hopper'),
    email: `${unique('grace')}@example.test`,
    ...fields,
  });
  if (res.status !== 201) throw new Error(`create contact: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function linkedContact(actor: Actor, tenantId: string, userId: string, types: string[] = ['technical']) {
  const res = await t.call(actor, 'POST', '/api/2/contacts', { tenant_id: tenantId, user_id: userId, types });
  if (res.status !== 201) throw new Error(`link contact: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const getContact = (actor: Actor, id: string) => t.call(actor, 'GET', `/api/2/contacts/${id}`);
const putContact = (actor: Actor, id: string, body: Record<string, unknown>) =>
  t.call(actor, 'PUT', `/api/2/contacts/${id}`, body);
const delContact = (actor: Actor, id: string, version: number | string) =>
  t.call(actor, 'DELETE', `/api/2/contacts/${id}?version=${version}`);
const contactCount = async () =>
  Number(
    (
      await t.db
        .selectFrom('contacts')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

const contactKeys = [
  'aan',
  'address1',
  'address2',
  'attestation_state',
  'attested_at',
  'city',
  'country',
  'created_at',
  'email',
  'email_confirmed',
  'fax',
  'firstname',
  'id',
  'industry',
  'language',
  'lastname',
  'organization_size',
  'pending_email',
  'phone',
  'primary_types',
  'state',
  'tenant_id',
  'title',
  'types',
  'updated_at',
  'user_id',
  'validation_state',
  'version',
  'website',
  'zipcode',
];

describe('POST /contacts', () => {
  it('creates a new contact for a person without access: 201 with the contact object', async () => {
    const res = await t.call(p.admin, 'POST', '/api/2/contacts', {
      tenant_id: p.customerId,
      types: ['billing'],
      firstname: '  Grace ',
      lastname: 'Hopper',
      email: 'Grace.Hopper@Example.test',
      phone: '+39 02 555',
      title: 'Controller',
      language: 'it',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(contactKeys);
    expect(res.body).toMatchObject({
      tenant_id: p.customerId,
      user_id: null,
      types: ['billing'],
      firstname: 'Grace',
      lastname: 'Hopper',
      email: 'Grace.Hopper@Example.test',
      phone: '+39 02 555',
      title: 'Controller',
      language: 'it',
      pending_email: null,
      validation_state: 'valid',
      version: 1,
    });
    expect(res.body.id).toMatch(uuidPattern);
    expect(Date.parse(res.body.created_at)).not.toBeNaN();
    expect(Date.parse(res.body.updated_at)).not.toBeNaN();
    const read = await getContact(p.admin, res.body.id);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it('leaves phone, title and language null when not given', async () => {
    const contact = await newContact(p.admin, p.customerId);
    expect(contact).toMatchObject({ phone: null, title: null, language: null });
  });

  it("creates a contact from a user of the tenant: the person's fields come from the user", async () => {
    const user = await createUser(p.admin, p.customerId, {
      firstname: 'Linus',
      lastname: 'Torvalds',
      phone: '+1 555',
      title: 'CTO',
      language: 'it',
    });
    const res = await t.call(p.admin, 'POST', '/api/2/contacts', {
      tenant_id: p.customerId,
      user_id: user.id,
      types: ['technical'],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(contactKeys);
    expect(res.body).toMatchObject({
      tenant_id: p.customerId,
      user_id: user.id,
      types: ['technical'],
      firstname: 'Linus',
      lastname: 'Torvalds',
      email: user.contact.email,
      phone: '+1 555',
      title: 'CTO',
      language: 'it',
      pending_email: null,
      validation_state: 'valid',
      version: 1,
    });
    expect((await getContact(p.admin, res.body.id)).body).toEqual(res.body);
    const read = await t.call(p.admin, 'GET', `/api/2/users/${user.id}`);
    expect(read.body.contact.types).toEqual(['technical']);
  });

  it('refuses person fields sent together with user_id, naming the field', async () => {
    const user = await createUser(p.admin, p.customerId);
    const fields: Record<string, unknown> = {
      firstname: 'X',
      lastname: 'Y',
      email: 'x@example.test',
      phone: '1',
      title: 'T',
      language: 'en',
    };
    for (const [field, value] of Object.entries(fields)) {
      const res = await t.call(p.admin, 'POST', '/api/2/contacts', {
        tenant_id: p.customerId,
        user_id: user.id,
        types: ['billing'],
        [field]: value,
      });
      expectError(res, 400, 'validation_failed', field);
    }
    expect((await t.call(p.admin, 'GET', `/api/2/users/${user.id}`)).body.contact.types).toEqual([]);
  });

  it('holds several types, normalized to one order and without duplicates', async () => {
    const all = await newContact(p.admin, p.customerId, { types: ['technical', 'management', 'billing'] });
    expect(all.types).toEqual(['billing', 'management', 'technical']);
    const twice = await newContact(p.admin, p.customerId, { types: ['technical', 'billing', 'technical'] });
    expect(twice.types).toEqual(['billing', 'technical']);
    expect((await getContact(p.admin, twice.id)).body.types).toEqual(['billing', 'technical']);
  });

  it('refuses empty, unknown, missing or non-list types, naming types', async () => {
    const base = { tenant_id: p.customerId, firstname: 'T', lastname: 'T', email: `${unique('types')}@example.test` };
    const before = await contactCount();
    expectInvalid(await t.call(p.admin, 'POST', '/api/2/contacts', { ...base, types: [] }), 'types');
    expectInvalid(await t.call(p.admin, 'POST', '/api/2/contacts', { ...base, types: ['sales'] }), 'types');
    expectInvalid(
      await t.call(p.admin, 'POST', '/api/2/contacts', { ...base, types: ['billing', 'Business'] }),
      'types',
    );
    expectInvalid(await t.call(p.admin, 'POST', '/api/2/contacts', { ...base, types: 'billing' }), 'types');
    expectInvalid(await t.call(p.admin, 'POST', '/api/2/contacts', { ...base, types: null }), 'types');
    expectError(await t.call(p.admin, 'POST', '/api/2/contacts', base), 400, 'validation_failed', 'types');
    const user = await createUser(p.admin, p.customerId);
    expectError(
      await t.call(p.admin, 'POST', '/api/2/contacts', { tenant_id: p.customerId, user_id: user.id }),
      400,
      'validation_failed',
      'types',
    );
    expectInvalid(
      await t.call(p.admin, 'POST', '/api/2/contacts', { tenant_id: p.customerId, user_id: user.id, types: [] }),
      'types',
    );
    expect(await contactCount()).toBe(before);
  });

  it('requires firstname, lastname and email for a new contact, naming each', async () => {
    const full = {
      tenant_id: p.customerId,
      types: ['billing'],
      firstname: 'Req',
      lastname: 'Uired',
      email: `${unique('req')}@example.test`,
    };
    for (const field of ['firstname', 'lastname', 'email'] as const) {
      const { [field]: _left, ...body } = full;
      expectError(await t.call(p.admin, 'POST', '/api/2/contacts', body), 400, 'validation_failed', field);
    }
    expectError(
      await t.call(p.admin, 'POST', '/api/2/contacts', { ...full, firstname: '   ' }),
      400,
      'validation_failed',
      'firstname',
    );
    expectError(
      await t.call(p.admin, 'POST', '/api/2/contacts', { ...full, lastname: '' }),
      400,
      'validation_failed',
      'lastname',
    );
    expectError(
      await t.call(p.admin, 'POST', '/api/2/contacts', {
        types: ['billing'],
        firstname: 'a',
        lastname: 'b',
        email: 'c@example.test',
      }),
      400,
      'validation_failed',
      'tenant_id',
    );
  });

  it('refuses a bad email, naming email', async () => {
    for (const email of ['not-an-email', 'a@', '@example.test', 'two@@example.test', '']) {
      const res = await t.call(p.admin, 'POST', '/api/2/contacts', {
        tenant_id: p.customerId,
        types: ['billing'],
        firstname: 'B',
        lastname: 'E',
        email,
      });
      expectError(res, 400, 'validation_failed', 'email');
    }
  });

  it('limits names to 100, phone to 25, title to 100 and email to 254 characters', async () => {
    const local = 'l'.repeat(64);
    // 64 + '@' + 189 = 254 characters, with DNS labels of at most 63.
    const domain = `${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(56)}.test`;
    const email254 = `${local}@${domain}`;
    expect(email254).toHaveLength(254);
    const base = () => ({
      tenant_id: p.customerId,
      types: ['billing'],
      firstname: 'L',
      lastname: 'M',
      email: `${unique('long')}@example.test`,
    });
    const cases: [string, string][] = [
      ['firstname', 'f'.repeat(101)],
      ['lastname', 'l'.repeat(101)],
      ['phone', '1'.repeat(26)],
      ['title', 't'.repeat(101)],
      ['email', `x${email254}`],
    ];
    for (const [field, value] of cases) {
      expectError(
        await t.call(p.admin, 'POST', '/api/2/contacts', { ...base(), [field]: value }),
        400,
        'validation_failed',
        field,
      );
    }
    const max = await t.call(p.admin, 'POST', '/api/2/contacts', {
      ...base(),
      firstname: 'f'.repeat(100),
      lastname: 'l'.repeat(100),
      phone: '1'.repeat(25),
      title: 't'.repeat(100),
      email: email254,
    });
    expect(max.status, JSON.stringify(max.body)).toBe(201);
    expect(max.body).toMatchObject({
      firstname: 'f'.repeat(100),
      lastname: 'l'.repeat(100),
      phone: '1'.repeat(25),
      title: 't'.repeat(100),
      email: email254,
    });
  });

  it('refuses unknown fields, naming them', async () => {
    const res = await t.call(p.admin, 'POST', '/api/2/contacts', {
      tenant_id: p.customerId,
      types: ['billing'],
      firstname: 'U',
      lastname: 'K',
      email: `${unique('u')}@example.test`,
      nickname: 'G',
    });
    expectError(res, 400, 'validation_failed', 'nickname');
  });

  it('answers 409 contact_user_taken when the user is already a contact', async () => {
    const user = await createUser(p.admin, p.customerId);
    const first = await linkedContact(p.admin, p.customerId, user.id, ['billing']);
    const again = await t.call(p.admin, 'POST', '/api/2/contacts', {
      tenant_id: p.customerId,
      user_id: user.id,
      types: ['technical'],
    });
    expectError(again, 409, 'contact_user_taken', 'user_id');
    expect((await getContact(p.admin, first.id)).body.types).toEqual(['billing']);
  });

  it('answers 409 contact_email_taken for an email of another contact of the tenant, case-insensitively', async () => {
    const tenant = await createTenant(p.admin, p.partnerId);
    const email = `${unique('taken')}@example.test`;
    await newContact(p.admin, tenant, { email });
    const dup = await t.call(p.admin, 'POST', '/api/2/contacts', {
      tenant_id: tenant,
      types: ['technical'],
      firstname: 'D',
      lastname: 'Up',
      email: email.toUpperCase(),
    });
    expectError(dup, 409, 'contact_email_taken', 'email');
    // A user with that address cannot become a second contact for it either.
    const user = await createUser(p.admin, tenant, { email: email.replace('taken', 'TAKEN') });
    expectError(
      await t.call(p.admin, 'POST', '/api/2/contacts', { tenant_id: tenant, user_id: user.id, types: ['billing'] }),
      409,
      'contact_email_taken',
      'email',
    );
    expect((await t.call(p.admin, 'GET', `/api/2/tenants/${tenant}/contacts`)).body.items).toHaveLength(1);
  });

  it("counts a linked user's address as the contact's email", async () => {
    const tenant = await createTenant(p.admin, p.partnerId);
    const user = await createUser(p.admin, tenant);
    await linkedContact(p.admin, tenant, user.id);
    const dup = await t.call(p.admin, 'POST', '/api/2/contacts', {
      tenant_id: tenant,
      types: ['billing'],
      firstname: 'S',
      lastname: 'Ame',
      email: user.contact.email.toUpperCase(),
    });
    expectError(dup, 409, 'contact_email_taken', 'email');
  });

  it('keeps the rules under concurrent creates: one email, one user, one contact', async () => {
    const tenant = await createTenant(p.admin, p.partnerId);
    const email = `${unique('race')}@example.test`;
    const sameEmail = await Promise.all(
      [1, 2, 3].map((n) =>
        t.call(n === 2 ? p.client : p.admin, 'POST', '/api/2/contacts', {
          tenant_id: tenant,
          types: ['billing'],
          firstname: `R${n}`,
          lastname: 'Ace',
          email: n === 3 ? email.toUpperCase() : email,
        }),
      ),
    );
    expect(sameEmail.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    for (const r of sameEmail.filter((x) => x.status === 409)) expectError(r, 409, 'contact_email_taken', 'email');
    const user = await createUser(p.admin, tenant);
    const sameUser = await Promise.all(
      [['billing'], ['technical']].map((types) =>
        t.call(p.admin, 'POST', '/api/2/contacts', { tenant_id: tenant, user_id: user.id, types }),
      ),
    );
    expect(sameUser.map((r) => r.status).sort()).toEqual([201, 409]);
    expectError(
      sameUser.find((r) => r.status === 409)!,
      409,
      'contact_user_taken',
      'user_id',
    );
    expect((await t.call(p.admin, 'GET', `/api/2/tenants/${tenant}/contacts`)).body.items).toHaveLength(2);
  });

  it('allows the same email in another tenant', async () => {
    const email = `${unique('shared')}@example.test`;
    const a = await newContact(p.admin, p.customerId, { email });
    const b = await newContact(p.admin, p.partnerId, { email });
    const c = await newContact(other.admin, other.customerId, { email: email.toUpperCase() });
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
  });

  it('answers 400 naming user_id for a user of another tenant, of another partner, or no user', async () => {
    const partnerUser = await createUser(p.admin, p.partnerId);
    const otherUser = await createUser(other.admin, other.customerId);
    for (const userId of [partnerUser.id, otherUser.id, randomUUID()]) {
      const res = await t.call(p.admin, 'POST', '/api/2/contacts', {
        tenant_id: p.customerId,
        user_id: userId,
        types: ['billing'],
      });
      expectError(res, 400, 'validation_failed', 'user_id');
    }
    expect((await t.call(p.admin, 'GET', `/api/2/users/${partnerUser.id}`)).body.contact.types).toEqual([]);
    expect((await t.call(other.admin, 'GET', `/api/2/users/${otherUser.id}`)).body.contact.types).toEqual([]);
  });

  it("lets a partner admin, its API client and the customer's admin create; the read-only admin gets 403 1002", async () => {
    for (const actor of [p.admin, p.client, p.customerAdmin]) await newContact(actor, p.customerId);
    const before = await contactCount();
    const ro = await t.call(p.readonly, 'POST', '/api/2/contacts', {
      tenant_id: p.customerId,
      types: ['billing'],
      firstname: 'R',
      lastname: 'O',
      email: `${unique('ro')}@example.test`,
    });
    expectError(ro, 403, 1002);
    expect(await contactCount()).toBe(before);
  });

  it('answers 404 for a tenant of another partner, above the caller, or unknown', async () => {
    const before = await contactCount();
    const body = (tenantId: string) => ({
      tenant_id: tenantId,
      types: ['billing'],
      firstname: 'I',
      lastname: 'N',
      email: `${unique('in')}@example.test`,
    });
    expectError(await t.call(other.admin, 'POST', '/api/2/contacts', body(p.customerId)), 404, 1005);
    expectError(await t.call(other.client, 'POST', '/api/2/contacts', body(p.partnerId)), 404, 1005);
    expectError(await t.call(p.customerAdmin, 'POST', '/api/2/contacts', body(p.partnerId)), 404, 1005);
    expectError(await t.call(p.admin, 'POST', '/api/2/contacts', body(randomUUID())), 404, 1005);
    // The other partner's user cannot be linked through its own tenant into ours either.
    expectError(
      await t.call(other.admin, 'POST', '/api/2/contacts', {
        tenant_id: p.customerId,
        user_id: p.customerAdmin.userId,
        types: ['billing'],
      }),
      404,
      1005,
    );
    expect(await contactCount()).toBe(before);
  });
});

describe('reading contacts', () => {
  let tenant: string;
  let billing: any;
  let tech: any;
  let both: any;
  let linked: any;
  beforeAll(async () => {
    tenant = await createTenant(p.admin, p.partnerId);
    billing = await newContact(p.admin, tenant, { types: ['billing'], lastname: 'Alpha' });
    tech = await newContact(p.admin, tenant, { types: ['technical'], lastname: 'Delta' });
    both = await newContact(p.admin, tenant, { types: ['billing', 'management'], lastname: 'Charlie' });
    const user = await createUser(p.admin, tenant, { lastname: 'Bravo' });
    linked = await linkedContact(p.admin, tenant, user.id, ['technical', 'billing']);
  });

  it('GET /tenants/{id}/contacts answers the ids, sorted by name', async () => {
    const res = await t.call(p.admin, 'GET', `/api/2/tenants/${tenant}/contacts`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [billing.id, linked.id, both.id, tech.id] });
    expect((await t.call(p.admin, 'GET', `/api/2/tenants/${p.customerId}/contacts`)).body.items).not.toContain(
      billing.id,
    );
  });

  it('GET /tenants/{id}/contacts answers 404 to another partner and for an unknown tenant', async () => {
    expectError(await t.call(other.admin, 'GET', `/api/2/tenants/${tenant}/contacts`), 404, 1005);
    expectError(await t.call(other.client, 'GET', `/api/2/tenants/${tenant}/contacts`), 404, 1005);
    expectError(await t.call(p.admin, 'GET', `/api/2/tenants/${randomUUID()}/contacts`), 404, 1005);
  });

  it("GET /contacts?uuids= answers the objects; ids outside the caller's scope are left out", async () => {
    const res = await t.call(p.admin, 'GET', `/api/2/contacts?uuids=${billing.id},${linked.id}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(2);
    const byId = new Map(res.body.items.map((c: any) => [c.id, c]));
    expect(byId.get(billing.id)).toEqual(billing);
    expect(byId.get(linked.id)).toEqual(linked);
    const outsider = await t.call(other.admin, 'GET', `/api/2/contacts?uuids=${billing.id},${linked.id}`);
    expect(outsider.status).toBe(200);
    expect(outsider.body.items).toEqual([]);
    expectError(await t.call(p.admin, 'GET', '/api/2/contacts?uuids=not-a-uuid'), 400, 'validation_failed', 'uuids');
  });

  it("GET /contacts?tenant_id= lists the tenant's contacts, filtered by types (any of)", async () => {
    const all = await t.call(p.admin, 'GET', `/api/2/contacts?tenant_id=${tenant}`);
    expect(all.status).toBe(200);
    expect(all.body.items.map((c: any) => c.id).sort()).toEqual([billing.id, tech.id, both.id, linked.id].sort());
    const ofBilling = await t.call(p.admin, 'GET', `/api/2/contacts?tenant_id=${tenant}&types=billing`);
    expect(ofBilling.body.items.map((c: any) => c.id).sort()).toEqual([billing.id, both.id, linked.id].sort());
    const ofManagement = await t.call(p.admin, 'GET', `/api/2/contacts?tenant_id=${tenant}&types=management`);
    expect(ofManagement.body.items.map((c: any) => c.id)).toEqual([both.id]);
    const ofEither = await t.call(p.admin, 'GET', `/api/2/contacts?tenant_id=${tenant}&types=technical,management`);
    expect(ofEither.body.items.map((c: any) => c.id).sort()).toEqual([tech.id, both.id, linked.id].sort());
    expectError(
      await t.call(p.admin, 'GET', `/api/2/contacts?tenant_id=${tenant}&types=sales`),
      400,
      'validation_failed',
      'types',
    );
  });

  it('pages with limit and after, keeping the filter', async () => {
    const seen: string[] = [];
    let url = `/api/2/contacts?tenant_id=${tenant}&types=billing&limit=1`;
    for (let i = 0; i < 10; i++) {
      const res = await t.call(p.admin, 'GET', url);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...res.body.items.map((c: any) => c.id));
      const after = res.body.paging.cursors.after;
      if (!after) break;
      url = `/api/2/contacts?limit=1&after=${encodeURIComponent(after)}`;
    }
    expect(seen).toHaveLength(3);
    expect([...seen].sort()).toEqual([billing.id, both.id, linked.id].sort());
    expectError(await t.call(p.admin, 'GET', '/api/2/contacts?after=garbage'), 400, 'validation_failed', 'after');
    const forged = Buffer.from(JSON.stringify({ tenantId: tenant, types: 'sales', afterId: billing.id })).toString(
      'base64url',
    );
    expectError(await t.call(p.admin, 'GET', `/api/2/contacts?after=${forged}`), 400, 'validation_failed', 'after');
    const forgeries = [
      { tenantId: tenant, types: 7, afterId: billing.id },
      { tenantId: null, afterId: billing.id },
      { afterId: billing.id },
      { tenantId: tenant, ids: [billing.id], afterId: billing.id },
      { tenantId: tenant },
      { tenantId: 'x', afterId: billing.id },
    ];
    for (const state of forgeries) {
      const after = Buffer.from(JSON.stringify(state)).toString('base64url');
      expectError(await t.call(p.admin, 'GET', `/api/2/contacts?after=${after}`), 400, 'validation_failed', 'after');
    }
  });

  it('pages a batch read by uuids too', async () => {
    const wanted = [billing.id, tech.id, both.id];
    const first = await t.call(p.admin, 'GET', `/api/2/contacts?uuids=${wanted.join(',')}&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    const after = first.body.paging.cursors.after;
    expect(typeof after).toBe('string');
    const second = await t.call(p.admin, 'GET', `/api/2/contacts?limit=2&after=${encodeURIComponent(after)}`);
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.paging.cursors.after).toBeUndefined();
    expect([...first.body.items, ...second.body.items].map((c: any) => c.id).sort()).toEqual([...wanted].sort());
  });

  it('needs exactly one of uuids and tenant_id', async () => {
    expectError(await t.call(p.admin, 'GET', '/api/2/contacts'), 400, 'validation_failed', 'uuids');
    expectError(await t.call(p.admin, 'GET', '/api/2/contacts'), 400, 'validation_failed', 'tenant_id');
    expectError(
      await t.call(p.admin, 'GET', `/api/2/contacts?uuids=${billing.id}&tenant_id=${tenant}`),
      400,
      'validation_failed',
      'tenant_id',
    );
  });

  it("GET /contacts?tenant_id= of another partner's tenant answers 404", async () => {
    expectError(await t.call(other.admin, 'GET', `/api/2/contacts?tenant_id=${tenant}`), 404, 1005);
  });

  it("GET /contacts/{id} answers 404 to another partner, to a customer admin for its partner's contact, and for an unknown id", async () => {
    expectError(await getContact(other.admin, billing.id), 404, 'not_found');
    expectError(await getContact(other.client, linked.id), 404, 'not_found');
    expectError(await getContact(p.customerAdmin, billing.id), 404, 'not_found');
    expectError(await getContact(p.admin, randomUUID()), 404, 'not_found');
    expect((await getContact(p.readonly, billing.id)).status).toBe(200);
  });

  it('GET /tenants?uuids=X&with_contacts=true embeds the contacts', async () => {
    const res = await t.call(p.admin, 'GET', `/api/2/tenants?uuids=${tenant},${p.customerId}&with_contacts=true`);
    expect(res.status).toBe(200);
    const mine = res.body.items.find((x: any) => x.id === tenant);
    expect(mine.contacts).toHaveLength(4);
    const byId = new Map(mine.contacts.map((c: any) => [c.id, c]));
    expect(byId.get(billing.id)).toEqual(billing);
    expect(byId.get(linked.id)).toEqual(linked);
    const without = await t.call(p.admin, 'GET', `/api/2/tenants?uuids=${tenant}`);
    expect(without.body.items[0].contacts).toEqual([]);
    const outsider = await t.call(other.admin, 'GET', `/api/2/tenants?uuids=${tenant}&with_contacts=true`);
    expect(outsider.body.items).toEqual([]);
  });
});

describe('PUT /contacts/{id}', () => {
  it('changes the types with the version read; a stale version answers 409 1001 and changes nothing', async () => {
    const contact = await newContact(p.admin, p.customerId, { types: ['billing'] });
    const res = await putContact(p.admin, contact.id, {
      version: contact.version,
      types: ['technical', 'management', 'technical'],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      types: ['management', 'technical'],
      version: contact.version + 1,
      firstname: contact.firstname,
      email: contact.email,
    });
    expect((await getContact(p.admin, contact.id)).body).toEqual(res.body);
    const stale = await putContact(p.admin, contact.id, { version: contact.version, types: ['billing'] });
    expectError(stale, 409, 1001);
    expect((await getContact(p.admin, contact.id)).body).toEqual(res.body);
    // Established clients send the version as a string.
    const asString = await putContact(p.admin, contact.id, { version: String(res.body.version), types: ['billing'] });
    expect(asString.status, JSON.stringify(asString.body)).toBe(200);
    expect(asString.body.types).toEqual(['billing']);
  });

  it('refuses empty or unknown types, unknown fields, over-long fields and a missing version', async () => {
    const contact = await newContact(p.admin, p.customerId);
    expectInvalid(await putContact(p.admin, contact.id, { version: contact.version, types: [] }), 'types');
    expectInvalid(await putContact(p.admin, contact.id, { version: contact.version, types: ['sales'] }), 'types');
    expectError(
      await putContact(p.admin, contact.id, { version: contact.version, user_id: randomUUID() }),
      400,
      'validation_failed',
      'user_id',
    );
    expectError(
      await putContact(p.admin, contact.id, { version: contact.version, phone: '9'.repeat(51) }),
      400,
      'validation_failed',
      'phone',
    );
    expectError(
      await putContact(p.admin, contact.id, { version: contact.version, firstname: '' }),
      400,
      'validation_failed',
      'firstname',
    );
    expectError(
      await putContact(p.admin, contact.id, { version: contact.version, email: 'nope' }),
      400,
      'validation_failed',
      'email',
    );
    expectError(await putContact(p.admin, contact.id, { types: ['technical'] }), 400, 'validation_failed', 'version');
    expect((await getContact(p.admin, contact.id)).body).toEqual(contact);
  });

  it("changes a standalone contact's fields, and its email at once, resetting validation_state", async () => {
    const contact = await newContact(p.admin, p.customerId, { phone: '1', title: 'Old' });
    await t.db.updateTable('contacts').set({ validation_state: 'invalid' }).where('id', '=', contact.id).execute();
    expect((await getContact(p.admin, contact.id)).body.validation_state).toBe('invalid');
    // A change of other fields leaves the bounce mark in place.
    const renamed = await putContact(p.admin, contact.id, {
      version: contact.version,
      firstname: ' Anita ',
      lastname: 'Borg',
      phone: null,
      title: 'Founder',
      language: 'it',
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body).toMatchObject({
      firstname: 'Anita',
      lastname: 'Borg',
      phone: null,
      title: 'Founder',
      language: 'it',
      validation_state: 'invalid',
      email: contact.email,
    });
    const email = `${unique('anita')}@example.test`;
    const moved = await putContact(p.admin, contact.id, { version: renamed.body.version, email });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      email,
      pending_email: null,
      validation_state: 'valid',
      version: renamed.body.version + 1,
    });
    expect((await getContact(p.admin, contact.id)).body).toEqual(moved.body);
    const outbox = await t.db.selectFrom('mail_outbox').select('id').where('to_address', '=', email).execute();
    expect(outbox).toEqual([]);
  });

  it("refuses a standalone contact's email already used by another contact of the tenant (409)", async () => {
    const tenant = await createTenant(p.admin, p.partnerId);
    const a = await newContact(p.admin, tenant);
    const b = await newContact(p.admin, tenant);
    const user = await createUser(p.admin, tenant);
    await linkedContact(p.admin, tenant, user.id);
    expectError(
      await putContact(p.admin, b.id, { version: b.version, email: a.email.toUpperCase() }),
      409,
      'contact_email_taken',
      'email',
    );
    expectError(
      await putContact(p.admin, b.id, { version: b.version, email: user.contact.email }),
      409,
      'contact_email_taken',
      'email',
    );
    expect((await getContact(p.admin, b.id)).body).toEqual(b);
    // Its own address in other letters is no conflict.
    const recased = await putContact(p.admin, a.id, { version: a.version, email: a.email.toUpperCase() });
    expect(recased.status, JSON.stringify(recased.body)).toBe(200);
    expect(recased.body.email).toBe(a.email.toUpperCase());
  });

  it("writes a linked contact's name, phone and title to the user", async () => {
    const user = await createUser(p.admin, p.customerId, { phone: '0', title: 'Intern' });
    const contact = await linkedContact(p.admin, p.customerId, user.id, ['billing']);
    const res = await putContact(p.admin, contact.id, {
      version: contact.version,
      firstname: 'Barbara',
      lastname: 'Liskov',
      phone: '+1 617',
      title: 'Professor',
      types: ['technical'],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      firstname: 'Barbara',
      lastname: 'Liskov',
      phone: '+1 617',
      title: 'Professor',
      types: ['technical'],
      email: user.contact.email,
      version: contact.version + 1,
    });
    const read = await t.call(p.admin, 'GET', `/api/2/users/${user.id}`);
    expect(read.body.contact).toMatchObject({
      firstname: 'Barbara',
      lastname: 'Liskov',
      phone: '+1 617',
      title: 'Professor',
      types: ['technical'],
      email: user.contact.email,
    });
    expect(read.body.version).toBeGreaterThan(user.version);
    expect((await getContact(p.customerAdmin, contact.id)).body).toEqual(res.body);
    // The other way round: a change of the user shows through the contact and moves its version.
    const viaUser = await t.call(p.admin, 'PUT', `/api/2/users/${user.id}`, {
      version: read.body.version,
      contact: { title: 'Emerita' },
    });
    expect(viaUser.status, JSON.stringify(viaUser.body)).toBe(200);
    const shown = (await getContact(p.admin, contact.id)).body;
    expect(shown.title).toBe('Emerita');
    expect(shown.version).toBeGreaterThan(res.body.version);
  });

  it('changes the email of a linked contact at once when its user is not activated', async () => {
    const user = await createUser(p.admin, p.customerId);
    const contact = await linkedContact(p.admin, p.customerId, user.id);
    await t.db.updateTable('contacts').set({ validation_state: 'invalid' }).where('id', '=', contact.id).execute();
    const email = `${unique('fresh')}@example.test`;
    const res = await putContact(p.admin, contact.id, { version: contact.version, email });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ email, pending_email: null, validation_state: 'valid' });
    const read = await t.call(p.admin, 'GET', `/api/2/users/${user.id}`);
    expect(read.body.contact.email).toBe(email);
    expect(read.body.activated).toBe(false);
    expect(
      await t.db
        .selectFrom('mail_outbox')
        .select('id')
        .where('to_address', 'in', [email, user.contact.email])
        .execute(),
    ).toEqual([]);
  });

  it("keeps an activated user's email until it is confirmed (pending_email)", async () => {
    const user = await createUser(p.admin, p.customerId);
    await setPassword(t.db, user.login, 'pw-activated-user');
    const contact = await linkedContact(p.admin, p.customerId, user.id);
    const email = `${unique('pending')}@example.test`;
    const res = await putContact(p.admin, contact.id, { version: contact.version, email });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ email: user.contact.email, pending_email: email });
    expect((await t.call(p.admin, 'GET', `/api/2/users/${user.id}`)).body.contact.email).toBe(user.contact.email);
  });

  it('refuses the read-only admin (403 1002) and another partner (404)', async () => {
    const contact = await newContact(p.admin, p.customerId);
    expectError(
      await putContact(p.readonly, contact.id, { version: contact.version, types: ['technical'] }),
      403,
      1002,
    );
    expectError(
      await putContact(other.admin, contact.id, { version: contact.version, types: ['technical'] }),
      404,
      'not_found',
    );
    expectError(
      await putContact(other.client, contact.id, { version: contact.version, types: ['technical'] }),
      404,
      'not_found',
    );
    expectError(await putContact(p.admin, randomUUID(), { version: 1, types: ['technical'] }), 404, 'not_found');
    expect((await getContact(p.admin, contact.id)).body).toEqual(contact);
  });

  it("a partner's edit of its customer's contact is what the customer's admin sees at once", async () => {
    const contact = await newContact(p.customerAdmin, p.customerId, { types: ['billing'] });
    const edited = await putContact(p.admin, contact.id, {
      version: contact.version,
      title: 'Head of finance',
      types: ['billing', 'management'],
    });
    expect(edited.status).toBe(200);
    const seen = await getContact(p.customerAdmin, contact.id);
    expect(seen.body).toEqual(edited.body);
    expect(seen.body.version).toBe(contact.version + 1);
    expect((await t.call(p.customerAdmin, 'GET', `/api/2/tenants/${p.customerId}/contacts`)).body.items).toContain(
      contact.id,
    );
    // And back: the customer's admin edits with the version it read; the partner sees that.
    const back = await putContact(p.customerAdmin, contact.id, { version: seen.body.version, phone: '+39 06 1' });
    expect(back.status).toBe(200);
    expect((await getContact(p.client, contact.id)).body).toEqual(back.body);
  });
});

describe('DELETE /contacts/{id}', () => {
  it('deletes with the version read (204); a stale or missing version is refused', async () => {
    const contact = await newContact(p.admin, p.customerId);
    expectError(await delContact(p.admin, contact.id, contact.version + 1), 409, 1001);
    expectError(await t.call(p.admin, 'DELETE', `/api/2/contacts/${contact.id}`), 400, 'validation_failed', 'version');
    expectError(await delContact(p.readonly, contact.id, contact.version), 403, 1002);
    expectError(await delContact(other.admin, contact.id, contact.version), 404, 'not_found');
    expect((await getContact(p.admin, contact.id)).status).toBe(200);
    const res = await delContact(p.admin, contact.id, contact.version);
    expect(res.status).toBe(204);
    expect(res.body).toBe('');
    expectError(await getContact(p.admin, contact.id), 404, 'not_found');
    expect((await t.call(p.admin, 'GET', `/api/2/tenants/${p.customerId}/contacts`)).body.items).not.toContain(
      contact.id,
    );
    expectError(await delContact(p.admin, contact.id, contact.version), 404, 'not_found');
  });

  it('deleting a linked contact keeps the user, with contact.types == []; the user can become a contact again', async () => {
    const user = await createUser(p.admin, p.customerId);
    const contact = await linkedContact(p.admin, p.customerId, user.id, ['billing', 'technical']);
    expect((await t.call(p.admin, 'GET', `/api/2/users/${user.id}`)).body.contact.types).toEqual([
      'billing',
      'technical',
    ]);
    expect((await delContact(p.admin, contact.id, contact.version)).status).toBe(204);
    const read = await t.call(p.admin, 'GET', `/api/2/users/${user.id}`);
    expect(read.status).toBe(200);
    expect(read.body.contact).toMatchObject({
      types: [],
      email: user.contact.email,
      firstname: user.contact.firstname,
    });
    const again = await linkedContact(p.admin, p.customerId, user.id, ['management']);
    expect(again.id).not.toBe(contact.id);
  });

  it('deleting a user removes its contact', async () => {
    const user = await createUser(p.admin, p.customerId);
    const contact = await linkedContact(p.admin, p.customerId, user.id);
    const current = (await t.call(p.admin, 'GET', `/api/2/users/${user.id}`)).body;
    expect((await t.call(p.admin, 'DELETE', `/api/2/users/${user.id}?version=${current.version}`)).status).toBe(204);
    expectError(await getContact(p.admin, contact.id), 404, 'not_found');
    expect((await t.call(p.admin, 'GET', `/api/2/tenants/${p.customerId}/contacts`)).body.items).not.toContain(
      contact.id,
    );
  });

  it('deleting a tenant removes its contacts', async () => {
    const tenant = await createTenant(p.admin, p.partnerId);
    const standalone = await newContact(p.admin, tenant);
    const user = await createUser(p.admin, tenant);
    const linked = await linkedContact(p.admin, tenant, user.id);
    const read = (await t.call(p.admin, 'GET', `/api/2/tenants/${tenant}`)).body;
    const disabled = await t.call(p.admin, 'PUT', `/api/2/tenants/${tenant}`, {
      version: read.version,
      enabled: false,
    });
    expect(disabled.status).toBe(200);
    expect((await t.call(p.admin, 'DELETE', `/api/2/tenants/${tenant}?version=${disabled.body.version}`)).status).toBe(
      204,
    );
    for (const id of [standalone.id, linked.id]) expectError(await getContact(p.admin, id), 404, 'not_found');
    const left = await t.db.selectFrom('contacts').select('id').where('tenant_id', '=', tenant).execute();
    expect(left).toEqual([]);
    // Its addresses are free again nowhere else to worry about: the partner can reuse them.
    await newContact(p.admin, p.partnerId, { email: standalone.email });
  });
});

describe('the Users list "Contact types" column', () => {
  let tenant: string;
  let users: Record<'none' | 'billingTech' | 'management', { id: string }>;
  let billingTechContact: any;
  let otherTechnical: any;
  beforeAll(async () => {
    tenant = await createTenant(p.admin, p.partnerId);
    users = {
      none: await createUser(p.admin, tenant),
      billingTech: await createUser(p.admin, tenant),
      management: await createUser(p.admin, tenant),
    };
    billingTechContact = await linkedContact(p.admin, tenant, users.billingTech.id, ['technical', 'billing']);
    await linkedContact(p.admin, tenant, users.management.id, ['management']);
    otherTechnical = await newContact(p.admin, tenant, { types: ['technical'] });
  });

  const list = (query: string) => t.call(p.admin, 'GET', `/api/2/users?tenant_id=${tenant}${query}`);
  const typesById = (items: any[]) => Object.fromEntries(items.map((u) => [u.id, u.contact.types]));

  /** Every page of `query` with limit=1, following the cursor. */
  async function walk(query: string) {
    const ids: string[] = [];
    let res = await list(`${query}&limit=1`);
    for (let i = 0; i < 10; i++) {
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      ids.push(...res.body.items.map((u: any) => u.id));
      const after = res.body.paging.cursors.after;
      if (!after) break;
      res = await t.call(p.admin, 'GET', `/api/2/users?limit=1&after=${encodeURIComponent(after)}`);
    }
    return ids;
  }

  it("shows each user's contact types, before and after deleting a linked contact", async () => {
    const res = await list('');
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(3);
    expect(typesById(res.body.items)).toEqual({
      [users.none.id]: [],
      [users.billingTech.id]: ['billing', 'technical'],
      [users.management.id]: ['management'],
    });

    const asc = (await list('&order=contact_types')).body.items.map((u: any) => u.id);
    expect(asc).toEqual([users.none.id, users.billingTech.id, users.management.id]);
    const desc = (await list('&order=-contact_types')).body.items.map((u: any) => u.id);
    expect(desc).toEqual([users.management.id, users.billingTech.id, users.none.id]);
    expect(await walk('&order=contact_types')).toEqual(asc);
    expect(await walk('&order=-contact_types')).toEqual(desc);

    // The first technical contact is the primary one: another takes it over before it goes.
    const moved = await t.call(p.admin, 'PUT', `/api/2/contacts/${otherTechnical.id}`, {
      version: otherTechnical.version,
      primary_types: ['technical'],
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const { version } = (await t.call(p.admin, 'GET', `/api/2/contacts/${billingTechContact.id}`)).body;
    expect((await delContact(p.admin, billingTechContact.id, version)).status).toBe(204);
    const after = await list('');
    expect(after.body.items).toHaveLength(3);
    expect(typesById(after.body.items)).toEqual({
      [users.none.id]: [],
      [users.billingTech.id]: [],
      [users.management.id]: ['management'],
    });
    const ascAfter = await walk('&order=contact_types');
    expect(ascAfter.slice(2)).toEqual([users.management.id]);
    expect(new Set(ascAfter.slice(0, 2))).toEqual(new Set([users.none.id, users.billingTech.id]));
    const descAfter = await walk('&order=-contact_types');
    expect(descAfter[0]).toBe(users.management.id);
    expect(descAfter).toHaveLength(3);
  });
});
