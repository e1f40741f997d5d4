import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './test-app.js';
import {
  createAnnouncement,
  createClient,
  createContact,
  createTenant,
  createUser,
  expectStatus,
  unique,
  uniqueEmail,
} from './factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const read = async (path: string) => expectStatus(await t.call(t.root, 'GET', path), 200, `GET ${path}`);

describe('test factories', () => {
  it('make names and addresses that never repeat', () => {
    const names = Array.from({ length: 50 }, () => unique('x'));
    expect(new Set(names).size).toBe(50);
    expect(uniqueEmail('a')).toMatch(/^a-\d+@example\.test$/);
  });

  it('create tenants under the root by default, or under a given parent, with distinct names', async () => {
    const partner = await createTenant(t, { kind: 'partner' });
    const customer = await createTenant(t, { parentId: partner.id });
    const sibling = await createTenant(t, { parentId: partner.id, fields: { name: 'Named on purpose' } });
    expect(partner.parent_id).toBe(t.rootTenantId);
    expect(await read(`/api/2/tenants/${customer.id}`)).toMatchObject({ parent_id: partner.id, kind: 'customer' });
    expect(sibling.name).toBe('Named on purpose');
    expect(customer.name).not.toBe((await createTenant(t, { parentId: partner.id })).name);
  });

  it('create users with their contact card', async () => {
    const tenant = await createTenant(t);
    const user = await createUser(t, { tenantId: tenant.id, contact: { firstname: 'Linus' } });
    expect(await read(`/api/2/users/${user.id}`)).toMatchObject({ login: user.login, tenant_id: tenant.id });
    expect(user.contact).toMatchObject({ firstname: 'Linus', email: `${user.login}@example.test` });
  });

  it('create contacts of the given types', async () => {
    const tenant = await createTenant(t);
    const contact = await createContact(t, { tenantId: tenant.id, types: ['technical'] });
    expect(await read(`/api/2/contacts/${contact.id}`)).toMatchObject({ tenant_id: tenant.id, types: ['technical'] });
    expect(contact.email).not.toBe((await createContact(t, { tenantId: tenant.id })).email);
  });

  it('create API clients that are signed in and act within their tenant', async () => {
    const partner = await createTenant(t, { kind: 'partner' });
    const client = await createClient(t, { tenantId: partner.id });
    const made = await createTenant(t, { parentId: partner.id, as: client.actor });
    expect(made.parent_id).toBe(partner.id);
    const outside = await t.call(client.actor, 'GET', `/api/2/tenants/${t.rootTenantId}`);
    expect(outside.status).toBe(404);
  });

  it('create announcements accepted for sending', async () => {
    const tenant = await createTenant(t);
    await createContact(t, { tenantId: tenant.id, types: ['technical'] });
    const notice = await createAnnouncement(t, { scopeTenantId: tenant.id });
    expect(await read(`/api/2/announcements/${notice.id}`)).toMatchObject({ id: notice.id, subject: notice.subject });
  });

  it('fail where the fixture is made, with the answer', async () => {
    await expect(createTenant(t, { parentId: '00000000-0000-4000-8000-000000000000' })).rejects.toThrow(
      /create tenant: expected 201, got 4\d\d/,
    );
  });
});
