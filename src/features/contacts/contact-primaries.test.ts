/** One primary contact per type a tenant has contacts of: taken by the first, moved, never dropped while others remain. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartnerWorld, startTestApp, type PartnerWorld, type TestApp } from '../../../test/support/test-app.js';
import { createContact, createTenant, createUser, expectStatus } from '../../../test/support/factories.js';
import { expectError } from '../../../test/support/expect-error.js';

let t: TestApp;
let p: PartnerWorld;
let other: PartnerWorld;
beforeAll(async () => {
  t = await startTestApp();
  p = await createPartnerWorld(t, 'Primaries');
  other = await createPartnerWorld(t, 'Elsewhere');
});
afterAll(() => t?.close());

const read = async (id: string) => expectStatus(await t.call(p.admin, 'GET', `/api/2/contacts/${id}`), 200, 'read');
const primariesOf = async (ids: string[]) =>
  Object.fromEntries(await Promise.all(ids.map(async (id) => [id, (await read(id)).primary_types])));
const newTenant = async () => (await createTenant(t, { parentId: p.partnerId, as: p.admin })).id;
const contact = (tenantId: string, types: string[], fields?: Record<string, unknown>) =>
  createContact(t, { tenantId, types, as: p.admin, fields });

describe('primary contacts', () => {
  it('makes the first contact of each type its primary; later ones are not', async () => {
    const tenant = await newTenant();
    const a = await contact(tenant, ['billing']);
    const b = await contact(tenant, ['billing', 'technical']);
    const c = await contact(tenant, ['technical', 'management']);
    expect(await primariesOf([a.id, b.id, c.id])).toEqual({
      [a.id]: ['billing'],
      [b.id]: ['technical'],
      [c.id]: ['management'],
    });
  });

  it('moves the primary in one PUT (the former one changes version, in the audit trail) or on create', async () => {
    const tenant = await newTenant();
    const a = await contact(tenant, ['billing']);
    const b = await contact(tenant, ['billing']);
    const moved = expectStatus(
      await t.call(p.admin, 'PUT', `/api/2/contacts/${b.id}`, {
        version: String(b.version),
        primary_types: ['billing'],
      }),
      200,
      'move',
    );
    expect(moved.primary_types).toEqual(['billing']);
    const formerly = await read(a.id);
    expect(formerly).toMatchObject({ primary_types: [], version: a.version + 1 });
    const trail = expectStatus(
      await t.call(p.admin, 'GET', `/api/2/audit?tenant_id=${tenant}&object_id=${a.id}`),
      200,
      'audit',
    );
    expect(trail.items[0]).toMatchObject({ action: 'update', object_id: a.id });
    // A new contact may take it over at once.
    const c = await contact(tenant, ['billing', 'management'], { primary_types: ['billing'] });
    expect(await primariesOf([a.id, b.id, c.id])).toEqual({
      [a.id]: [],
      [b.id]: [],
      [c.id]: ['billing', 'management'],
    });
  });

  it('refuses to drop the primary while others of the type remain, naming the type; the last one may go', async () => {
    const tenant = await newTenant();
    const a = await contact(tenant, ['billing', 'technical']);
    const b = await contact(tenant, ['billing']);
    const drop = await t.call(p.admin, 'PUT', `/api/2/contacts/${a.id}`, { version: a.version, types: ['technical'] });
    expectError(drop, 409, 'primary_contact_required', 'primary_types');
    expect(drop.body.error.context).toEqual({ type: 'billing' });
    expect(drop.body.error.message).toContain('make one of them primary first');
    const giveUp = await t.call(p.admin, 'PUT', `/api/2/contacts/${a.id}`, { version: a.version, primary_types: [] });
    expectError(giveUp, 409, 'primary_contact_required');
    expectError(
      await t.call(p.admin, 'DELETE', `/api/2/contacts/${a.id}?version=${a.version}`),
      409,
      'primary_contact_required',
    );
    expect(await primariesOf([a.id, b.id])).toEqual({ [a.id]: ['billing', 'technical'], [b.id]: [] });
    // Not primary: b goes freely. Then a is the last billing contact: it may drop the type, and go.
    expect((await t.call(p.admin, 'DELETE', `/api/2/contacts/${b.id}?version=${b.version}`)).status).toBe(204);
    const dropped = expectStatus(
      await t.call(p.admin, 'PUT', `/api/2/contacts/${a.id}`, { version: a.version, types: ['technical'] }),
      200,
      'drop the last billing',
    );
    expect(dropped.primary_types).toEqual(['technical']);
    expect((await t.call(p.admin, 'DELETE', `/api/2/contacts/${a.id}?version=${dropped.version}`)).status).toBe(204);
  });

  it('refuses primary types the contact does not have, naming primary_types', async () => {
    const tenant = await newTenant();
    const a = await contact(tenant, ['billing']);
    const res = await t.call(p.admin, 'PUT', `/api/2/contacts/${a.id}`, {
      version: a.version,
      primary_types: ['technical'],
    });
    expectError(res, 400, 'validation_failed', 'primary_types');
    const unknown = await t.call(p.admin, 'PUT', `/api/2/contacts/${a.id}`, {
      version: a.version,
      primary_types: ['legal'],
    });
    expectError(unknown, 400, 'validation_failed');
  });

  it("hands a deleted user's primaries to the oldest remaining contact of the type", async () => {
    const tenant = await newTenant();
    const user = await createUser(t, { tenantId: tenant, as: p.admin });
    const linked = await contact(tenant, ['technical'], {
      user_id: user.id,
      firstname: undefined,
      lastname: undefined,
      email: undefined,
    });
    const second = await contact(tenant, ['technical']);
    const third = await contact(tenant, ['technical']);
    expect((await read(linked.id)).primary_types).toEqual(['technical']);
    const { version } = expectStatus(await t.call(p.admin, 'GET', `/api/2/users/${user.id}`), 200, 'user');
    expect((await t.call(p.admin, 'DELETE', `/api/2/users/${user.id}?version=${version}`)).status).toBe(204);
    expect(await primariesOf([second.id, third.id])).toEqual({ [second.id]: ['technical'], [third.id]: [] });
  });

  it("lets another partner neither see nor move a tenant's primaries", async () => {
    const tenant = await newTenant();
    const a = await contact(tenant, ['billing']);
    const b = await contact(tenant, ['billing']);
    const res = await t.call(other.admin, 'PUT', `/api/2/contacts/${b.id}`, {
      version: b.version,
      primary_types: ['billing'],
    });
    expect(res.status).toBe(404);
    expect((await t.call(other.admin, 'GET', `/api/2/contacts/${a.id}`)).status).toBe(404);
    // Their own contact cannot take over a primary in a tenant they do not see.
    const theirs = await t.call(other.admin, 'POST', '/api/2/contacts', {
      tenant_id: tenant,
      types: ['billing'],
      primary_types: ['billing'],
      firstname: 'Eve',
      lastname: 'Intruder',
      email: 'eve@example.test',
    });
    expect(theirs.status).toBe(404);
    expect(await primariesOf([a.id, b.id])).toEqual({ [a.id]: ['billing'], [b.id]: [] });
  });
});
