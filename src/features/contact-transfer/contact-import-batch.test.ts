/** POST /contact-imports written in chunks: the rules of one-by-one writes hold for rows written together. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartnerWorld, startTestApp, type PartnerWorld, type TestApp } from '../../../test/support/test-app.js';
import { createContact, createTenant, expectStatus, uniqueEmail } from '../../../test/support/factories.js';
import { MAX_LISTED_ROWS } from './transfer.schemas.js';

let t: TestApp;
let p: PartnerWorld;
beforeAll(async () => {
  t = await startTestApp();
  p = await createPartnerWorld(t, 'Batch');
});
afterAll(() => t?.close());

async function importing(csv: string, tenant: string, options: { mode?: string; skip?: boolean } = {}) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/2/contact-imports?tenant_id=${tenant}&mode=${options.mode ?? 'apply'}${options.skip ? '&on_error=skip' : ''}`,
    headers: { authorization: p.admin.authorization, 'content-type': 'text/csv' },
    payload: csv,
  });
  return { status: res.statusCode, body: res.json() };
}
const csvOf = (rows: string[][]) => ['types,firstname,lastname,email', ...rows.map((r) => r.join(','))].join('\r\n');
const newTenant = async () => (await createTenant(t, { parentId: p.customerId, kind: 'unit', as: p.admin })).id;
const contactsOf = async (tenantId: string) => {
  const page = expectStatus(await t.call(p.admin, 'GET', `/api/2/contacts?tenant_id=${tenantId}`), 200, 'list');
  return page.items as Record<string, any>[];
};
const byEmail = (rows: Record<string, any>[], email: string) => rows.find((c) => c.email === email)!;

describe('contact import in chunks', () => {
  it('refuses an address on an earlier row of the same tenant, also past the first chunk and in another case', async () => {
    const tenant = await newTenant();
    const emails = Array.from({ length: 1200 }, (_, i) => uniqueEmail(`many${i}`));
    const rows = emails.map((email) => ['billing', 'A', 'B', email]);
    rows.push(['technical', 'C', 'D', emails[4].toUpperCase()]);
    rows.splice(2, 0, ['technical', 'E', 'F', emails[1]]);
    const answer = await importing(csvOf(rows), tenant, { skip: true });
    expect(answer.status).toBe(200);
    expect(answer.body.counts).toEqual({ create: 1200, update: 0, unchanged: 0, error: 2 });
    expect(answer.body.errors).toEqual([
      { row: 3, field: 'email', message: expect.stringContaining('row 2') },
      { row: 1202, field: 'email', message: expect.stringContaining('row 6') },
    ]);
    // The first MAX_LISTED_ROWS rows that are not errors are listed, in row order, the error row left out.
    const listed = answer.body.rows as { row: number; action: string; tenant_id: string; email: string }[];
    expect(listed).toHaveLength(MAX_LISTED_ROWS);
    expect(listed.slice(0, 3)).toEqual([
      { row: 1, action: 'create', tenant_id: tenant, email: emails[0] },
      { row: 2, action: 'create', tenant_id: tenant, email: emails[1] },
      { row: 4, action: 'create', tenant_id: tenant, email: emails[2] },
    ]);
    expect(listed.at(-1)).toEqual({ row: 1001, action: 'create', tenant_id: tenant, email: emails[999] });
    const stored = await t.db
      .selectFrom('contacts')
      .select(['email', 'types'])
      .where('tenant_id', '=', tenant)
      .execute();
    expect(stored).toHaveLength(1200);
    expect(stored.find((c) => c.email === emails[1])?.types).toEqual(['billing']);
  });

  it('makes the first contact of each type primary, in the file order, beside an existing primary and a move', async () => {
    const tenant = await newTenant();
    const existing = await createContact(t, { tenantId: tenant, types: ['management'], as: p.admin });
    const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map((n) => uniqueEmail(`prim-${n}`));
    const csv = [
      'types,primary_types,firstname,lastname,email',
      `billing,,A,A,${a}`,
      `billing;technical;management,,B,B,${b}`,
      `billing,billing,C,C,${c}`,
      `billing;technical,,D,D,${d}`,
      `management,management,E,E,${e}`,
    ].join('\r\n');
    const preview = await importing(csv, tenant, { mode: 'dry_run' });
    expect(preview.body.counts).toEqual({ create: 5, update: 0, unchanged: 0, error: 0 });
    expect(await contactsOf(tenant)).toHaveLength(1);
    expect((await importing(csv, tenant)).body.counts).toMatchObject({ create: 5, error: 0 });
    const rows = await contactsOf(tenant);
    expect(byEmail(rows, a).primary_types).toEqual([]); // C took billing over
    expect(byEmail(rows, b).primary_types).toEqual(['technical']);
    expect(byEmail(rows, c).primary_types).toEqual(['billing']);
    expect(byEmail(rows, d).primary_types).toEqual([]);
    expect(byEmail(rows, e).primary_types).toEqual(['management']);
    expect(byEmail(rows, existing.email).primary_types).toEqual([]);
    // Exactly one primary of each type.
    for (const type of ['billing', 'technical', 'management'])
      expect(rows.filter((r) => r.primary_types.includes(type))).toHaveLength(1);
  });

  it('with on_error=skip writes every good row of a chunk around a bad one, also one the database refuses', async () => {
    const tenant = await newTenant();
    const emails = Array.from({ length: 7 }, (_, i) => uniqueEmail(`skip${i}`));
    const rows = emails.map((email, i) => ['billing', `N${i}`, i === 5 ? 'Clash' : `L${i}`, email]);
    rows[2] = ['shipping', 'X', 'Y', emails[2]];
    // The database refuses one row of the bulk insert: the chunk is written again row by row.
    await sql`CREATE FUNCTION test_clash() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'clash' USING ERRCODE = 'unique_violation'; END $$`.execute(t.db);
    await sql`CREATE TRIGGER test_clash BEFORE INSERT ON contacts FOR EACH ROW
      WHEN (NEW.lastname = 'Clash') EXECUTE FUNCTION test_clash()`.execute(t.db);
    try {
      const refused = await importing(csvOf(rows), tenant);
      expect(refused.status).toBe(422);
      expect(await contactsOf(tenant)).toHaveLength(0);
      const answer = await importing(csvOf(rows), tenant, { skip: true });
      expect(answer.body.counts).toEqual({ create: 5, update: 0, unchanged: 0, error: 2 });
      expect(answer.body.errors.map((e: any) => [e.row, e.field])).toEqual([
        [3, 'types'],
        [6, 'email'],
      ]);
    } finally {
      await sql`DROP TRIGGER test_clash ON contacts`.execute(t.db);
      await sql`DROP FUNCTION test_clash()`.execute(t.db);
    }
    const stored = (await contactsOf(tenant)).map((c) => c.email).sort();
    expect(stored).toEqual([emails[0], emails[1], emails[3], emails[4], emails[6]].sort());
  });

  it('writes one audit entry and one event per change, as the one-by-one writes do', async () => {
    const tenant = await newTenant();
    const hook = await t.call(p.admin, 'POST', '/api/2/webhooks', {
      tenant_id: tenant,
      url: 'https://93.184.215.14/hooks/import',
      events: ['contact.*'],
    });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    const emails = Array.from({ length: 30 }, (_, i) => uniqueEmail(`trail${i}`));
    const first = ['types,firstname,lastname,email,city', ...emails.map((e, i) => `billing,F${i},L${i},${e},Roma`)];
    expect((await importing(first.join('\r\n'), tenant)).body.counts).toMatchObject({ create: 30 });
    // Ten rows change their city, the others stay as they are.
    const second = first.map((line, i) => (i >= 1 && i <= 10 ? line.replace(',Roma', ',Milano') : line));
    expect((await importing(second.join('\r\n'), tenant)).body.counts).toEqual({
      create: 0,
      update: 10,
      unchanged: 20,
      error: 0,
    });
    const audit = await t.db
      .selectFrom('audit_events')
      .select(['action', 'object_id', 'before', 'after'])
      .where('tenant_id', '=', tenant)
      .where('object_type', '=', 'contact')
      .execute();
    expect(audit.filter((a) => a.action === 'create')).toHaveLength(30);
    const updates = audit.filter((a) => a.action === 'update');
    expect(updates).toHaveLength(10);
    const rows = await contactsOf(tenant);
    const changed = byEmail(rows, emails[0]);
    const entry = updates.find((a) => a.object_id === changed.id)!;
    expect(entry.after).toEqual(changed); // the contact as GET /contacts/{id} shows it
    expect(entry.before).toMatchObject({ city: 'Roma', version: changed.version - 1 });
    const events = await t.db
      .selectFrom('webhook_events')
      .select(['type', 'object_id', 'payload'])
      .where('tenant_id', '=', tenant)
      .orderBy('seq')
      .execute();
    expect(events.filter((e) => e.type === 'contact.created')).toHaveLength(30);
    const updated = events.filter((e) => e.type === 'contact.updated');
    expect(updated.map((e) => e.object_id).sort()).toEqual(updates.map((a) => a.object_id).sort());
    expect(updated.find((e) => e.object_id === changed.id)!.payload).toMatchObject({
      type: 'contact.updated',
      data: { ...changed, tenant_id: tenant },
      changed: ['city'],
    });
    const deliveries = await t.db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('webhook_id', '=', hook.body.id)
      .execute();
    expect(deliveries).toHaveLength(40);
  });
});
