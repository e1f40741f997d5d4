import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpServer, type TestSmtpServer } from '../../../test/support/smtp-server.js';
import {
  createPartnerWorld,
  startTestApp,
  type Actor,
  type PartnerWorld,
  type TestApp,
} from '../../../test/support/test-app.js';
import { createAnnouncement, createContact, createTenant } from '../../../test/support/factories.js';
import { expectError } from '../../../test/support/expect-error.js';

// Drafts: notices kept unsent on the server (POST with draft: true), edited with PATCH, sent with
// POST …/send (checked in full, like a POST) or deleted. Only the tenant that wrote one sees it.

let t: TestApp;
let smtp: TestSmtpServer;
let p: PartnerWorld;
let other: PartnerWorld;
beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp({ smtpUrl: smtp.url });
  p = await createPartnerWorld(t, 'Drafts');
  other = await createPartnerWorld(t, 'DraftsOther');
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const inHours = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const url = (id: string, rest = '') => `/api/2/announcements/${id}${rest}`;

async function draft(fields: Record<string, unknown> = {}, as: Actor = p.admin) {
  const res = await t.call(as, 'POST', '/api/2/announcements', {
    draft: true,
    scope_tenant_id: p.customerId,
    ...fields,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Record<string, any>;
}

const deliveriesOf = async (id: string) =>
  Number(
    (
      await t.db
        .selectFrom('deliveries')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('announcement_id', '=', id)
        .executeTakeFirstOrThrow()
    ).n,
  );
const auditOf = async (id: string) =>
  (await t.db.selectFrom('audit_events').selectAll().where('object_id', '=', id).orderBy('id').execute()).map(
    (e) => e.action,
  );
const listed = async (as: Actor = p.admin, query = '') =>
  ((await t.call(as, 'GET', `/api/2/announcements${query}`)).body.items ?? []).map((a: { id: string }) => a.id);

async function statusBecomes(id: string, status: string) {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const res = await t.call(t.root, 'GET', url(id));
    if (res.body.status === status) return res.body;
    if (Date.now() > deadline) throw new Error(`announcement ${id} not ${status}: ${JSON.stringify(res.body)}`);
    await sleep(25);
  }
}

describe('POST /announcements with draft: true', () => {
  it('stores a draft with only its scope: no deliveries, nothing counted, an audit row', async () => {
    const created = await draft();
    expect(created).toMatchObject({
      status: 'draft',
      scope_tenant_id: p.customerId,
      category: '',
      subject: {},
      body: {},
      send_at: null,
      recipients: 0,
      counts: { pending: 0, sent: 0, failed: 0 },
    });
    expect(await deliveriesOf(created.id)).toBe(0);
    expect(await auditOf(created.id)).toEqual(['create']);
    expect((await t.call(p.admin, 'GET', url(created.id))).body.status).toBe('draft');
  });

  it('keeps what is given, still checking sizes and the time (400 naming the field)', async () => {
    const kept = await draft({ category: 'billing', subject: { it: 'Bozza' }, send_at: inHours(3) });
    expect(kept).toMatchObject({ status: 'draft', category: 'billing', subject: { it: 'Bozza' }, body: {} });
    const big = { draft: true, scope_tenant_id: p.customerId, subject: { en: 'x'.repeat(1_000_000) } };
    expectError(await t.call(p.admin, 'POST', '/api/2/announcements', big), 400, 'validation_failed', 'subject.en');
    const past = { draft: true, scope_tenant_id: p.customerId, send_at: inHours(-1) };
    expectError(await t.call(p.admin, 'POST', '/api/2/announcements', past), 400, 'validation_failed', 'send_at');
    const bad = { draft: true, scope_tenant_id: p.customerId, category: 'gossip' };
    expectError(await t.call(p.admin, 'POST', '/api/2/announcements', bad), 400, 'validation_failed', 'category');
    const noScope = { draft: true, subject: { en: 'x' } };
    expectError(
      await t.call(p.admin, 'POST', '/api/2/announcements', noScope),
      400,
      'validation_failed',
      'scope_tenant_id',
    );
  });

  it('follows the access rules of a notice: another partner, a customer admin and a read-only admin are refused', async () => {
    const body = { draft: true, scope_tenant_id: p.customerId };
    const notice = { category: 'technical', subject: { en: 'x' }, body: { en: 'y' }, scope_tenant_id: p.customerId };
    for (const as of [other.admin, p.customerAdmin, p.readonly]) {
      const asDraft = await t.call(as, 'POST', '/api/2/announcements', body);
      const asNotice = await t.call(as, 'POST', '/api/2/announcements', notice);
      expect(asDraft.status).toBeGreaterThanOrEqual(403);
      expect([asDraft.status, asDraft.body.error?.code]).toEqual([asNotice.status, asNotice.body.error?.code]);
    }
    expect((await t.call(other.admin, 'POST', '/api/2/announcements', body)).status).toBe(404);
  });

  it('a notice without draft still needs category, subject and body (400 naming each)', async () => {
    for (const field of ['category', 'subject', 'body']) {
      const notice: Record<string, unknown> = {
        category: 'technical',
        subject: { en: 'x' },
        body: { en: 'y' },
        scope_tenant_id: p.customerId,
      };
      delete notice[field];
      expectError(await t.call(p.admin, 'POST', '/api/2/announcements', notice), 400, 'validation_failed', field);
    }
  });
});

describe('who sees a draft', () => {
  it('lists drafts for the tenant that wrote them (?status=draft: drafts alone), never for another partner or the customer', async () => {
    const mine = await draft({ subject: { en: 'Listed draft' } });
    const sent = await createAnnouncement(t, { scopeTenantId: p.customerId, as: p.admin });
    expect(await listed()).toEqual(expect.arrayContaining([mine.id, sent.id]));
    const drafts = (await t.call(p.admin, 'GET', '/api/2/announcements?status=draft')).body.items;
    expect(drafts.map((a: { id: string }) => a.id)).toContain(mine.id);
    expect(drafts.every((a: { status: string }) => a.status === 'draft')).toBe(true);
    expect(await listed(p.admin, '?status=queued')).not.toContain(mine.id);
    expect(await listed(p.readonly)).toContain(mine.id);

    // The customer it addresses sees the partner's sent notice, not its draft.
    const customerSees = await listed(p.customerAdmin, `?tenant_id=${p.customerId}`);
    expect(customerSees).toContain(sent.id);
    expect(customerSees).not.toContain(mine.id);
    expect(await listed(other.admin)).not.toContain(mine.id);
    expect((await t.call(other.admin, 'GET', `/api/2/announcements?tenant_id=${p.partnerId}`)).status).toBe(404);
    expectError(await t.call(p.admin, 'GET', '/api/2/announcements?status=sketch'), 400, 'validation_failed', 'status');
  });

  it('another partner gets 404 on get, patch, send and delete, and changes nothing', async () => {
    const mine = await draft({ category: 'technical', subject: { en: 'Private' }, body: { en: 'Private' } });
    for (const as of [other.admin, other.client, p.customerAdmin]) {
      expectError(await t.call(as, 'GET', url(mine.id)), 404, 'not_found');
      expectError(await t.call(as, 'PATCH', url(mine.id), { subject: { en: 'Hijacked' } }), 404, 'not_found');
      expectError(await t.call(as, 'POST', url(mine.id, '/send'), {}), 404, 'not_found');
      expectError(await t.call(as, 'DELETE', url(mine.id)), 404, 'not_found');
    }
    const after = (await t.call(p.admin, 'GET', url(mine.id))).body;
    expect(after).toMatchObject({ status: 'draft', subject: { en: 'Private' } });
    expect(await auditOf(mine.id)).toEqual(['create']);
  });

  it('a read-only admin of the same partner reads it but may not change, send or delete it (403)', async () => {
    const mine = await draft({ subject: { en: 'Read only' } });
    expect((await t.call(p.readonly, 'GET', url(mine.id))).status).toBe(200);
    expect((await t.call(p.readonly, 'PATCH', url(mine.id), { subject: { en: 'No' } })).status).toBe(403);
    expect((await t.call(p.readonly, 'POST', url(mine.id, '/send'), {})).status).toBe(403);
    expect((await t.call(p.readonly, 'DELETE', url(mine.id))).status).toBe(403);
  });
});

describe('editing, sending and deleting a draft', () => {
  it('PATCH changes a draft and keeps it a draft, without checks a notice needs (no English yet)', async () => {
    const mine = await draft();
    const res = await t.call(p.admin, 'PATCH', url(mine.id), { category: 'technical', subject: { it: 'Solo' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'draft', category: 'technical', subject: { it: 'Solo' }, body: {} });
    const again = await t.call(p.admin, 'PATCH', url(mine.id), { subject: { en: 'Both' }, body: { en: 'Text' } });
    expect(again.body).toMatchObject({ status: 'draft', subject: { en: 'Both' }, body: { en: 'Text' } });
    expectError(await t.call(p.admin, 'PATCH', url(mine.id), { subject: { en: '' } }), 400, 'validation_failed');
    expect(await auditOf(mine.id)).toEqual(['create', 'update', 'update']);
    expect(await deliveriesOf(mine.id)).toBe(0);
  });

  it('never reaches the engine: no deliveries however often it runs, even with its time passed', async () => {
    const customer = await createTenant(t, { parentId: p.partnerId, as: p.admin });
    await createContact(t, { tenantId: customer.id, types: ['technical'], as: p.admin });
    const mine = await draft({
      scope_tenant_id: customer.id,
      category: 'technical',
      subject: { en: 'Engine draft' },
      body: { en: 'Engine draft' },
      send_at: inHours(1),
    });
    await sql`UPDATE announcements SET send_at = now() - interval '1 minute' WHERE id = ${mine.id}::uuid`.execute(t.db);
    for (let i = 0; i < 3; i++) {
      await t.announcementWorker.enqueueStep();
      await t.announcementWorker.runOnce();
    }
    expect((await t.call(p.admin, 'GET', url(mine.id))).body.status).toBe('draft');
    expect(await deliveriesOf(mine.id)).toBe(0);
    expect(smtp.received.filter((m) => m.subject === 'Engine draft')).toEqual([]);
  });

  it('send checks the draft as a POST would: 400 naming category, subject, body, then the language rules', async () => {
    const customer = await createTenant(t, { parentId: p.partnerId, as: p.admin });
    await createContact(t, { tenantId: customer.id, types: ['technical'], as: p.admin });
    const mine = await draft({ scope_tenant_id: customer.id });
    const send = () => t.call(p.admin, 'POST', url(mine.id, '/send'), {});
    const refused = await send();
    expectError(refused, 400, 'validation_failed', 'category');
    expect(refused.body.error.context.fields).toEqual(['category', 'subject', 'body']);
    await t.call(p.admin, 'PATCH', url(mine.id), { category: 'technical', subject: { en: 'Half' } });
    expectError(await send(), 400, 'validation_failed', 'body');
    await t.call(p.admin, 'PATCH', url(mine.id), { subject: { it: 'Solo italiano' }, body: { it: 'Testo' } });
    // Its recipient reads English: English may not be left out.
    expectError(await send(), 400, 'validation_failed', 'subject.en');
    await t.call(p.admin, 'PATCH', url(mine.id), { subject: { en: 'Half' }, body: { it: 'Testo' } });
    expectError(await send(), 400, 'validation_failed', 'body.en');
    const still = (await t.call(p.admin, 'GET', url(mine.id))).body;
    expect(still.status).toBe('draft');
    expect(await deliveriesOf(mine.id)).toBe(0);
  });

  it('send turns a complete draft into a notice that is delivered; then it is no draft (409 on send and delete)', async () => {
    const customer = await createTenant(t, { parentId: p.partnerId, as: p.admin });
    const person = await createContact(t, { tenantId: customer.id, types: ['technical'], as: p.admin });
    const mine = await draft({ scope_tenant_id: customer.id, subject: { en: 'Draft sent now' } });
    await t.call(p.admin, 'PATCH', url(mine.id), { category: 'technical', body: { en: 'Hello from a draft' } });
    const res = await t.call(p.admin, 'POST', url(mine.id, '/send'));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(['enqueuing', 'queued', 'sending', 'done']).toContain(res.body.status);
    expect(res.body).toMatchObject({ recipients: 1, send_at: null });
    const done = await statusBecomes(mine.id, 'done');
    expect(done.counts).toMatchObject({ sent: 1 });
    await smtp.waitFor((m) => m.subject === 'Draft sent now' && m.to.includes(person.email));
    expect(await auditOf(mine.id)).toEqual(['create', 'update', 'send']);

    expectError(await t.call(p.admin, 'POST', url(mine.id, '/send'), {}), 409, 'conflict');
    const refused = await t.call(p.admin, 'DELETE', url(mine.id));
    expectError(refused, 409, 'conflict');
    expect(refused.body.error.message).toMatch(/cancel/);
    expect((await t.call(p.admin, 'PATCH', url(mine.id), { subject: { en: 'Late' } })).status).toBe(409);
    expect(await deliveriesOf(mine.id)).toBe(1);
  });

  it('keeps recipients (recipient_rule) through POST and PATCH, and sends to the primaries only when asked', async () => {
    const customer = await createTenant(t, { parentId: p.partnerId, as: p.admin });
    const primary = await createContact(t, { tenantId: customer.id, types: ['billing'], as: p.admin });
    const second = await createContact(t, { tenantId: customer.id, types: ['billing'], as: p.admin });
    const mine = await draft({ scope_tenant_id: customer.id, recipients: 'primary', subject: { en: 'Primary draft' } });
    expect(mine.recipient_rule).toBe('primary');
    const all = await t.call(p.admin, 'PATCH', url(mine.id), { recipients: 'all' });
    expect(all.body).toMatchObject({ status: 'draft', recipient_rule: 'all' });
    await t.call(p.admin, 'PATCH', url(mine.id), {
      recipients: 'primary',
      category: 'billing',
      body: { en: 'To the primary contact' },
    });
    const res = await t.call(p.admin, 'POST', url(mine.id, '/send'));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ recipients: 1, recipient_rule: 'primary' });
    await statusBecomes(mine.id, 'done');
    await smtp.waitFor((m) => m.subject === 'Primary draft' && m.to.includes(primary.email));
    expect(smtp.received.filter((m) => m.subject === 'Primary draft' && m.to.includes(second.email))).toEqual([]);
  });

  it('send with its time ahead schedules it; a scheduled notice cannot be deleted (409), only cancelled', async () => {
    const sendAt = inHours(5);
    const mine = await draft({
      category: 'technical',
      subject: { en: 'Later' },
      body: { en: 'Later' },
      send_at: sendAt,
    });
    const res = await t.call(p.admin, 'POST', url(mine.id, '/send'), {});
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ status: 'scheduled', send_at: sendAt });
    const refused = await t.call(p.admin, 'DELETE', url(mine.id));
    expectError(refused, 409, 'conflict');
    expect(refused.body.error.context).toMatchObject({ status: 'scheduled' });
    expect((await t.call(p.admin, 'POST', url(mine.id, '/cancel'), {})).status).toBe(200);
    expect(await deliveriesOf(mine.id)).toBe(0);
  });

  it('a draft whose time passed is sent at once', async () => {
    const mine = await draft({
      category: 'technical',
      subject: { en: 'Overdue' },
      body: { en: 'x' },
      send_at: inHours(1),
    });
    await sql`UPDATE announcements SET send_at = now() - interval '1 minute' WHERE id = ${mine.id}::uuid`.execute(t.db);
    const res = await t.call(p.admin, 'POST', url(mine.id, '/send'), {});
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.status).not.toBe('scheduled');
    expect(res.body.send_at).toBeNull();
  });

  it('DELETE removes a draft (204) with an audit row; it is gone for everyone', async () => {
    const mine = await draft({ subject: { en: 'To delete' } });
    const res = await t.call(p.admin, 'DELETE', url(mine.id));
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    expectError(await t.call(p.admin, 'GET', url(mine.id)), 404, 'not_found');
    expect(await listed()).not.toContain(mine.id);
    expectError(await t.call(p.admin, 'DELETE', url(mine.id)), 404, 'not_found');
    expect(await auditOf(mine.id)).toEqual(['create', 'delete']);
  });
});
