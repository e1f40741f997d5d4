import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnnouncementWorker } from '../../engine/delivery-queue.js';
import { smtpTransport, type MailMessage, type MailTransport } from '../../platform/mail/transport.js';
import { startSmtpServer, type TestSmtpServer } from '../../../test/support/smtp-server.js';
import { createPartnerWorld, startTestApp, type PartnerWorld, type TestApp } from '../../../test/support/test-app.js';
import { createAnnouncement, createContact, createTenant } from '../../../test/support/factories.js';

// Cancelling a notice while it is being sent, against a real SMTP server. The app's own worker
// is stopped: the test drives a worker pass by pass, and holds its sends at the SMTP client, so
// "a batch is in flight when the cancel comes" is a state it waits for, not a race it hopes to win.

let t: TestApp;
let smtp: TestSmtpServer;
let p: PartnerWorld;
const held: (() => void)[] = [];
let holding = false;

/** The SMTP transport, with a gate: while holding, each send waits (counted in `held`) until released. */
function gatedTransport(): MailTransport {
  const inner = smtpTransport(smtp.url, 'Liaison <no-reply@liaison.test>', { maxConnections: 2 });
  return {
    async send(message: MailMessage) {
      if (holding) await new Promise<void>((release) => held.push(release));
      await inner.send(message);
    },
    close: () => inner.close(),
  };
}

let worker: AnnouncementWorker;
beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp();
  await t.announcementWorker.stop();
  p = await createPartnerWorld(t, 'Cancel');
  worker = new AnnouncementWorker(t.db, {
    transport: gatedTransport(),
    log: pino({ level: 'silent' }),
    pollMs: 20,
    chunkSize: 1,
    batchSize: 2,
    maxAttempts: 5,
    retryBaseMs: 50,
    leaseSeconds: 300,
    messageIdDomain: 'liaison.test',
  });
});
afterAll(async () => {
  await worker?.stop();
  await t?.close();
  await smtp?.close();
});

async function until(check: () => boolean | Promise<boolean>, what: string) {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const statuses = async (id: string) =>
  (await t.db.selectFrom('deliveries').select('status').where('announcement_id', '=', id).orderBy('id').execute()).map(
    (d) => d.status,
  );
const received = (subject: string) => smtp.received.filter((m) => m.subject === subject).length;

describe('cancelling a notice being sent', () => {
  it('sends nothing more after the cancel: pending deliveries are cancelled, sent ones stay sent', async () => {
    const customer = await createTenant(t, { parentId: p.partnerId });
    for (let i = 0; i < 6; i++) await createContact(t, { tenantId: customer.id, types: ['technical'] });
    const notice = await createAnnouncement(t, { scopeTenantId: customer.id, as: p.admin });

    // Enqueued, then the first batch of two sent and recorded.
    for (let pass = 0; pass < 10 && received(notice.subject.en) < 2; pass++) await worker.runOnce();
    expect(await statuses(notice.id)).toEqual(['sent', 'sent', 'pending', 'pending', 'pending', 'pending']);

    // The next batch is claimed and its two messages are at the SMTP client when the cancel comes.
    holding = true;
    const inFlight = worker.runOnce();
    await until(() => held.length === 2, 'a batch in flight');
    const res = await t.call(p.admin, 'POST', `/api/2/announcements/${notice.id}/cancel`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'cancelled', counts: { sent: 2, pending: 0, cancelled: 4 } });
    holding = false;
    held.splice(0).forEach((release) => release());
    await inFlight;

    // The batch in flight could not be called back; nothing claimed after the cancel is sent.
    for (let pass = 0; pass < 3; pass++) expect(await worker.runOnce()).toBe(0);
    expect(received(notice.subject.en)).toBe(4);
    const after = await statuses(notice.id);
    expect(after.slice(0, 2)).toEqual(['sent', 'sent']);
    expect(after.slice(4)).toEqual(['cancelled', 'cancelled']);
    expect(after.filter((s) => s === 'pending')).toEqual([]);

    const listed = await t.call(p.admin, 'GET', `/api/2/announcements/${notice.id}/deliveries?status=cancelled`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.length).toBe(after.filter((s) => s === 'cancelled').length);
    expect(listed.body.items[0]).toMatchObject({
      status: 'cancelled',
      bounced_at: null,
      bounce_status: null,
      complained_at: null,
    });
    const shown = (await t.call(p.admin, 'GET', `/api/2/announcements/${notice.id}`)).body;
    expect(shown).toMatchObject({ status: 'cancelled', completed_at: null });
  });

  it('stops enqueueing one cancelled halfway: no more deliveries are made, none is sent', async () => {
    const folder = await createTenant(t, { parentId: p.partnerId, kind: 'folder' });
    const tenants = [];
    for (let i = 0; i < 4; i++) tenants.push(await createTenant(t, { parentId: folder.id }));
    for (const tenant of tenants) await createContact(t, { tenantId: tenant.id, types: ['technical'] });
    const notice = await createAnnouncement(t, { scopeTenantId: folder.id, as: p.admin });
    expect(notice.recipients).toBe(4);

    // One chunk (one tenant) enqueued; the notice is still enqueuing when it is cancelled.
    await worker.enqueueStep();
    const made = (await statuses(notice.id)).length;
    expect(made).toBeLessThan(4);
    const res = await t.call(t.root, 'POST', `/api/2/announcements/${notice.id}/cancel`, {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'cancelled', counts: { cancelled: made, pending: 0, sent: 0 } });

    for (let pass = 0; pass < 5; pass++) await worker.runOnce();
    expect(await statuses(notice.id)).toEqual(Array(made).fill('cancelled'));
    expect(received(notice.subject.en)).toBe(0);
  });
});
