import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPartnerWorld,
  startTestApp,
  type Actor,
  type PartnerWorld,
  type TestApp,
} from '../../../test/support/test-app.js';
import { expectError } from '../../../test/support/expect-error.js';
import { phoneMaxLength, phonePattern } from '../../platform/http/phone.js';

// The established API's contact card (address, website, organization size, fax, …), the
// read-only email_confirmed, and the one phone rule for contacts and users.

let t: TestApp;
let p: PartnerWorld;
let other: PartnerWorld;
beforeAll(async () => {
  t = await startTestApp();
  p = await createPartnerWorld(t, 'Card');
  other = await createPartnerWorld(t, 'Elsewhere');
});
afterAll(() => t?.close());

let seq = 0;
const unique = (base: string) => `${base}-${++seq}`;

const card = {
  address1: 'Via Roma 1',
  address2: 'Scala B',
  city: 'Milano',
  state: 'MI',
  zipcode: '20121',
  country: 'IT',
  website: 'https://acme.example/it',
  industry: 'Manufacturing',
  organization_size: '101-500',
  fax: '+39 02 1234 5679',
};
const noCard = Object.fromEntries(Object.keys(card).map((k) => [k, null]));

async function newContact(actor: Actor, fields: Record<string, unknown> = {}) {
  const res = await t.call(actor, 'POST', '/api/2/contacts', {
    tenant_id: p.customerId,
    types: ['billing'],
    firstname: 'Grace',
    lastname: 'Hopper',
    email: `${unique('grace')}@example.test`,
    ...fields,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function createUser(contact: Record<string, unknown> = {}) {
  const login = unique('card-user');
  const res = await t.call(p.admin, 'POST', '/api/2/users', {
    tenant_id: p.customerId,
    login,
    contact: { email: `${login}@example.test`, firstname: 'Ada', lastname: 'Lovelace', ...contact },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { id: string; login: string; version: number; contact: { email: string } };
}

/** Every way an established client reads a contact: all must show the same object. */
async function expectEverywhere(actor: Actor, contact: Record<string, unknown>) {
  const id = contact.id as string;
  expect((await t.call(actor, 'GET', `/api/2/contacts/${id}`)).body).toEqual(contact);
  expect((await t.call(actor, 'GET', `/api/2/contacts?uuids=${id}`)).body.items).toEqual([contact]);
  const tenants = await t.call(actor, 'GET', `/api/2/tenants?uuids=${contact.tenant_id}&with_contacts=true`);
  expect(tenants.body.items[0].contacts.find((c: any) => c.id === id)).toEqual(contact);
}

/** The link of the last mail of this kind to `to`, as the person would open it. */
async function mailedToken(to: string, kind: string) {
  const mail = await t.db
    .selectFrom('mail_outbox')
    .select('text_body')
    .where('to_address', '=', to)
    .where('kind', '=', kind)
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow();
  return decodeURIComponent(/token=([^\s)]+)/.exec(mail.text_body)![1]);
}

describe('the contact card fields', () => {
  it('round-trip through POST, GET, ?uuids= and with_contacts; a new contact leaves them null', async () => {
    const plain = await newContact(p.admin);
    expect(plain).toMatchObject({ ...noCard, email_confirmed: false });
    const created = await newContact(p.admin, card);
    expect(created).toMatchObject({ ...card, email_confirmed: false });
    await expectEverywhere(p.admin, created);
    await expectEverywhere(p.customerAdmin, created);
  });

  it('PUT changes the fields sent, clears those sent as null and keeps the others', async () => {
    const created = await newContact(p.admin, card);
    const res = await t.call(p.admin, 'PUT', `/api/2/contacts/${created.id}`, {
      version: created.version,
      city: 'Torino',
      zipcode: '',
      website: null,
      organization_size: '5000+',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      ...card,
      city: 'Torino',
      zipcode: '',
      website: null,
      organization_size: '5000+',
      version: created.version + 1,
    });
    await expectEverywhere(p.client, res.body);
  });

  it("are the contact's own when it is linked to a user: set on POST and PUT, the user keeps its person fields", async () => {
    const user = await createUser({ phone: '+1 555 0100' });
    const res = await t.call(p.admin, 'POST', '/api/2/contacts', {
      tenant_id: p.customerId,
      user_id: user.id,
      types: ['technical'],
      ...card,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ ...card, phone: '+1 555 0100', email: user.contact.email });
    const put = await t.call(p.admin, 'PUT', `/api/2/contacts/${res.body.id}`, {
      version: res.body.version,
      fax: '+1 555 0199',
      industry: 'Retail',
      phone: '+1 555 0101',
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ ...card, fax: '+1 555 0199', industry: 'Retail', phone: '+1 555 0101' });
    await expectEverywhere(p.admin, put.body);
    const read = await t.call(p.admin, 'GET', `/api/2/users/${user.id}`);
    expect(read.body.contact).toMatchObject({ phone: '+1 555 0101' });
    // The user's own card is another one: the contact's fax is not the user's.
    expect(read.body.contact.fax).toBeNull();
  });

  it('are bounded and validated, naming the field, on POST and PUT; nothing is written', async () => {
    const target = await newContact(p.admin, card);
    const bad: [string, unknown][] = [
      ['address1', 'a'.repeat(256)],
      ['address2', 'a'.repeat(256)],
      ['city', 'c'.repeat(101)],
      ['state', 's'.repeat(101)],
      ['zipcode', '1'.repeat(21)],
      ['zipcode', '20121;'],
      ['country', 'I'],
      ['country', '1T'],
      ['country', 'x'.repeat(101)],
      ['website', 'acme.example'],
      ['website', 'javascript:alert(1)'],
      ['website', 'https://'],
      ['website', `https://a.example/${'p'.repeat(240)}`],
      ['industry', 'i'.repeat(101)],
      ['organization_size', '1-5'],
      ['organization_size', ''],
      ['organization_size', 100],
      ['fax', 'call me'],
      ['fax', '1'.repeat(26)],
      ['email_confirmed', true],
    ];
    for (const [field, value] of bad) {
      const created = await t.call(p.admin, 'POST', '/api/2/contacts', {
        tenant_id: p.customerId,
        types: ['billing'],
        firstname: 'B',
        lastname: 'C',
        email: `${unique('bad')}@example.test`,
        [field]: value,
      });
      expectError(created, 400, 'validation_failed', field);
      expectError(
        await t.call(p.admin, 'PUT', `/api/2/contacts/${target.id}`, { version: target.version, [field]: value }),
        400,
        'validation_failed',
        field,
      );
    }
    expect((await t.call(p.admin, 'GET', `/api/2/contacts/${target.id}`)).body).toEqual(target);
    // The longest accepted values and the names of countries, in any script.
    const max = await newContact(p.admin, {
      address1: 'a'.repeat(255),
      address2: 'b'.repeat(255),
      city: 'c'.repeat(100),
      state: 's'.repeat(100),
      zipcode: 'SW1A 1AA',
      country: "Côte d'Ivoire",
      website: 'http://acme.example',
      industry: 'i'.repeat(100),
      organization_size: '1-10',
      fax: '',
    });
    expect(max).toMatchObject({ address1: 'a'.repeat(255), country: "Côte d'Ivoire", zipcode: 'SW1A 1AA', fax: '' });
    for (const country of ['Italia', '日本', 'Bosnia & Herzegovina', 'Korea, Republic of', '']) {
      expect((await newContact(p.admin, { country })).country).toBe(country);
    }
  });

  it('another partner can neither read nor change them', async () => {
    const created = await newContact(p.admin, card);
    expectError(await t.call(other.admin, 'GET', `/api/2/contacts/${created.id}`), 404, 'not_found');
    expect((await t.call(other.client, 'GET', `/api/2/contacts?uuids=${created.id}`)).body.items).toEqual([]);
    expect(
      (await t.call(other.admin, 'GET', `/api/2/tenants?uuids=${p.customerId}&with_contacts=true`)).body.items,
    ).toEqual([]);
    for (const actor of [other.admin, other.client]) {
      expectError(
        await t.call(actor, 'PUT', `/api/2/contacts/${created.id}`, {
          version: created.version,
          city: 'Elsewhere',
          fax: '000',
        }),
        404,
        'not_found',
      );
    }
    expectError(
      await t.call(p.readonly, 'PUT', `/api/2/contacts/${created.id}`, { version: created.version, city: 'Elsewhere' }),
      403,
      1002,
    );
    await expectEverywhere(p.admin, created);
  });
});

describe('email_confirmed', () => {
  it('is false for a new contact and for a user that has not activated its account', async () => {
    expect((await newContact(p.admin)).email_confirmed).toBe(false);
    const user = await createUser();
    const linked = await t.call(p.admin, 'POST', '/api/2/contacts', {
      tenant_id: p.customerId,
      user_id: user.id,
      types: ['billing'],
    });
    expect(linked.body.email_confirmed).toBe(false);
    // Changing a not-activated user's address proves nothing either.
    const changed = await t.call(p.admin, 'PUT', `/api/2/contacts/${linked.body.id}`, {
      version: linked.body.version,
      email: `${unique('moved')}@example.test`,
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.email_confirmed).toBe(false);
  });

  it('turns true once the user activates through the mailed link, and stays true across a confirmed change', async () => {
    const user = await createUser();
    const linked = (
      await t.call(p.admin, 'POST', '/api/2/contacts', {
        tenant_id: p.customerId,
        user_id: user.id,
        types: ['billing'],
      })
    ).body;
    expect(linked.email_confirmed).toBe(false);
    expect((await t.call(p.admin, 'POST', `/api/2/users/${user.id}/send-activation-email`)).status).toBe(204);
    const activated = await t.call(undefined, 'POST', '/api/2/users/activate', {
      token: await mailedToken(user.contact.email, 'activation'),
      password: 'a-long-password',
    });
    expect(activated.status, JSON.stringify(activated.body)).toBe(200);
    const confirmed = (await t.call(p.admin, 'GET', `/api/2/contacts/${linked.id}`)).body;
    expect(confirmed.email_confirmed).toBe(true);
    await expectEverywhere(p.admin, confirmed);

    // A change waits for the new address: the current one stays the confirmed one.
    const newEmail = `${unique('confirmed')}@example.test`;
    const pending = await t.call(p.admin, 'PUT', `/api/2/contacts/${linked.id}`, {
      version: confirmed.version,
      email: newEmail,
    });
    expect(pending.body).toMatchObject({ email: user.contact.email, pending_email: newEmail, email_confirmed: true });
    expect(
      (
        await t.call(undefined, 'POST', '/api/2/email-confirmations', {
          token: await mailedToken(newEmail, 'email_change_confirmation'),
        })
      ).status,
    ).toBe(200);
    expect((await t.call(p.admin, 'GET', `/api/2/contacts/${linked.id}`)).body).toMatchObject({
      email: newEmail,
      pending_email: null,
      email_confirmed: true,
    });
  });

  it('is read-only: a body carrying it is refused, naming it', async () => {
    const contact = await newContact(p.admin);
    expectError(
      await t.call(p.admin, 'PUT', `/api/2/contacts/${contact.id}`, {
        version: contact.version,
        email_confirmed: true,
      }),
      400,
      'validation_failed',
      'email_confirmed',
    );
    expect((await t.call(p.admin, 'GET', `/api/2/contacts/${contact.id}`)).body.email_confirmed).toBe(false);
  });
});

describe('phone and fax numbers', () => {
  const good = [
    '+39 02 1234 5678',
    '(555) 123-4567',
    '555.123.4567',
    '+1 555 0100 x12',
    '+1 555 0100 ext. 12',
    '02 555 Ext 1',
    '7',
    '',
  ];
  const bad = [
    'call me',
    '+',
    '()',
    'x123',
    'ext. 12',
    '555 0100 x',
    '555 0100 x1234567',
    '555;0100',
    '555\n0100',
    '555\t0100',
    '１２３',
    '1'.repeat(26),
  ];

  it('the shared rule takes what a number holds and nothing else', () => {
    const rule = new RegExp(phonePattern, 'u');
    for (const value of good) expect(rule.test(value) && value.length <= phoneMaxLength, value).toBe(true);
    for (const value of bad) expect(rule.test(value) && value.length <= phoneMaxLength, value).toBe(false);
    // The console's pattern attribute compiles it with the v flag.
    expect(new RegExp(phonePattern, 'v').test('+39 (02) 555-1.2 x9')).toBe(true);
  });

  it("a contact's phone and fax: 400 naming the field for anything else, on POST and PUT", async () => {
    const target = await newContact(p.admin);
    for (const value of bad) {
      for (const field of ['phone', 'fax']) {
        const res = await t.call(p.admin, 'POST', '/api/2/contacts', {
          tenant_id: p.customerId,
          types: ['billing'],
          firstname: 'P',
          lastname: 'N',
          email: `${unique('phone')}@example.test`,
          [field]: value,
        });
        expectError(res, 400, 'validation_failed', field);
        expectError(
          await t.call(p.admin, 'PUT', `/api/2/contacts/${target.id}`, { version: target.version, [field]: value }),
          400,
          'validation_failed',
          field,
        );
      }
    }
    for (const value of good)
      expect(await newContact(p.admin, { phone: value, fax: value })).toMatchObject({ phone: value, fax: value });
    expect((await t.call(p.admin, 'GET', `/api/2/contacts/${target.id}`)).body).toEqual(target);
  });

  it("a user's contact phone: 400 naming contact.phone on POST and PUT /users", async () => {
    const user = await createUser();
    for (const value of bad) {
      const login = unique('phone-user');
      const created = await t.call(p.admin, 'POST', '/api/2/users', {
        tenant_id: p.customerId,
        login,
        contact: { email: `${login}@example.test`, phone: value },
      });
      expectError(created, 400, 'validation_failed', 'contact.phone');
      expectError(
        await t.call(p.admin, 'PUT', `/api/2/users/${user.id}`, { version: user.version, contact: { phone: value } }),
        400,
        'validation_failed',
        'contact.phone',
      );
    }
    const ok = await t.call(p.admin, 'PUT', `/api/2/users/${user.id}`, {
      version: user.version,
      contact: { phone: '+39 02 555 ext. 12' },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.contact.phone).toBe('+39 02 555 ext. 12');
  });
});
