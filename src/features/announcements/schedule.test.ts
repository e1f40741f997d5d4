import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpServer, type TestSmtpServer } from '../../../test/support/smtp-server.js';
import { createPartnerWorld, startTestApp, type PartnerWorld, type TestApp } from '../../../test/support/test-app.js';
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
