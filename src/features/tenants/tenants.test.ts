import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPartnerWorld,
  startTestApp,
  type Actor,
  type PartnerWorld,
  type TestApp,
} from '../../../test/support/test-app.js';
import { expectError } from '../../../test/support/expect-error.js';

let t: TestApp;
let p: PartnerWorld;
let other: PartnerWorld;
beforeAll(async () => {
  t = await startTestApp();
  p = await createPartnerWorld(t, 'T');
  other = await createPartnerWorld(t, 'Other');
});
afterAll(() => t?.close());

let seq = 0;
const unique = (name: string) => `${name} ${++seq}`;

/** Creates a tenant and insists on 201. */
async function create(actor: Actor, parentId: string, kind: string, extra: Record<string, unknown> = {}) {
  const res = await t.call(actor, 'POST', '/api/2/tenants', {
    name: unique(kind),
    parent_id: parentId,
    kind,
    ...extra,
  });
  if (res.status !== 201) throw new Error(`create ${kind}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; version: number; name: string; kind: string; enabled: boolean };
}

const get = (actor: Actor, id: string, query = '') => t.call(actor, 'GET', `/api/2/tenants/${id}${query}`);
const put = (actor: Actor, id: string, body: Record<string, unknown>) =>
  t.call(actor, 'PUT', `/api/2/tenants/${id}`, body);
const del = (actor: Actor, id: string, version: number | string) =>
  t.call(actor, 'DELETE', `/api/2/tenants/${id}?version=${version}`);

describe('POST /tenants', () => {
  it('creates a customer below a partner and answers 201 with the tenant', async () => {
    const res = await t.call(p.admin, 'POST', '/api/2/tenants', {
      name: 'Acme',
      parent_id: p.partnerId,
      kind: 'customer',
      language: 'it',
      contact: { email: 'legal@acme.example', city: 'Milano' },
      customer_id: 'C-42',
      internal_tag: 'gold',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Acme',
      parent_id: p.partnerId,
      kind: 'customer',
      enabled: true,
      language: 'it',
      version: 1,
      has_children: false,
      customer_type: 'default',
      customer_id: 'C-42',
      internal_tag: 'gold',
      deleted_at: null,
      contact: { email: 'legal@acme.example', city: 'Milano' },
      contacts: [],
    });
    expect(res.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(Date.parse(res.body.created_at)).not.toBeNaN();
    expect(Date.parse(res.body.updated_at)).not.toBeNaN();
    const parent = await get(p.admin, p.partnerId);
    expect(parent.body.has_children).toBe(true);
    const read = await get(p.admin, res.body.id);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it("inherits the parent's language when none is given", async () => {
    const folder = await create(p.admin, p.partnerId, 'folder', { language: 'de' });
    const child = await t.call(p.admin, 'POST', '/api/2/tenants', {
      name: 'Kunde',
      parent_id: folder.id,
      kind: 'customer',
    });
    expect(child.status).toBe(201);
    expect(child.body.language).toBe('de');
  });

  describe('nesting rules', () => {
    const cases: [string, string, boolean][] = [
      ['root', 'partner', true],
      ['root', 'folder', true],
      ['root', 'customer', true],
      ['root', 'unit', false],
      ['partner', 'partner', true],
      ['partner', 'folder', true],
      ['partner', 'customer', true],
      ['partner', 'unit', false],
      ['folder', 'partner', true],
      ['folder', 'folder', true],
      ['folder', 'customer', true],
      ['folder', 'unit', false],
      ['customer', 'unit', true],
      ['customer', 'partner', false],
      ['customer', 'folder', false],
      ['customer', 'customer', false],
      ['unit', 'partner', false],
      ['unit', 'folder', false],
      ['unit', 'customer', false],
      ['unit', 'unit', false],
    ];
    const parents: Record<string, string> = {};
    beforeAll(async () => {
      parents.root = t.rootTenantId;
      parents.partner = (await create(t.root, t.rootTenantId, 'partner')).id;
      parents.folder = (await create(t.root, parents.partner, 'folder')).id;
      parents.customer = (await create(t.root, parents.folder, 'customer')).id;
      parents.unit = (await create(t.root, parents.customer, 'unit')).id;
    });

    it.each(cases)('under a %s, a %s is allowed: %s', async (parentKind, kind, allowed) => {
      const res = await t.call(t.root, 'POST', '/api/2/tenants', {
        name: unique(`${kind} in ${parentKind}`),
        parent_id: parents[parentKind],
        kind,
      });
      if (allowed) {
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        expect(res.body).toMatchObject({ kind, parent_id: parents[parentKind] });
      } else {
        expectError(res, 400, 'validation_failed', 'kind');
        expect(res.body.error.context.fields).toEqual(['kind']);
      }
    });

    it('refuses kind root and unknown kinds, naming kind', async () => {
      for (const kind of ['root', 'department']) {
        const res = await t.call(t.root, 'POST', '/api/2/tenants', {
          name: unique('k'),
          parent_id: t.rootTenantId,
          kind,
        });
        expectError(res, 400, 'validation_failed', 'kind');
      }
    });
  });

  it('accepts "enabled": "false" as a string and refuses children under the disabled tenant (409 1003)', async () => {
    const folder = await t.call(p.admin, 'POST', '/api/2/tenants', {
      name: 'Dormant',
      parent_id: p.partnerId,
      kind: 'folder',
      enabled: 'false',
    });
    expect(folder.status).toBe(201);
    expect(folder.body.enabled).toBe(false);
    expect((await get(p.admin, folder.body.id)).body.enabled).toBe(false);
    const child = await t.call(p.admin, 'POST', '/api/2/tenants', {
      name: 'Sleeper',
      parent_id: folder.body.id,
      kind: 'customer',
    });
    expectError(child, 409, 1003);
    const children = await t.call(p.admin, 'GET', `/api/2/tenants/${folder.body.id}/children`);
    expect(children.body.items).toEqual([]);
  });

  it('refuses a sibling with the same name, case-insensitively (409 1004), but allows it under another parent', async () => {
    const folder = await create(p.admin, p.partnerId, 'folder');
    const first = await t.call(p.admin, 'POST', '/api/2/tenants', {
      name: 'Globex Corp',
      parent_id: folder.id,
      kind: 'customer',
    });
    expect(first.status).toBe(201);
    for (const name of ['Globex Corp', 'GLOBEX corp', '  globex corp  ']) {
      const dup = await t.call(p.admin, 'POST', '/api/2/tenants', { name, parent_id: folder.id, kind: 'customer' });
      expectError(dup, 409, 1004, 'name');
    }
    const elsewhere = await t.call(p.admin, 'POST', '/api/2/tenants', {
      name: 'Globex Corp',
      parent_id: p.partnerId,
      kind: 'customer',
    });
    expect(elsewhere.status).toBe(201);
    expect((await t.call(p.admin, 'GET', `/api/2/tenants/${folder.id}/children`)).body.items).toEqual([first.body.id]);
  });

  it('refuses unknown fields, naming them, at the top level and inside contact', async () => {
    const top = await t.call(p.admin, 'POST', '/api/2/tenants', {
      name: unique('x'),
      parent_id: p.partnerId,
      kind: 'customer',
      colour: 'red',
    });
    expectError(top, 400, 'validation_failed', 'colour');
    const nested = await t.call(p.admin, 'POST', '/api/2/tenants', {
      name: unique('x'),
      parent_id: p.partnerId,
      kind: 'customer',
      contact: { fax: '123', color: 'red' },
    });
    expectError(nested, 400, 'validation_failed', 'contact.color');
    expect(
      (await t.call(p.admin, 'GET', `/api/2/tenants?parent_id=${p.partnerId}`)).body.items.map((x: any) => x.name),
    ).not.toContain(expect.stringMatching(/^x /));
  });

  it("takes only a phone number in the legal contact card's phone, naming contact.phone", async () => {
    for (const phone of ['call us', '+39 02 x', '1'.repeat(26)]) {
      const res = await t.call(p.admin, 'POST', '/api/2/tenants', {
        name: unique('phone'),
        parent_id: p.partnerId,
        kind: 'customer',
        contact: { phone },
      });
      expectError(res, 400, 'validation_failed', 'contact.phone');
    }
    const ok = await t.call(p.admin, 'POST', '/api/2/tenants', {
      name: unique('phone'),
      parent_id: p.partnerId,
      kind: 'customer',
      contact: { phone: '+39 02 1234 5678 ext. 9' },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.contact.phone).toBe('+39 02 1234 5678 ext. 9');
  });

  it('limits the name to 255 characters and refuses a blank or missing one', async () => {
    const long = await t.call(p.admin, 'POST', '/api/2/tenants', {
      name: 'n'.repeat(256),
      parent_id: p.partnerId,
      kind: 'customer',
    });
    expectError(long, 400, 'validation_failed', 'name');
    const max = await t.call(p.admin, 'POST', '/api/2/tenants', {
      name: 'm'.repeat(255),
      parent_id: p.partnerId,
      kind: 'customer',
    });
    expect(max.status).toBe(201);
    expect(max.body.name).toHaveLength(255);
    expectError(
      await t.call(p.admin, 'POST', '/api/2/tenants', { name: '   ', parent_id: p.partnerId, kind: 'customer' }),
      400,
      'validation_failed',
      'name',
    );
    expectError(
      await t.call(p.admin, 'POST', '/api/2/tenants', { parent_id: p.partnerId, kind: 'customer' }),
      400,
      'validation_failed',
      'name',
    );
    expectError(
      await t.call(p.admin, 'POST', '/api/2/tenants', {
        name: unique('c'),
        parent_id: p.partnerId,
        kind: 'customer',
        contact: { city: 'c'.repeat(101) },
      }),
      400,
      'validation_failed',
      'contact.city',
    );
  });

  it('answers 404 1005 for a missing parent and for a parent of another partner', async () => {
    expectError(
      await t.call(p.admin, 'POST', '/api/2/tenants', {
        name: unique('orphan'),
        parent_id: randomUUID(),
        kind: 'customer',
      }),
      404,
      1005,
    );
    expectError(
      await t.call(p.admin, 'POST', '/api/2/tenants', {
        name: unique('intruder'),
        parent_id: other.partnerId,
        kind: 'customer',
      }),
      404,
      1005,
    );
    expectError(
      await t.call(p.customerAdmin, 'POST', '/api/2/tenants', {
        name: unique('upward'),
        parent_id: p.partnerId,
        kind: 'customer',
      }),
      404,
      1005,
    );
    expect((await t.call(other.admin, 'GET', `/api/2/tenants/${other.partnerId}/children`)).body.items).toEqual([
      other.customerId,
    ]);
  });

  it("lets the partner's API client create tenants in its subtree", async () => {
    const res = await t.call(p.client, 'POST', '/api/2/tenants', {
      name: unique('by client'),
      parent_id: p.partnerId,
      kind: 'folder',
    });
    expect(res.status).toBe(201);
  });
});

describe('GET /tenants/{id}', () => {
  it('reads a tenant of the subtree and answers 404 1005 for unknown ids and other partners', async () => {
    const res = await get(p.admin, p.customerId);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: p.customerId, parent_id: p.partnerId, kind: 'customer', version: 1 });
    expectError(await get(p.admin, randomUUID()), 404, 1005);
    expectError(await get(p.admin, other.partnerId), 404, 1005);
    expectError(await get(p.admin, other.customerId), 404, 1005);
    expectError(await get(p.admin, t.rootTenantId), 404, 1005);
    expectError(await get(p.admin, 'not-a-uuid'), 400, 'validation_failed', 'id');
  });

  it('reads the root as the root admin, with parent_id its own id', async () => {
    const res = await get(t.root, t.rootTenantId);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: t.rootTenantId, parent_id: t.rootTenantId, kind: 'root' });
  });
});

describe('PUT /tenants/{id}', () => {
  it('updates with the current version, answers the tenant at version + 1, and refuses the stale version (409 1001)', async () => {
    const c = await create(p.admin, p.partnerId, 'customer');
    const res = await put(p.admin, c.id, {
      version: 1,
      name: 'Renamed Ltd',
      language: 'fr',
      contact: { city: 'Lyon' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      id: c.id,
      version: 2,
      name: 'Renamed Ltd',
      language: 'fr',
      contact: { city: 'Lyon' },
      kind: 'customer',
    });
    const stale = await put(p.admin, c.id, { version: 1, name: 'Lost Update' });
    expectError(stale, 409, 1001);
    expect(stale.body.error.context.current_version).toBe(2);
    const read = await get(p.admin, c.id);
    expect(read.body).toMatchObject({ version: 2, name: 'Renamed Ltd' });
    const future = await put(p.admin, c.id, { version: 3, name: 'From the future' });
    expectError(future, 409, 1001);
  });

  it('accepts "version" and "enabled" as strings', async () => {
    const c = await create(p.admin, p.partnerId, 'customer');
    const res = await put(p.admin, c.id, { version: '1', enabled: 'false' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ version: 2, enabled: false });
    const back = await put(p.admin, c.id, { version: '2', enabled: 'true' });
    expect(back.body).toMatchObject({ version: 3, enabled: true });
  });

  it('requires the version, refuses unknown fields and over-long names, naming the field', async () => {
    const c = await create(p.admin, p.partnerId, 'customer');
    expectError(await put(p.admin, c.id, { name: 'No version' }), 400, 'validation_failed', 'version');
    expectError(
      await put(p.admin, c.id, { version: 1, parent_id: p.partnerId }),
      400,
      'validation_failed',
      'parent_id',
    );
    expectError(await put(p.admin, c.id, { version: 1, name: 'x'.repeat(256) }), 400, 'validation_failed', 'name');
    expect((await get(p.admin, c.id)).body.version).toBe(1);
  });

  it('changes kind between partner and folder only', async () => {
    const partner = await create(p.admin, p.partnerId, 'partner');
    const asFolder = await put(p.admin, partner.id, { version: 1, kind: 'folder' });
    expect(asFolder.status, JSON.stringify(asFolder.body)).toBe(200);
    expect(asFolder.body).toMatchObject({ kind: 'folder', version: 2 });
    const asPartner = await put(p.admin, partner.id, { version: 2, kind: 'partner' });
    expect(asPartner.body).toMatchObject({ kind: 'partner', version: 3 });

    const customer = await create(p.admin, p.partnerId, 'customer');
    expectError(await put(p.admin, customer.id, { version: 1, kind: 'partner' }), 400, 'validation_failed', 'kind');
    expectError(await put(p.admin, partner.id, { version: 3, kind: 'customer' }), 400, 'validation_failed', 'kind');
    expectError(
      await put(t.root, t.rootTenantId, { version: (await get(t.root, t.rootTenantId)).body.version, kind: 'partner' }),
      400,
      'validation_failed',
      'kind',
    );
    expect((await get(p.admin, customer.id)).body.kind).toBe('customer');
    expect((await get(t.root, t.rootTenantId)).body.kind).toBe('root');
  });

  it("refuses renaming onto a sibling's name, case-insensitively (409 1004)", async () => {
    const folder = await create(p.admin, p.partnerId, 'folder');
    await t.call(p.admin, 'POST', '/api/2/tenants', { name: 'Initech', parent_id: folder.id, kind: 'customer' });
    const second = await create(p.admin, folder.id, 'customer');
    expectError(await put(p.admin, second.id, { version: 1, name: 'INITECH' }), 409, 1004, 'name');
    const self = await put(p.admin, second.id, { version: 1, name: second.name.toUpperCase() });
    expect(self.status).toBe(200);
  });

  it('answers 404 for a tenant of another partner, and does not change it', async () => {
    expectError(await put(p.admin, other.customerId, { version: 1, name: 'Hijacked' }), 404, 1005);
    expect((await get(other.admin, other.customerId)).body).toMatchObject({ version: 1, name: 'Customer of Other' });
  });

  it('refuses a partner admin disabling its own tenant (403 1002)', async () => {
    const before = await get(p.admin, p.partnerId);
    expectError(await put(p.admin, p.partnerId, { version: before.body.version, enabled: false }), 403, 1002);
    const after = await get(p.admin, p.partnerId);
    expect(after.body).toMatchObject({ enabled: true, version: before.body.version });
    // Renaming its own tenant stays allowed.
    const renamed = await put(p.admin, p.partnerId, { version: before.body.version, name: 'Partner T renamed' });
    expect(renamed.status).toBe(200);
    await put(p.admin, p.partnerId, { version: renamed.body.version, name: before.body.name });
  });
});

describe('DELETE /tenants/{id}', () => {
  it('deletes a disabled tenant: 204, then 404 1005, visible only with allow_deleted', async () => {
    const c = await create(p.admin, p.partnerId, 'customer');
    expectError(await del(p.admin, c.id, 1), 409, 1006);
    expect((await get(p.admin, c.id)).status).toBe(200);
    const disabled = await put(p.admin, c.id, { version: 1, enabled: false });
    expect(disabled.body.version).toBe(2);
    expectError(await del(p.admin, c.id, 1), 409, 1001);
    const res = await del(p.admin, c.id, '2');
    expect(res.status).toBe(204);
    expect(res.body).toBe('');
    expectError(await get(p.admin, c.id), 404, 1005);
    const deleted = await get(p.admin, c.id, '?allow_deleted=true');
    expect(deleted.status).toBe(200);
    expect(Date.parse(deleted.body.deleted_at)).not.toBeNaN();
    expect((await t.call(p.admin, 'GET', `/api/2/tenants/${p.partnerId}/children`)).body.items).not.toContain(c.id);
    expect(
      (await t.call(p.admin, 'GET', `/api/2/tenants/${p.partnerId}/children?allow_deleted=true`)).body.items,
    ).toContain(c.id);
    expectError(await del(p.admin, c.id, 3), 404, 1005);
    expectError(await put(p.admin, c.id, { version: 3, name: 'Zombie' }), 404, 1005);
  });

  it("takes the tenant's users and API clients with it: gone, signed out, logins free", async () => {
    const c = await create(p.admin, p.partnerId, 'customer');
    const user = await t.call(p.admin, 'POST', '/api/2/users', {
      tenant_id: c.id,
      login: `leaver${seq}`,
      contact: { email: `leaver${seq}@example.test` },
    });
    expect(user.status).toBe(200);
    const client = await t.call(p.admin, 'POST', '/api/2/clients', {
      type: 'api_client',
      tenant_id: c.id,
      data: { client_name: 'doomed' },
    });
    expect(client.status).toBe(201);
    await put(p.admin, c.id, { version: 1, enabled: false });
    expect((await del(p.admin, c.id, 2)).status).toBe(204);
    expect((await t.call(p.admin, 'GET', `/api/2/users/${user.body.id}`)).status).toBe(404);
    expect((await t.call(p.admin, 'GET', `/api/2/users?uuids=${user.body.id}`)).body.items).toEqual([]);
    expect((await t.call(p.admin, 'GET', `/api/2/users/check_login?username=${user.body.login}`)).status).toBe(204);
    expect((await t.call(p.admin, 'GET', `/api/2/clients/${client.body.client_id}`)).status).toBe(404);
  });

  it('frees the name of a deleted tenant for a new sibling', async () => {
    const folder = await create(p.admin, p.partnerId, 'folder');
    const first = await t.call(p.admin, 'POST', '/api/2/tenants', {
      name: 'Reused Name',
      parent_id: folder.id,
      kind: 'customer',
    });
    await put(p.admin, first.body.id, { version: 1, enabled: false });
    expect((await del(p.admin, first.body.id, 2)).status).toBe(204);
    const again = await t.call(p.admin, 'POST', '/api/2/tenants', {
      name: 'reused name',
      parent_id: folder.id,
      kind: 'customer',
    });
    expect(again.status).toBe(201);
  });

  it('refuses a tenant with live children (409) until they are deleted', async () => {
    const c = await create(p.admin, p.partnerId, 'customer');
    const unit = await create(p.admin, c.id, 'unit');
    await put(p.admin, c.id, { version: 1, enabled: false });
    const refused = await del(p.admin, c.id, 2);
    expectError(refused, 409, 'has_children');
    expect((await get(p.admin, c.id)).status).toBe(200);
    await put(p.admin, unit.id, { version: 1, enabled: false });
    expect((await del(p.admin, unit.id, 2)).status).toBe(204);
    expect((await get(p.admin, c.id)).body.has_children).toBe(false);
    expect((await del(p.admin, c.id, 2)).status).toBe(204);
  });

  it('requires ?version= and refuses a non-number, naming version', async () => {
    const c = await create(p.admin, p.partnerId, 'customer');
    expectError(await t.call(p.admin, 'DELETE', `/api/2/tenants/${c.id}`), 400, 'validation_failed', 'version');
    expectError(await del(p.admin, c.id, 'abc'), 400, 'validation_failed', 'version');
  });

  it('refuses a partner admin deleting its own tenant (403 1002) and the root', async () => {
    const own = await get(p.admin, p.partnerId);
    expectError(await del(p.admin, p.partnerId, own.body.version), 403, 1002);
    expect((await get(p.admin, p.partnerId)).status).toBe(200);
    const root = await get(t.root, t.rootTenantId);
    expectError(await del(t.root, t.rootTenantId, root.body.version), 403, 1002);
  });

  it("answers 404 for another partner's tenant and leaves it alone", async () => {
    expectError(await del(p.admin, other.customerId, 1), 404, 1005);
    expect((await get(other.admin, other.customerId)).status).toBe(200);
  });
});

describe('GET /tenants/{id}/children', () => {
  let parentId: string;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    parentId = (await create(p.admin, p.partnerId, 'folder')).id;
    for (const name of ['beta', 'Alpha', 'gamma', 'Delta']) {
      const res = await t.call(p.admin, 'POST', '/api/2/tenants', { name, parent_id: parentId, kind: 'customer' });
      ids[name] = res.body.id;
    }
  });

  it('answers the ids ordered by name, case-insensitively, by default and with order=name', async () => {
    const expected = ['Alpha', 'beta', 'Delta', 'gamma'].map((n) => ids[n]);
    expect((await t.call(p.admin, 'GET', `/api/2/tenants/${parentId}/children`)).body).toEqual({ items: expected });
    expect((await t.call(p.admin, 'GET', `/api/2/tenants/${parentId}/children?order=name`)).body).toEqual({
      items: expected,
    });
    expect((await t.call(p.admin, 'GET', `/api/2/tenants/${parentId}/children?order=-name`)).body).toEqual({
      items: [...expected].reverse(),
    });
  });

  it('refuses an unknown order and answers 404 outside the subtree', async () => {
    expectError(
      await t.call(p.admin, 'GET', `/api/2/tenants/${parentId}/children?order=colour`),
      400,
      'validation_failed',
    );
    expectError(await t.call(other.admin, 'GET', `/api/2/tenants/${parentId}/children`), 404, 1005);
    expectError(await t.call(p.admin, 'GET', `/api/2/tenants/${randomUUID()}/children`), 404, 1005);
  });

  it('never lists the root as its own child', async () => {
    const res = await t.call(t.root, 'GET', `/api/2/tenants/${t.rootTenantId}/children`);
    expect(res.body.items).toContain(p.partnerId);
    expect(res.body.items).not.toContain(t.rootTenantId);
  });
});

describe('GET /tenants', () => {
  it('reads a batch by uuids, leaving out ids outside the subtree', async () => {
    const res = await t.call(p.admin, 'GET', `/api/2/tenants?uuids=${p.partnerId},${p.customerId},${other.customerId}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((x: any) => x.id).sort()).toEqual([p.partnerId, p.customerId].sort());
    expect(res.body.items.find((x: any) => x.id === p.customerId)).toMatchObject({
      kind: 'customer',
      parent_id: p.partnerId,
    });
    expect(res.body.paging.cursors.after).toBeUndefined();
    expectError(await t.call(p.admin, 'GET', '/api/2/tenants?uuids=not-a-uuid'), 400, 'validation_failed', 'uuids');
  });

  it('pages the children of a parent with limit and the after cursor, each exactly once', async () => {
    const parent = await create(p.admin, p.partnerId, 'folder');
    const created = new Set<string>();
    for (let i = 0; i < 7; i++) created.add((await create(p.admin, parent.id, 'customer')).id);
    const seen: string[] = [];
    let url = `/api/2/tenants?parent_id=${parent.id}&limit=2`;
    for (let page = 0; page < 10; page++) {
      const res = await t.call(p.admin, 'GET', url);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      for (const item of res.body.items) expect(item.parent_id).toBe(parent.id);
      seen.push(...res.body.items.map((x: any) => x.id));
      const after = res.body.paging.cursors.after;
      if (!after) break;
      url = `/api/2/tenants?after=${encodeURIComponent(after)}&limit=2`;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(created);
  });

  it('answers everything the caller administers when no filter is given', async () => {
    const res = await t.call(other.admin, 'GET', '/api/2/tenants');
    expect(res.body.items.map((x: any) => x.id).sort()).toEqual([other.partnerId, other.customerId].sort());
  });

  it('refuses more than one of uuids, parent_id and subtree_root_id (400)', async () => {
    for (const query of [
      `uuids=${p.customerId}&parent_id=${p.partnerId}`,
      `parent_id=${p.partnerId}&subtree_root_id=${p.partnerId}`,
      `uuids=${p.customerId}&subtree_root_id=${p.partnerId}`,
    ]) {
      const res = await t.call(p.admin, 'GET', `/api/2/tenants?${query}`);
      expectError(res, 400, 'validation_failed');
      expect(res.body.error.details.info).toBe(
        query
          .split('&')
          .map((kv) => kv.split('=')[0])
          .join(','),
      );
    }
  });

  it('answers 400 (not 500) for a cursor it did not issue', async () => {
    const forged = Buffer.from(JSON.stringify({ afterId: 'not-a-uuid', ids: 'x' })).toString('base64url');
    for (const after of ['%%%', forged, Buffer.from('"just a string"').toString('base64url')]) {
      expectError(
        await t.call(p.admin, 'GET', `/api/2/tenants?after=${encodeURIComponent(after)}`),
        400,
        'validation_failed',
        'after',
      );
    }
  });

  it('never lists tenants of another partner, even with a forged cursor', async () => {
    const forged = Buffer.from(
      JSON.stringify({
        subtreeRootId: other.partnerId,
        allowDeleted: false,
        afterId: '00000000-0000-0000-0000-000000000000',
      }),
    ).toString('base64url');
    const res = await t.call(p.admin, 'GET', `/api/2/tenants?after=${forged}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
    expect((await t.call(p.admin, 'GET', `/api/2/tenants?subtree_root_id=${other.partnerId}`)).body.items).toEqual([]);
    expect((await t.call(p.admin, 'GET', `/api/2/tenants?parent_id=${other.partnerId}`)).body.items).toEqual([]);
  });
});

describe('roles', () => {
  it('a read-only admin can read but gets 403 1002 on every write', async () => {
    expect((await get(p.readonly, p.customerId)).status).toBe(200);
    expect((await t.call(p.readonly, 'GET', `/api/2/tenants/${p.partnerId}/children`)).body.items).toContain(
      p.customerId,
    );
    expect((await t.call(p.readonly, 'GET', `/api/2/tenants?parent_id=${p.partnerId}`)).status).toBe(200);
    expectError(
      await t.call(p.readonly, 'POST', '/api/2/tenants', {
        name: unique('ro'),
        parent_id: p.partnerId,
        kind: 'customer',
      }),
      403,
      1002,
    );
    expectError(await put(p.readonly, p.customerId, { version: 1, name: 'Read-only rename' }), 403, 1002);
    const victim = await create(p.admin, p.partnerId, 'customer');
    await put(p.admin, victim.id, { version: 1, enabled: false });
    expectError(await del(p.readonly, victim.id, 2), 403, 1002);
    expect((await get(p.admin, victim.id)).status).toBe(200);
    expect((await get(p.admin, p.customerId)).body).toMatchObject({ version: 1, name: 'Customer of T' });
    // Outside its subtree a read-only admin still gets 404, not 403.
    expectError(await put(p.readonly, other.customerId, { version: 1, name: 'x' }), 404, 1005);
  });

  it('a customer admin sees its customer but not the partner above it (404)', async () => {
    const own = await get(p.customerAdmin, p.customerId);
    expect(own.status).toBe(200);
    expectError(await get(p.customerAdmin, p.partnerId), 404, 1005);
    expectError(await put(p.customerAdmin, p.partnerId, { version: 1, name: 'Taken over' }), 404, 1005);
    expectError(await del(p.customerAdmin, p.partnerId, 1), 404, 1005);
    expectError(await t.call(p.customerAdmin, 'GET', `/api/2/tenants/${p.partnerId}/children`), 404, 1005);
    expect(
      (await t.call(p.customerAdmin, 'GET', `/api/2/tenants?uuids=${p.partnerId},${p.customerId}`)).body.items.map(
        (x: any) => x.id,
      ),
    ).toEqual([p.customerId]);
    const unit = await t.call(p.customerAdmin, 'POST', '/api/2/tenants', {
      name: unique('dept'),
      parent_id: p.customerId,
      kind: 'unit',
    });
    expect(unit.status).toBe(201);
  });
});
