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
import {
  createAnnouncement as made,
  createClient,
  createContact,
  createTenant,
} from '../../../test/support/factories.js';
import { expectError } from '../../../test/support/expect-error.js';

// Scheduled and mandatory notices: what POST /announcements accepts, and when a scheduled one starts.

let t: TestApp;
let smtp: TestSmtpServer;
let p: PartnerWorld;
beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp({ smtpUrl: smtp.url });
  p = await createPartnerWorld(t, 'Sched');
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

/** The factory's announcement, with every field the answer has. */
const createAnnouncement = async (...args: Parameters<typeof made>): Promise<Record<string, any>> => made(...args);
const inHours = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function statusBecomes(id: string, status: string) {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const res = await t.call(t.root, 'GET', `/api/2/announcements/${id}`);
    if (res.body.status === status) return res.body;
    if (Date.now() > deadline) throw new Error(`announcement ${id} not ${status}: ${JSON.stringify(res.body)}`);
    await sleep(25);
  }
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

describe('POST /announcements with send_at', () => {
  it('schedules the notice: nothing is enqueued or sent until its time, then it goes as any other', async () => {
    const customer = await createTenant(t, { parentId: p.partnerId, as: p.admin });
    const person = await createContact(t, { tenantId: customer.id, types: ['technical'], as: p.admin });
    const sendAt = inHours(2);
    const created = await createAnnouncement(t, {
      scopeTenantId: customer.id,
      as: p.admin,
      fields: { send_at: sendAt },
    });
    expect(created).toMatchObject({
      status: 'scheduled',
      send_at: sendAt,
      cancelled_at: null,
      mandatory: false,
      recipients: 1,
      counts: { pending: 0, sent: 0, failed: 0, cancelled: 0, opted_out: 0, bounced: 0, complained: 0 },
    });

    // However often the worker runs before its time, the notice waits.
    for (let i = 0; i < 3; i++) await t.announcementWorker.runOnce();
    expect((await t.call(p.admin, 'GET', `/api/2/announcements/${created.id}`)).body.status).toBe('scheduled');
    expect(await deliveriesOf(created.id)).toBe(0);

    // Its time comes (moved into the past rather than waited for): the worker starts it.
    await sql`UPDATE announcements SET send_at = now() - interval '1 second' WHERE id = ${created.id}::uuid`.execute(
      t.db,
    );
    const done = await statusBecomes(created.id, 'done');
    expect(done).toMatchObject({ counts: { sent: 1, pending: 0 }, recipients: 1 });
    expect(Date.parse(done.enqueued_at)).toBeGreaterThan(Date.parse(done.created_at));
    await smtp.waitFor((m) => m.subject === created.subject.en && m.to.includes(person.email));

    const audit = await t.db.selectFrom('audit_events').selectAll().where('object_id', '=', created.id).execute();
    expect(audit.map((e) => [e.action, (e.after as { send_at: string }).send_at])).toEqual([['create', sendAt]]);
  });

  it('accepts any RFC 3339 offset and answers the time in UTC', async () => {
    const local = new Date(Date.now() + 3 * 3600_000);
    const offset = new Date(local.getTime() + 2 * 3600_000).toISOString().replace('Z', '+02:00');
    const created = await createAnnouncement(t, { scopeTenantId: p.customerId, fields: { send_at: offset } });
    expect(Date.parse(created.send_at)).toBe(local.getTime());
    expect(created.send_at).toMatch(/Z$/);
  });

  it('refuses a time in the past, now, more than a year ahead or not RFC 3339 (400 naming send_at)', async () => {
    const body = (send_at: unknown) => ({
      category: 'technical',
      subject: { en: 'Later' },
      body: { en: 'Later' },
      scope_tenant_id: p.partnerId,
      send_at,
    });
    const before = await t.db
      .selectFrom('announcements')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    for (const sendAt of [
      inHours(-1),
      new Date().toISOString(),
      inHours(24 * 400),
      '2030-02-30T10:00:00Z',
      'tomorrow',
      '2030-01-01 10:00',
      '',
      42,
      null,
    ]) {
      const res = await t.call(p.admin, 'POST', '/api/2/announcements', body(sendAt));
      expectError(res, 400, 'validation_failed', 'send_at');
    }
    const after = await t.db
      .selectFrom('announcements')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toEqual(before.n);
  });
});

describe('mandatory', () => {
  it('is false unless asked; root admins and root API clients may set it', async () => {
    const byRoot = await createAnnouncement(t, { scopeTenantId: p.partnerId, fields: { mandatory: true } });
    expect(byRoot).toMatchObject({ mandatory: true });
    const rootClient = await createClient(t, { tenantId: t.rootTenantId });
    const byClient = await createAnnouncement(t, {
      scopeTenantId: p.partnerId,
      as: rootClient.actor,
      fields: { mandatory: 'true', send_at: inHours(1) },
    });
    expect(byClient).toMatchObject({ mandatory: true, status: 'scheduled' });
    const plain = await createAnnouncement(t, {
      scopeTenantId: p.partnerId,
      as: p.admin,
      fields: { mandatory: false },
    });
    expect(plain).toMatchObject({ mandatory: false });
  });

  it('is refused to anyone else (403 1002 naming mandatory), on preview too, and nothing is created', async () => {
    const before = await t.db
      .selectFrom('announcements')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const body = {
      category: 'technical',
      subject: { en: 'Must read' },
      body: { en: 'Must read' },
      scope_tenant_id: p.customerId,
      mandatory: true,
    };
    for (const actor of [p.admin, p.client]) {
      const res = await t.call(actor, 'POST', '/api/2/announcements', body);
      expectError(res, 403, 1002, 'mandatory');
      expect(res.body.error.message).toMatch(/mandatory/);
    }
    expectError(await t.call(p.admin, 'POST', '/api/2/announcements/preview', body), 403, 1002, 'mandatory');
    const after = await t.db
      .selectFrom('announcements')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toEqual(before.n);
  });
});

const patch = (actor: Actor, id: string, body: unknown) => t.call(actor, 'PATCH', `/api/2/announcements/${id}`, body);
const cancel = (actor: Actor, id: string, body?: unknown) =>
  t.call(actor, 'POST', `/api/2/announcements/${id}/cancel`, body);
const auditOf = (id: string) =>
  t.db.selectFrom('audit_events').selectAll().where('object_id', '=', id).orderBy('id').execute();

describe('PATCH /announcements/{id}', () => {
  it('changes a scheduled notice: content, time, category and fallback, recounting its recipients', async () => {
    const customer = await createTenant(t, { parentId: p.partnerId, as: p.admin });
    await createContact(t, { tenantId: customer.id, types: ['technical'], as: p.admin });
    await createContact(t, { tenantId: customer.id, types: ['billing'], as: p.admin });
    await createContact(t, { tenantId: customer.id, types: ['billing'], as: p.admin });
    const created = await createAnnouncement(t, {
      scopeTenantId: customer.id,
      as: p.admin,
      fields: { send_at: inHours(5) },
    });
    expect(created.recipients).toBe(1);

    const later = inHours(30);
    const res = await patch(p.admin, created.id, {
      subject: { en: 'Maintenance moved', it: 'Manutenzione spostata' },
      body: { en: 'New window' },
      send_at: later,
      category: 'billing',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      id: created.id,
      status: 'scheduled',
      send_at: later,
      category: 'billing',
      subject: { en: 'Maintenance moved', it: 'Manutenzione spostata' },
      body: { en: 'New window' },
      fallback: 'none',
      recipients: 2,
    });
    expect((await t.call(p.admin, 'GET', `/api/2/announcements/${created.id}`)).body).toEqual({
      ...res.body,
      counts: expect.any(Object),
    });
    // Values as established clients send them, strings for booleans; one field alone is a change too.
    const root = await patch(t.root, created.id, { mandatory: 'true' });
    expect(root.status, JSON.stringify(root.body)).toBe(200);
    expect(root.body).toMatchObject({ mandatory: true, category: 'billing', send_at: later });

    const audit = await auditOf(created.id);
    expect(audit.map((e) => e.action)).toEqual(['create', 'update', 'update']);
    expect(audit[1]).toMatchObject({
      actor_type: 'user',
      actor_id: p.admin.userId,
      before: { category: 'technical', send_at: created.send_at, subject: created.subject, body: created.body },
      after: { category: 'billing', send_at: later },
    });
    expect(audit[2]).toMatchObject({ before: { mandatory: false }, after: { mandatory: true } });
  });

  it('refuses bad changes with a 400 naming the field, and mandatory to all but root administrators', async () => {
    const created = await createAnnouncement(t, {
      scopeTenantId: p.customerId,
      as: p.admin,
      fields: { send_at: inHours(5) },
    });
    expectError(await patch(p.admin, created.id, { send_at: inHours(-2) }), 400, 'validation_failed', 'send_at');
    expectError(await patch(p.admin, created.id, { send_at: inHours(24 * 400) }), 400, 'validation_failed', 'send_at');
    expectError(await patch(p.admin, created.id, { scope_tenant_id: p.partnerId }), 400, 'validation_failed');
    expectError(await patch(p.admin, created.id, { subject: { en: ' ' } }), 400, 'validation_failed');
    expectError(await patch(p.admin, created.id, { category: 'legal' }), 400, 'validation_failed', 'category');
    expectError(await patch(p.admin, created.id, {}), 400, 'validation_failed');
    expectError(await patch(p.admin, created.id, { mandatory: true }), 403, 1002, 'mandatory');
    // Not a change: an established client sending the field back as it read it.
    expect((await patch(p.admin, created.id, { mandatory: false })).status).toBe(200);
    const mandatory = await patch(t.root, created.id, { mandatory: true, fallback: 'ancestor' });
    expect(mandatory.body).toMatchObject({ mandatory: true, fallback: 'ancestor' });
    // A field left out stays as it is (no default fills it in).
    const subjectOnly = await patch(p.admin, created.id, { subject: { en: 'Only the subject' } });
    expect(subjectOnly.body).toMatchObject({
      mandatory: true,
      fallback: 'ancestor',
      subject: { en: 'Only the subject' },
    });
    expectError(await patch(p.admin, created.id, { mandatory: false }), 403, 1002, 'mandatory');
    expect((await patch(p.admin, created.id, { mandatory: true, subject: { en: 'Still mandatory' } })).status).toBe(
      200,
    );
    expect((await auditOf(created.id)).map((e) => e.action)).toEqual([
      'create',
      'update',
      'update',
      'update',
      'update',
    ]);
  });

  it('answers 409 once the notice started, and for one that was never scheduled', async () => {
    const now = await createAnnouncement(t, { scopeTenantId: p.customerId, as: p.admin });
    await statusBecomes(now.id, 'done');
    const res = await patch(p.admin, now.id, { subject: { en: 'Too late' } });
    expectError(res, 409, 'conflict');
    expect(res.body.error.context).toEqual({ status: 'done' });
    expect((await t.call(p.admin, 'GET', `/api/2/announcements/${now.id}`)).body.subject).toEqual(now.subject);
  });
});

describe('POST /announcements/{id}/cancel', () => {
  it('cancels a scheduled notice: it never starts, even once its time has passed', async () => {
    const customer = await createTenant(t, { parentId: p.partnerId, as: p.admin });
    await createContact(t, { tenantId: customer.id, types: ['technical'], as: p.admin });
    const created = await createAnnouncement(t, {
      scopeTenantId: customer.id,
      as: p.client,
      fields: { send_at: inHours(1) },
    });
    const res = await cancel(p.client, created.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id: created.id, status: 'cancelled', send_at: created.send_at });
    expect(Date.parse(res.body.cancelled_at)).toBeGreaterThan(Date.parse(created.created_at));

    await sql`UPDATE announcements SET send_at = now() - interval '1 minute' WHERE id = ${created.id}::uuid`.execute(
      t.db,
    );
    for (let i = 0; i < 3; i++) await t.announcementWorker.runOnce();
    expect((await t.call(p.admin, 'GET', `/api/2/announcements/${created.id}`)).body.status).toBe('cancelled');
    expect(await deliveriesOf(created.id)).toBe(0);

    // Once cancelled, nothing more: not again, not an edit. An empty JSON body is "no body".
    expectError(await cancel(p.admin, created.id, {}), 409, 'conflict');
    expectError(await patch(p.admin, created.id, { subject: { en: 'Back' } }), 409, 'conflict');
    const empty = await t.app.inject({
      method: 'POST',
      url: `/api/2/announcements/${created.id}/cancel`,
      headers: { authorization: p.admin.authorization, 'content-type': 'application/json' },
      payload: '',
    });
    expect(empty.statusCode, empty.body).toBe(409);
    expectError(await cancel(p.admin, created.id, { reason: 'x' }), 400, 'validation_failed');

    const audit = await auditOf(created.id);
    expect(audit.map((e) => [e.action, e.actor_type])).toEqual([
      ['create', 'client'],
      ['cancel', 'client'],
    ]);
    expect(audit[1]).toMatchObject({
      before: { status: 'scheduled' },
      after: { status: 'cancelled', deliveries_cancelled: 0 },
    });
  });

  it('answers 409 for a notice already done', async () => {
    const now = await createAnnouncement(t, { scopeTenantId: p.customerId, as: p.admin });
    await statusBecomes(now.id, 'done');
    const res = await cancel(p.admin, now.id);
    expectError(res, 409, 'conflict');
    expect(res.body.error.context).toEqual({ status: 'done' });
  });
});

describe('who may change or cancel a notice', () => {
  it('another partner can neither read, edit nor cancel it (404); readers and those below the sender get 403', async () => {
    const other = await createPartnerWorld(t, 'Other');
    const created = await createAnnouncement(t, {
      scopeTenantId: p.customerId,
      as: p.admin,
      fields: { send_at: inHours(2) },
    });
    const url = `/api/2/announcements/${created.id}`;
    for (const actor of [other.admin, other.client, other.customerAdmin]) {
      expectError(await t.call(actor, 'GET', url), 404, 'not_found');
      expectError(await patch(actor, created.id, { subject: { en: 'Hijacked' } }), 404, 'not_found');
      expectError(await cancel(actor, created.id), 404, 'not_found');
    }
    expectError(await patch(p.readonly, created.id, { subject: { en: 'Read only' } }), 403, 1002);
    expectError(await cancel(p.readonly, created.id), 403, 1002);
    // The customer's own admin sees its provider's notice but may not stop or rewrite it.
    expect((await t.call(p.customerAdmin, 'GET', url)).status).toBe(200);
    const below = await cancel(p.customerAdmin, created.id);
    expectError(below, 403, 1002);
    expect(below.body.error.message).toMatch(/sent this announcement/);
    expectError(await patch(p.customerAdmin, created.id, { subject: { en: 'Mine' } }), 403, 1002);
    const missing = '00000000-0000-4000-8000-000000000000';
    expectError(await cancel(p.admin, missing), 404, 'not_found');
    expectError(await patch(p.admin, missing, { subject: { en: 'Nobody' } }), 404, 'not_found');

    const after = (await t.call(p.admin, 'GET', url)).body;
    expect(after).toMatchObject({ status: 'scheduled', subject: created.subject });
    expect((await auditOf(created.id)).map((e) => e.action)).toEqual(['create']);
  });
});
