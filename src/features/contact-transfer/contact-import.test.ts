/** POST /contact-imports: rows created, updated or unchanged through the contacts service, previewed or applied whole. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPartnerWorld,
  startTestApp,
  type Actor,
  type PartnerWorld,
  type TestApp,
} from '../../../test/support/test-app.js';
import { createContact, createTenant, createUser, expectStatus, uniqueEmail } from '../../../test/support/factories.js';
import { expectError } from '../../../test/support/expect-error.js';

let t: TestApp;
let p: PartnerWorld;
let other: PartnerWorld;
beforeAll(async () => {
  t = await startTestApp();
  p = await createPartnerWorld(t, 'Import');
  other = await createPartnerWorld(t, 'Elsewhere');
});
afterAll(() => t?.close());

type Query = { tenant: string; mode?: 'dry_run' | 'apply'; skip?: boolean; as?: Actor };
async function importing(body: string | unknown[], { tenant, mode = 'apply', skip = false, as = p.admin }: Query) {
  const csv = typeof body === 'string';
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/2/contact-imports?tenant_id=${tenant}&mode=${mode}${skip ? '&on_error=skip' : ''}`,
    headers: { authorization: as.authorization, 'content-type': csv ? 'text/csv' : 'application/json' },
    payload: csv ? body : JSON.stringify(body),
  });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}
const contactsOf = async (tenantId: string) => {
  const page = expectStatus(await t.call(p.admin, 'GET', `/api/2/contacts?tenant_id=${tenantId}`), 200, 'list');
  return page.items as Record<string, any>[];
};
const newTenant = async (name?: string) =>
  (await createTenant(t, { parentId: p.customerId, kind: 'unit', as: p.admin, fields: name ? { name } : {} })).id;

describe('contact import', () => {
  it('creates, updates and leaves unchanged; a second run of the same file changes nothing', async () => {
    const tenant = await newTenant();
    const kept = await createContact(t, {
      tenantId: tenant,
      types: ['billing'],
      as: p.admin,
      fields: { firstname: 'Ann' },
    });
    const moved = await createContact(t, { tenantId: tenant, types: ['billing'], as: p.admin });
    const fresh = uniqueEmail('fresh');
    const csv = [
      'tenant_id,types,firstname,lastname,email,city',
      `${tenant},billing;technical,Élodie,"Dupont, ""Lo""",${fresh},"Città\nnuova"`,
      `${tenant},billing,Ann,${'x'},${kept.email.toUpperCase()},`,
      `${tenant},billing,Grace,Hopper,${moved.email},Roma`,
    ].join('\r\n');
    const first = await importing(csv, { tenant });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({
      counts: { create: 1, update: 2, unchanged: 0, error: 0 },
      errors: [],
      rows: [
        { row: 1, action: 'create', tenant_id: tenant, email: fresh },
        { row: 2, action: 'update', tenant_id: tenant, email: kept.email.toUpperCase() },
        { row: 3, action: 'update', tenant_id: tenant, email: moved.email },
      ],
    });
    const rows = await contactsOf(tenant);
    expect(rows.find((c) => c.email === fresh)).toMatchObject({
      firstname: 'Élodie',
      lastname: 'Dupont, "Lo"',
      city: 'Città\nnuova',
      types: ['billing', 'technical'],
      primary_types: ['technical'],
    });
    expect(rows.find((c) => c.id === moved.id)).toMatchObject({ city: 'Roma', version: moved.version + 1 });
    const again = await importing(csv, { tenant });
    expect(again.body).toMatchObject({ counts: { create: 0, update: 0, unchanged: 3, error: 0 }, errors: [] });
    expect(again.body.rows.map((r: any) => [r.row, r.action])).toEqual([
      [1, 'unchanged'],
      [2, 'unchanged'],
      [3, 'unchanged'],
    ]);
    // Each change is in the trail, written by the service's own create and update.
    const trail = expectStatus(
      await t.call(p.admin, 'GET', `/api/2/audit?tenant_id=${tenant}&object_id=${moved.id}`),
      200,
      'audit',
    );
    expect(trail.items.map((e: any) => e.action)).toEqual(['update', 'create']);
  });

  it('reads an exported file back unchanged, BOM, semicolons and neutralised cells included', async () => {
    const tenant = await newTenant('Reparto; "Nord"');
    await createContact(t, {
      tenantId: tenant,
      types: ['technical'],
      as: p.admin,
      fields: { phone: '+39 02 555', title: 'CTO; ops', city: '=1+1' },
    });
    const exported = await t.app.inject({
      method: 'GET',
      url: `/api/2/tenants/${tenant}/contacts/export`,
      headers: { authorization: p.admin.authorization },
    });
    const back = await importing(exported.body, { tenant });
    expect(back.body).toMatchObject({ counts: { create: 0, update: 0, unchanged: 1, error: 0 }, errors: [] });
    expect(back.body.rows).toEqual([{ row: 1, action: 'unchanged', tenant_id: tenant, email: expect.any(String) }]);
    // The same rows semicolon-separated, by path below the given tenant, with a BOM.
    const email = uniqueEmail('semi');
    const semi = `\uFEFFtenant_path;types;firstname;lastname;email;title\r\nReparto; "Nord";billing;Bea;Neri;${email};"a,b; c"\r\n`;
    // Unquoted, the path's semicolon splits the cell and its quote stands mid-field: the file is refused, naming the line.
    const wrong = await importing(semi, { tenant: p.customerId, mode: 'dry_run' });
    expectError(wrong, 400, 'bad_request', 'body');
    expect(wrong.body.error.message).toContain('line 2');
    const quoted = semi.replace('Reparto; "Nord"', '"Reparto; ""Nord"""');
    const ok = await importing(quoted, { tenant: p.customerId });
    expect(ok.body.counts).toEqual({ create: 1, update: 0, unchanged: 0, error: 0 });
    expect((await contactsOf(tenant)).find((c) => c.email === email)).toMatchObject({
      title: 'a,b; c',
      types: ['billing'],
    });
  });

  it('names the field of each error row; dry_run writes nothing and answers what apply would', async () => {
    const tenant = await newTenant();
    const taken = await createContact(t, { tenantId: tenant, types: ['billing'], as: p.admin });
    const rows = [
      { tenant_id: tenant, types: 'billing', firstname: 'A', lastname: 'B', email: uniqueEmail('ok') },
      { tenant_id: tenant, types: 'shipping', firstname: 'A', lastname: 'B', email: uniqueEmail('bad-type') },
      { tenant_id: tenant, types: 'billing', firstname: 'A', lastname: 'B', email: 'not-an-address' },
      { tenant_id: tenant, types: 'billing', lastname: 'B', email: uniqueEmail('no-name') },
      { tenant_id: tenant, types: 'billing', firstname: 'A', lastname: 'B' },
      { tenant_id: tenant, email: taken.email, types: 'technical', primary_types: 'billing' },
      { tenant_path: 'Nowhere', types: 'billing', firstname: 'A', lastname: 'B', email: uniqueEmail('lost') },
      { tenant_id: tenant, types: 'billing', firstname: 'A', lastname: 'B', email: uniqueEmail('x'), shoe_size: '42' },
    ];
    const preview = await importing(rows, { tenant: p.customerId, mode: 'dry_run' });
    expect(preview.status).toBe(200);
    expect(preview.body.counts).toEqual({ create: 1, update: 0, unchanged: 0, error: 7 });
    expect(preview.body.errors.map((e: any) => [e.row, e.field])).toEqual([
      [2, 'types'],
      [3, 'email'],
      [4, 'firstname'],
      [5, 'email'],
      [6, 'primary_types'],
      [7, 'tenant_path'],
      [8, 'shoe_size'],
    ]);
    expect(await contactsOf(tenant)).toHaveLength(1);
    // All or nothing: the good row is not written either, and the answer is the same report.
    const refused = await importing(rows, { tenant: p.customerId });
    expectError(refused, 422, 'import_rejected');
    expect(refused.body).toMatchObject(preview.body);
    expect(await contactsOf(tenant)).toHaveLength(1);
    const skipped = await importing(rows, { tenant: p.customerId, skip: true });
    expect(skipped.status).toBe(200);
    expect(skipped.body).toEqual(preview.body);
    expect(await contactsOf(tenant)).toHaveLength(2);
  });

  it('lists what each row does, in row order, beside the error rows, written together or one by one', async () => {
    const tenant = await newTenant();
    const plain = await createContact(t, { tenantId: tenant, types: ['billing'], as: p.admin });
    const retyped = await createContact(t, { tenantId: tenant, types: ['billing'], as: p.admin });
    const same = await createContact(t, {
      tenantId: tenant,
      types: ['billing'],
      as: p.admin,
      fields: { city: 'Bari' },
    });
    const [fresh, primary] = [uniqueEmail('row-new'), uniqueEmail('row-primary')];
    // Rows 1 and 3 are written in bulk, rows 2 and 5 one by one (primaries asked, types changed).
    const csv = [
      'types,primary_types,firstname,lastname,email,city',
      `billing,,Nuova,Persona,${fresh},`,
      `technical,technical,Prima,Persona,${primary},`,
      `billing,,,,${plain.email},Roma`,
      `billing,,A,B,not-an-address,`,
      `billing;technical,,,,${retyped.email},`,
      `billing,,,,${same.email},Bari`,
    ].join('\r\n');
    const expected = [
      { row: 1, action: 'create', tenant_id: tenant, email: fresh },
      { row: 2, action: 'create', tenant_id: tenant, email: primary },
      { row: 3, action: 'update', tenant_id: tenant, email: plain.email },
      { row: 5, action: 'update', tenant_id: tenant, email: retyped.email },
      { row: 6, action: 'unchanged', tenant_id: tenant, email: same.email },
    ];
    const preview = await importing(csv, { tenant, mode: 'dry_run' });
    expect(preview.status).toBe(200);
    expect(preview.body.counts).toEqual({ create: 2, update: 2, unchanged: 1, error: 1 });
    expect(preview.body.errors).toEqual([{ row: 4, field: 'email', message: expect.any(String) }]);
    expect(preview.body.rows).toEqual(expected);
    // The refused apply carries the same rows; the skipping apply answers exactly the preview.
    const refused = await importing(csv, { tenant });
    expectError(refused, 422, 'import_rejected');
    expect(refused.body.rows).toEqual(expected);
    const applied = await importing(csv, { tenant, skip: true });
    expect(applied.body).toEqual(preview.body);
    expect((await contactsOf(tenant)).map((c) => c.email).sort()).toEqual(
      [fresh, primary, plain.email, retyped.email, same.email].sort(),
    );
  });

  it("updates a linked contact's own fields only, never its user's person fields", async () => {
    const tenant = await newTenant();
    const user = await createUser(t, { tenantId: tenant, as: p.admin });
    const contact = await createContact(t, {
      tenantId: tenant,
      types: ['billing'],
      as: p.admin,
      fields: { user_id: user.id, firstname: undefined, lastname: undefined, email: undefined },
    });
    const csv = `email,types,firstname,city\r\n${contact.email},billing;management,Someone Else,Torino\r\n`;
    expect((await importing(csv, { tenant })).body.counts).toMatchObject({ update: 1, error: 0 });
    const [after] = await contactsOf(tenant);
    expect(after).toMatchObject({ firstname: 'Ada', city: 'Torino', types: ['billing', 'management'] });
    expect((await importing(csv, { tenant })).body.counts).toMatchObject({ unchanged: 1 });
  });

  it('keeps another partner out: 404 for its tenant, an error row for a row naming one', async () => {
    const csv = `tenant_id,types,firstname,lastname,email\r\n${other.customerId},billing,A,B,${uniqueEmail('spy')}\r\n`;
    expectError(await importing(csv, { tenant: p.customerId, as: other.admin }), 404, 1005, 'tenant_id');
    const row = await importing(csv, { tenant: p.partnerId, skip: true });
    expect(row.body).toEqual({
      counts: { create: 0, update: 0, unchanged: 0, error: 1 },
      errors: [{ row: 1, field: 'tenant_id', message: 'is not a tenant below the given tenant' }],
      rows: [],
    });
    const mine = expectStatus(
      await t.call(other.admin, 'GET', `/api/2/contacts?tenant_id=${other.customerId}`),
      200,
      'list',
    );
    expect(mine.items).toHaveLength(0);
    // A read-only admin may preview, and every row says it may not write.
    const ro = await importing(csv.replace(other.customerId, p.customerId), { tenant: p.partnerId, as: p.readonly });
    expect(ro.body.errors[0]).toMatchObject({ row: 1, message: expect.stringContaining('Access denied') });
  });

  it('refuses a body over 20 MB or 100,000 rows, naming the limit, and an unknown column', async () => {
    const big = `email,types\r\n${'x'.repeat(21 * 1024 * 1024)}\r\n`;
    const large = await importing(big, { tenant: p.customerId });
    expectError(large, 413, 'payload_too_large');
    expect(large.body.error.message).toContain('20 MB');
    const many = `email,types\r\n${'a@b.c,billing\r\n'.repeat(100_001)}`;
    const tooMany = await importing(many, { tenant: p.customerId });
    expectError(tooMany, 413, 'payload_too_large');
    expect(tooMany.body.error.message).toContain('100,000 rows');
    const jsonMany = await importing(
      Array.from({ length: 100_001 }, () => ({})),
      { tenant: p.customerId },
    );
    expect(jsonMany.body.error.message).toContain('100,000 rows');
    expectError(
      await importing('email,colour\r\na@b.c,red\r\n', { tenant: p.customerId }),
      400,
      'validation_failed',
      'colour',
    );
    expectError(await importing('"unclosed\r\n', { tenant: p.customerId }), 400, 'bad_request', 'body');
  });
});
