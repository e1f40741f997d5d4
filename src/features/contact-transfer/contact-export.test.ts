/** GET /tenants/{id}/contacts/export: every contact of a tenant or its subtree, as CSV or JSON, streamed in pages. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import {
  createPartnerWorld,
  startTestApp,
  type Actor,
  type PartnerWorld,
  type TestApp,
} from '../../../test/support/test-app.js';
import { createContact, createTenant, createUser, expectStatus } from '../../../test/support/factories.js';
import { expectError } from '../../../test/support/expect-error.js';
import { composeServices } from '../../app.js';
import { scopeOf, type Principal } from '../../platform/scope.js';
import { exportColumns } from './transfer.columns.js';
import { exportRecords } from './transfer.export.js';

let t: TestApp;
let p: PartnerWorld;
let other: PartnerWorld;
let unitId: string;
let tricky: { id: string; email: string };
let linkedEmail: string;

beforeAll(async () => {
  t = await startTestApp();
  p = await createPartnerWorld(t, 'Export');
  other = await createPartnerWorld(t, 'Elsewhere');
  await createContact(t, { tenantId: p.partnerId, types: ['technical'], as: p.admin });
  tricky = await createContact(t, {
    tenantId: p.customerId,
    types: ['billing', 'technical'],
    as: p.admin,
    fields: {
      firstname: 'Zoë "Zed"',
      lastname: 'Müller, Jr.',
      title: 'Head; of\nBilling',
      phone: '+39 02 1234 5678',
      city: '=HYPERLINK("http://evil")',
      address1: '@SUM(A1)',
      aan: '-42',
      country: 'Italia',
    },
  });
  const user = await createUser(t, { tenantId: p.customerId, as: p.admin });
  linkedEmail = user.contact.email as string;
  await createContact(t, {
    tenantId: p.customerId,
    types: ['management'],
    as: p.admin,
    fields: { user_id: user.id, firstname: undefined, lastname: undefined, email: undefined },
  });
  unitId = (
    await createTenant(t, { parentId: p.customerId, kind: 'unit', as: p.admin, fields: { name: 'Sede Città' } })
  ).id;
  await createContact(t, { tenantId: unitId, types: ['billing'], as: p.admin });
});
afterAll(() => t?.close());

const exportOf = (tenantId: string, query: string, as: Actor = p.admin) =>
  t.app.inject({
    method: 'GET',
    url: `/api/2/tenants/${tenantId}/contacts/export?${query}`,
    headers: { authorization: as.authorization },
  });

describe('contact export', () => {
  it('writes a CSV with a BOM, a header, RFC 4180 quoting, accents kept and formula cells neutralised', async () => {
    const res = await exportOf(p.customerId, 'format=csv');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="contacts-Customer-of-Export-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const text = res.rawPayload.toString('utf8').slice(1);
    expect(text.split('\r\n')[0]).toBe(exportColumns.join(','));
    // Quotes doubled inside a quoted field, a newline and a semicolon kept inside quotes.
    expect(text).toContain('"Zoë ""Zed"""');
    expect(text).toContain('"Head; of\nBilling"');
    const rows: Record<string, string>[] = parse(text, { columns: true });
    expect(rows).toHaveLength(2);
    const row = rows.find((r) => r.email === tricky.email)!;
    expect(row).toMatchObject({
      tenant_id: p.customerId,
      tenant_path: 'Partner Export / Customer of Export',
      types: 'billing;technical',
      primary_types: 'billing;technical',
      firstname: 'Zoë "Zed"',
      lastname: 'Müller, Jr.',
      title: 'Head; of\nBilling',
      phone: "'+39 02 1234 5678",
      city: `'=HYPERLINK("http://evil")`,
      address1: "'@SUM(A1)",
      aan: "'-42",
      country: 'Italia',
      zipcode: '',
      validation_state: 'valid',
    });
    expect(row.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // A linked contact shows its user's person fields.
    expect(rows.find((r) => r.email === linkedEmail)).toMatchObject({ types: 'management', firstname: 'Ada' });
  });

  it("covers the subtree on request, each row with its tenant's name path", async () => {
    const own: Record<string, string>[] = parse(
      (await exportOf(p.partnerId, 'format=csv&subtree=false')).body.slice(1),
      {
        columns: true,
      },
    );
    expect(own.map((r: Record<string, string>) => r.tenant_path)).toEqual(['Partner Export']);
    const all: Record<string, string>[] = parse((await exportOf(p.partnerId, 'subtree=true')).body.slice(1), {
      columns: true,
    });
    expect(all).toHaveLength(4);
    expect(new Set(all.map((r) => r.tenant_path))).toEqual(
      new Set([
        'Partner Export',
        'Partner Export / Customer of Export',
        'Partner Export / Customer of Export / Sede Città',
      ]),
    );
    // Paths start at the top of what the caller sees: the customer's own admin sees its customer first.
    const fromCustomer: Record<string, string>[] = parse(
      (await exportOf(p.customerId, 'subtree=true', p.customerAdmin)).body.slice(1),
      {
        columns: true,
      },
    );
    expect(fromCustomer.find((r) => r.tenant_id === unitId)?.tenant_path).toBe('Customer of Export / Sede Città');
  });

  it('streams a JSON array with lists as lists and cells as stored', async () => {
    const res = await exportOf(p.customerId, 'format=json&subtree=true');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/filename="contacts-Customer-of-Export-[\d-]+\.json"$/);
    const rows = JSON.parse(res.body);
    expect(rows).toHaveLength(3);
    expect(Object.keys(rows[0])).toEqual([...exportColumns]);
    expect(rows.find((r: any) => r.email === tricky.email)).toMatchObject({
      types: ['billing', 'technical'],
      phone: '+39 02 1234 5678',
      zipcode: null,
    });
    const empty = await exportOf((await createTenant(t, { parentId: p.partnerId, as: p.admin })).id, 'format=json');
    expect(JSON.parse(empty.body)).toEqual([]);
  });

  it('reads in keyset pages: every contact once, whatever the page size', async () => {
    const { contacts } = composeServices(t.db, t.config);
    const principal: Principal = {
      kind: 'user',
      id: p.admin.userId,
      tenantId: p.partnerId,
      read: scopeOf([p.partnerId]),
      write: scopeOf([p.partnerId]),
    };
    const emails: string[] = [];
    for await (const r of exportRecords(t.db, contacts, principal, {
      tenantId: p.partnerId,
      subtree: true,
      pageSize: 1,
    }))
      emails.push(r.email as string);
    expect(emails).toHaveLength(4);
    expect(new Set(emails).size).toBe(4);
  });

  it("carries each contact's attestation state and time: confirmed, asked, never asked", async () => {
    // A partner of its own, so the counts of the other tests stay as they are.
    const a = await createPartnerWorld(t, 'Attested');
    const confirmed = await createContact(t, { tenantId: a.customerId, types: ['billing'], as: a.admin });
    const asked = await createContact(t, { tenantId: a.customerId, types: ['billing'], as: a.admin });
    const never = await createContact(t, { tenantId: a.customerId, types: ['technical'], as: a.admin });
    const campaign = { scope_tenant_id: a.customerId, types: ['billing'] };
    expectStatus(await t.call(a.admin, 'POST', '/api/2/attestation-campaigns', campaign), 201, 'campaign');
    // The question lands in the built-in mailbox; its yes link is answered as the person would.
    const question = async () =>
      (
        await t.db
          .selectFrom('mail_outbox')
          .select('text_body')
          .where('kind', '=', 'attestation')
          .where('to_address', '=', confirmed.email)
          .executeTakeFirst()
      )?.text_body;
    await expect.poll(question).toMatch(/attest\?token=/);
    const token = /attest\?token=([a-z0-9-]+)&answer=yes/.exec((await question())!)![1];
    expectStatus(await t.call(undefined, 'POST', '/api/2/attestations', { token, answer: 'yes' }), 200, 'yes');
    const attestedAt = (await t.call(a.admin, 'GET', `/api/2/contacts/${confirmed.id}`)).body.attested_at as string;
    expect(Date.now() - Date.parse(attestedAt)).toBeLessThan(60_000);

    const res = await exportOf(a.customerId, 'format=csv', a.admin);
    const csv: Record<string, string>[] = parse(res.rawPayload.toString('utf8').slice(1), { columns: true });
    const cells = (email: string) => {
      const row = csv.find((r) => r.email === email)!;
      return [row.attestation_state, row.attested_at];
    };
    expect(cells(confirmed.email)).toEqual(['confirmed', attestedAt]);
    expect(cells(asked.email)).toEqual(['pending', '']);
    expect(cells(never.email)).toEqual(['', '']);

    const json: Record<string, unknown>[] = JSON.parse((await exportOf(a.customerId, 'format=json', a.admin)).body);
    const fields = (email: string) => {
      const row = json.find((r) => r.email === email)!;
      return [row.attestation_state, row.attested_at];
    };
    expect(fields(confirmed.email)).toEqual(['confirmed', attestedAt]);
    expect(fields(asked.email)).toEqual(['pending', null]);
    expect(fields(never.email)).toEqual([null, null]);
  });

  it('answers 404 to another partner and 400 to an unknown format', async () => {
    const res = await exportOf(p.customerId, 'format=csv', other.admin);
    expectError({ status: res.statusCode, body: res.json(), headers: res.headers }, 404, 1005);
    expectStatus(await t.call(other.admin, 'GET', `/api/2/tenants/${other.customerId}/contacts/export`), 200, 'own');
    expect((await exportOf(p.customerId, 'format=xlsx')).statusCode).toBe(400);
  });
});
