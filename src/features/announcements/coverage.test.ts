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
import { countBouncedPrimaries } from './coverage.repository.js';

// Effective contacts (who a notice of a type reaches for a tenant) and contact coverage.

let t: TestApp;
let p: PartnerWorld;
let other: PartnerWorld;
beforeAll(async () => {
  t = await startTestApp();
  p = await createPartnerWorld(t, 'Cov');
  other = await createPartnerWorld(t, 'Other');
});
afterAll(() => t?.close());

let seq = 0;
const unique = (base: string) => `${base}-${++seq}`;

async function tenant(actor: Actor, parentId: string, kind = 'customer') {
  const res = await t.call(actor, 'POST', '/api/2/tenants', { name: unique(`T ${kind}`), parent_id: parentId, kind });
  if (res.status !== 201) throw new Error(`create tenant: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; name: string; kind: string; parent_id: string; version: number };
}

async function contact(actor: Actor, tenantId: string, types: string[]) {
  const res = await t.call(actor, 'POST', '/api/2/contacts', {
    tenant_id: tenantId,
    types,
    firstname: 'Grace',
    lastname: unique('Hopper'),
    email: `${unique('c')}@example.test`,
  });
  if (res.status !== 201) throw new Error(`create contact: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; email: string };
}

const markInvalid = (id: string) =>
  t.db.updateTable('contacts').set({ validation_state: 'invalid' }).where('id', '=', id).execute();
const effective = (actor: Actor, tenantId: string, type: string) =>
  t.call(actor, 'GET', `/api/2/tenants/${tenantId}/effective-contacts?type=${type}`);
const coverage = (actor: Actor, tenantId: string, query = '') =>
  t.call(actor, 'GET', `/api/2/tenants/${tenantId}/contact-coverage${query}`);
const summary = (items: { id: string; inherited: boolean; deliverable: boolean }[]) =>
  items.map((c) => ({ id: c.id, inherited: c.inherited, deliverable: c.deliverable }));

// A partner subtree of p: S (tech, billing) ─┬─ C1 (billing) ── U1 unit (none)
//                                            ├─ C2 (tech)
//                                            └─ C3 (a tech contact that bounced)
async function world() {
  const s = await tenant(p.admin, p.partnerId, 'partner');
  const c1 = await tenant(p.admin, s.id);
  const u1 = await tenant(p.admin, c1.id, 'unit');
  const c2 = await tenant(p.admin, s.id);
  const c3 = await tenant(p.admin, s.id);
  const sT = await contact(p.admin, s.id, ['technical']);
  const sB = await contact(p.admin, s.id, ['billing']);
  const c1B = await contact(p.admin, c1.id, ['billing']);
  const c2T = await contact(p.admin, c2.id, ['technical']);
  const c3Bad = await contact(p.admin, c3.id, ['technical']);
  await markInvalid(c3Bad.id);
  return { s, c1, u1, c2, c3, sT, sB, c1B, c2T, c3Bad };
}

describe('GET /tenants/{id}/effective-contacts', () => {
  it("answers the tenant's own contacts of the type, or its nearest ancestor's marked inherited", async () => {
    const w = await world();
    const own = await effective(p.admin, w.c2.id, 'technical');
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(summary(own.body.items)).toEqual([{ id: w.c2T.id, inherited: false, deliverable: true }]);
    // The full contact object, plus the two flags.
    expect(own.body.items[0]).toMatchObject({
      id: w.c2T.id,
      tenant_id: w.c2.id,
      email: w.c2T.email,
      types: ['technical'],
      validation_state: 'valid',
    });

    expect(summary((await effective(p.admin, w.c1.id, 'technical')).body.items)).toEqual([
      { id: w.sT.id, inherited: true, deliverable: true },
    ]);
    expect(summary((await effective(p.admin, w.u1.id, 'technical')).body.items)).toEqual([
      { id: w.sT.id, inherited: true, deliverable: true },
    ]);
    // The nearest ancestor with one: C1 for billing, not S.
    expect(summary((await effective(p.admin, w.u1.id, 'billing')).body.items)).toEqual([
      { id: w.c1B.id, inherited: true, deliverable: true },
    ]);
    expect(summary((await effective(p.admin, w.s.id, 'billing')).body.items)).toEqual([
      { id: w.sB.id, inherited: false, deliverable: true },
    ]);
    expect((await effective(p.admin, w.s.id, 'management')).body.items).toEqual([]);
  });

  it('shows a bounced own contact as not deliverable, and who covers the tenant instead', async () => {
    const w = await world();
    const res = await effective(p.admin, w.c3.id, 'technical');
    expect(summary(res.body.items)).toEqual([
      { id: w.c3Bad.id, inherited: false, deliverable: false },
      { id: w.sT.id, inherited: true, deliverable: true },
    ]);
    expect(res.body.items[0].validation_state).toBe('invalid');
  });

  it('never climbs above what the caller can see', async () => {
    const partnerTech = await contact(p.admin, p.partnerId, ['technical']);
    expect(summary((await effective(p.admin, p.customerId, 'technical')).body.items)).toEqual([
      { id: partnerTech.id, inherited: true, deliverable: true },
    ]);
    expect(summary((await effective(p.readonly, p.customerId, 'technical')).body.items)).toEqual([
      { id: partnerTech.id, inherited: true, deliverable: true },
    ]);
    // The customer's own admin cannot see its service provider's contacts: nothing to show.
    const mine = await effective(p.customerAdmin, p.customerId, 'technical');
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(mine.body.items).toEqual([]);
  });

  it('answers 404 to another partner and 400 for a missing or unknown type', async () => {
    const w = await world();
    for (const actor of [other.admin, other.client, other.readonly]) {
      expectError(await effective(actor, w.c1.id, 'technical'), 404, 1005);
      expectError(await effective(actor, p.partnerId, 'technical'), 404, 1005);
    }
    expectError(await effective(p.admin, randomUUID(), 'technical'), 404, 1005);
    expectError(
      await t.call(p.admin, 'GET', `/api/2/tenants/${w.c1.id}/effective-contacts`),
      400,
      'validation_failed',
      'type',
    );
    expectError(await effective(p.admin, w.c1.id, 'marketing'), 400, 'validation_failed', 'type');
  });
});

describe('GET /tenants/{id}/contact-coverage', () => {
  it('counts per type the tenants of the subtree with a deliverable contact, and lists those missing some', async () => {
    const w = await world();
    const res = await coverage(p.admin, w.s.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.tenants).toBe(5);
    // C3's only technical contact, its primary, bounced.
    expect(res.body.types).toEqual([
      { type: 'billing', covered: 2, uncovered: 3, primary_undeliverable: 0 },
      { type: 'technical', covered: 2, uncovered: 3, primary_undeliverable: 1 },
      { type: 'management', covered: 0, uncovered: 5, primary_undeliverable: 0 },
    ]);
    const missing = Object.fromEntries(
      res.body.missing.items.map((m: { id: string; missing_types: string[] }) => [m.id, [...m.missing_types].sort()]),
    );
    expect(missing).toEqual({
      [w.s.id]: ['management'],
      [w.c1.id]: ['management', 'technical'],
      [w.u1.id]: ['billing', 'management', 'technical'],
      [w.c2.id]: ['billing', 'management'],
      [w.c3.id]: ['billing', 'management', 'technical'],
    });
    expect(res.body.missing.items.find((m: { id: string }) => m.id === w.u1.id)).toEqual({
      id: w.u1.id,
      name: w.u1.name,
      kind: 'unit',
      parent_id: w.c1.id,
      missing_types: expect.any(Array),
    });
  });

  it('filters by type and pages the missing list', async () => {
    const w = await world();
    const technical = await coverage(p.admin, w.s.id, '?type=technical');
    expect(technical.body.types).toContainEqual({
      type: 'technical',
      covered: 2,
      uncovered: 3,
      primary_undeliverable: 1,
    });
    expect(technical.body.missing.items.map((m: { id: string }) => m.id).sort()).toEqual(
      [w.c1.id, w.u1.id, w.c3.id].sort(),
    );
    for (const m of technical.body.missing.items) expect(m.missing_types).toEqual(['technical']);

    const seen: string[] = [];
    let after = '';
    for (let page = 0; page < 5; page++) {
      const res = await coverage(p.admin, w.s.id, `?type=technical&limit=2${after}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.missing.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.missing.items.map((m: { id: string }) => m.id));
      if (!res.body.missing.paging.cursors.after) break;
      after = `&after=${res.body.missing.paging.cursors.after}`;
    }
    expect(seen.sort()).toEqual([w.c1.id, w.u1.id, w.c3.id].sort());
    expectError(await coverage(p.admin, w.s.id, '?type=marketing'), 400, 'validation_failed', 'type');
    expectError(await coverage(p.admin, w.s.id, '?after=bm9wZQ'), 400, 'validation_failed', 'after');
    for (const foreign of [{}, { before: 3 }]) {
      const after = Buffer.from(JSON.stringify(foreign)).toString('base64url');
      expectError(await coverage(p.admin, w.s.id, `?after=${after}`), 400, 'validation_failed', 'after');
    }
  });

  it('follows changes: a new contact covers, a deleted tenant leaves', async () => {
    const w = await world();
    await contact(p.admin, w.u1.id, ['technical', 'management']);
    const gone = await tenant(p.admin, w.s.id);
    const disabled = await t.call(p.admin, 'PUT', `/api/2/tenants/${gone.id}`, {
      version: gone.version,
      enabled: false,
    });
    expect((await t.call(p.admin, 'DELETE', `/api/2/tenants/${gone.id}?version=${disabled.body.version}`)).status).toBe(
      204,
    );
    const res = await coverage(p.admin, w.s.id);
    expect(res.body.tenants).toBe(5);
    expect(res.body.types).toContainEqual({ type: 'technical', covered: 3, uncovered: 2, primary_undeliverable: 1 });
    expect(res.body.types).toContainEqual({ type: 'management', covered: 1, uncovered: 4, primary_undeliverable: 0 });
    expect(res.body.missing.items.map((m: { id: string }) => m.id)).not.toContain(gone.id);
  });

  it('counts per type the tenants whose primary contact bounced, not those where another contact did', async () => {
    const s = await tenant(p.admin, p.partnerId, 'partner');
    const c1 = await tenant(p.admin, s.id);
    const c2 = await tenant(p.admin, s.id);
    const primary = await contact(p.admin, c1.id, ['billing', 'technical']);
    const second = await contact(p.admin, c1.id, ['billing', 'technical']);
    const c2Primary = await contact(p.admin, c2.id, ['billing']);
    const undeliverable = async (rootId: string) =>
      Object.fromEntries(
        (await coverage(p.admin, rootId)).body.types.map((r: { type: string; primary_undeliverable: number }) => [
          r.type,
          r.primary_undeliverable,
        ]),
      );
    await markInvalid(second.id);
    await markInvalid(c2Primary.id);
    expect(await undeliverable(s.id)).toEqual({ billing: 1, technical: 0, management: 0 });
    // C1's billing primary moves to the contact that bounced.
    const moved = await t.call(p.admin, 'PUT', `/api/2/contacts/${second.id}`, {
      version: (await t.call(p.admin, 'GET', `/api/2/contacts/${second.id}`)).body.version,
      primary_types: ['billing'],
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(await undeliverable(s.id)).toEqual({ billing: 2, technical: 0, management: 0 });
    await markInvalid(primary.id);
    expect(await undeliverable(s.id)).toEqual({ billing: 2, technical: 1, management: 0 });
    // Only the subtree asked about: C2's bounce is not C1's.
    expect(await undeliverable(c1.id)).toEqual({ billing: 1, technical: 1, management: 0 });
    // A large subtree reads the bounced primaries first, a small one its tenants: the same counts.
    for (const root of [s.id, c1.id, c2.id, p.partnerId])
      expect(await countBouncedPrimaries(t.db, root, 1_000_000), root).toEqual(
        await countBouncedPrimaries(t.db, root, 1),
      );
    // A deleted tenant leaves the count.
    const disabled = await t.call(p.admin, 'PUT', `/api/2/tenants/${c2.id}`, { version: c2.version, enabled: false });
    expect((await t.call(p.admin, 'DELETE', `/api/2/tenants/${c2.id}?version=${disabled.body.version}`)).status).toBe(
      204,
    );
    expect(await undeliverable(s.id)).toEqual({ billing: 1, technical: 1, management: 0 });
    expectError(await coverage(other.admin, s.id), 404, 1005);
  });

  it('is scoped: a company admin sees its own subtree, another partner gets 404', async () => {
    const own = await coverage(p.customerAdmin, p.customerId);
    expect(own.status).toBe(200);
    expect(own.body.tenants).toBe(1);
    expectError(await coverage(p.customerAdmin, p.partnerId), 404, 1005);
    const w = await world();
    for (const actor of [other.admin, other.client, other.readonly]) {
      expectError(await coverage(actor, w.s.id), 404, 1005);
      expectError(await coverage(actor, p.partnerId), 404, 1005);
    }
    expectError(await coverage(p.admin, randomUUID()), 404, 1005);
    expect((await coverage(p.readonly, w.s.id)).status).toBe(200);
  });
});
