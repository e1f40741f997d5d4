/**
 * The coverage summaries (migration 0010) against a count made from scratch, after every kind of
 * change through the API: tenants made and deleted, contacts added, retyped, made invalid by a
 * bounce's statement and deleted, singly and many at once.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartnerWorld, startTestApp, type PartnerWorld, type TestApp } from '../../../test/support/test-app.js';
import { createContact, createTenant, expectStatus } from '../../../test/support/factories.js';

let t: TestApp;
let p: PartnerWorld;
beforeAll(async () => {
  t = await startTestApp();
  p = await createPartnerWorld(t, 'Summary');
});
afterAll(() => t?.close());

/** Every tenant's summary row and the same figures counted from the tables, side by side. */
async function summariesAndRecount() {
  const { rows } = await sql<{ id: string; kept: unknown; counted: unknown }>`
    SELECT a.id,
      (SELECT jsonb_build_object('tenants', s.tenants, 'billing', s.billing, 'technical', s.technical, 'management', s.management)
         FROM coverage_subtree s WHERE s.tenant_id = a.id) AS kept,
      (SELECT jsonb_build_object('tenants', count(*),
         'billing', count(*) FILTER (WHERE EXISTS (SELECT 1 FROM contacts c WHERE c.tenant_id = d.id AND 'billing' = ANY (c.types) AND c.validation_state = 'valid')),
         'technical', count(*) FILTER (WHERE EXISTS (SELECT 1 FROM contacts c WHERE c.tenant_id = d.id AND 'technical' = ANY (c.types) AND c.validation_state = 'valid')),
         'management', count(*) FILTER (WHERE EXISTS (SELECT 1 FROM contacts c WHERE c.tenant_id = d.id AND 'management' = ANY (c.types) AND c.validation_state = 'valid')))
         FROM tenant_closure tc JOIN tenants d ON d.id = tc.descendant_id AND d.deleted_at IS NULL
         WHERE tc.ancestor_id = a.id) AS counted
    FROM tenants a ORDER BY a.id`.execute(t.db);
  const zero = { tenants: 0, billing: 0, technical: 0, management: 0 };
  return rows.map((r) => ({ id: r.id, kept: r.kept ?? zero, counted: r.counted }));
}

async function expectExact() {
  for (const row of await summariesAndRecount()) expect(row.kept, row.id).toEqual(row.counted);
}

describe('coverage summaries', () => {
  it('stay equal to a count from scratch through every kind of change', async () => {
    await expectExact();
    const folder = (await createTenant(t, { parentId: p.partnerId, kind: 'folder', as: p.admin })).id;
    const customers = [];
    for (let i = 0; i < 3; i++) customers.push(await createTenant(t, { parentId: folder, as: p.admin }));
    const unit = await createTenant(t, { parentId: customers[0].id, kind: 'unit', as: p.admin });
    await expectExact();

    const a = await createContact(t, { tenantId: customers[0].id, types: ['billing', 'technical'], as: p.admin });
    const b = await createContact(t, { tenantId: customers[0].id, types: ['billing'], as: p.admin });
    const c = await createContact(t, { tenantId: unit.id, types: ['management'], as: p.admin });
    await createContact(t, { tenantId: customers[1].id, types: ['technical'], as: p.admin });
    await expectExact();

    // Retyped (b takes billing over, then a drops it), one made invalid, one deleted.
    expectStatus(
      await t.call(p.admin, 'PUT', `/api/2/contacts/${b.id}`, { version: b.version, primary_types: ['billing'] }),
      200,
      'move primary',
    );
    const fresh = expectStatus(await t.call(p.admin, 'GET', `/api/2/contacts/${a.id}`), 200, 'read');
    expectStatus(
      await t.call(p.admin, 'PUT', `/api/2/contacts/${a.id}`, { version: fresh.version, types: ['technical'] }),
      200,
      'retype',
    );
    await expectExact();
    // As a bounce does it: one statement over many contacts.
    await sql`UPDATE contacts SET validation_state = 'invalid' WHERE id IN (${b.id}, ${c.id})`.execute(t.db);
    await expectExact();
    await sql`UPDATE contacts SET validation_state = 'valid' WHERE id = ${b.id}`.execute(t.db);
    expect((await t.call(p.admin, 'DELETE', `/api/2/contacts/${c.id}?version=${c.version}`)).status).toBe(204);
    await expectExact();

    // A tenant deleted with its contacts, then its parent's counts.
    const gone = customers[1];
    const disabled = expectStatus(
      await t.call(p.admin, 'PUT', `/api/2/tenants/${gone.id}`, { version: gone.version, enabled: false }),
      200,
      'disable',
    );
    expect((await t.call(p.admin, 'DELETE', `/api/2/tenants/${gone.id}?version=${disabled.version}`)).status).toBe(204);
    await expectExact();
    const coverage = expectStatus(
      await t.call(p.admin, 'GET', `/api/2/tenants/${folder}/contact-coverage`),
      200,
      'cov',
    );
    expect(coverage.tenants).toBe(4); // the folder, two customers, the unit
    expect(coverage.types).toEqual([
      { type: 'billing', covered: 1, uncovered: 3, primary_undeliverable: 0 },
      { type: 'technical', covered: 1, uncovered: 3, primary_undeliverable: 0 },
      { type: 'management', covered: 0, uncovered: 4, primary_undeliverable: 0 },
    ]);
  });
});
