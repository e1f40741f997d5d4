import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnitOfWork } from '../../platform/db/unit-of-work.js';
import { startSmtpServer, type TestSmtpServer } from '../../../test/support/smtp-server.js';
import { createPartnerWorld, startTestApp, type PartnerWorld, type TestApp } from '../../../test/support/test-app.js';
import { createContact, createTenant, expectStatus } from '../../../test/support/factories.js';
import { attestationPass } from './attestation.sweep.js';

// The sweep's clock as configured: reminders after reminderDays, at most maxReminders, and
// confirmations stale after staleDays. Time moves by ageing the rows' timestamps in SQL.

let t: TestApp;
let smtp: TestSmtpServer;
let p: PartnerWorld;
let pass: () => Promise<number>;
beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp({
    smtpUrl: smtp.url,
    attestation: { staleDays: 30, linkDays: 60, reminderDays: 2, maxReminders: 2, pollMs: 3_600_000 },
  });
  p = await createPartnerWorld(t, 'Clock');
  pass = attestationPass(new UnitOfWork(t.db), t.config);
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

async function drain() {
  while ((await pass()) > 0);
}
const state = async (id: string) =>
  (await t.call(p.admin, 'GET', `/api/2/contacts/${id}`)).body.attestation_state as string | null;
/** The questions and reminders queued for the address (each is one message). */
const queued = async (email: string) =>
  (
    await t.db
      .selectFrom('mail_outbox')
      .select('subject')
      .where('kind', '=', 'attestation')
      .where('to_address', '=', email)
      .execute()
  ).length;
/** The contact's question was last mailed `ago` (a PostgreSQL interval) before now. */
const lastSentAgo = (contactId: string, ago: string) =>
  sql`UPDATE attestation_requests SET last_sent_at = now() - ${ago}::interval WHERE contact_id = ${contactId}`.execute(
    t.db,
  );
const received = (email: string, reminder: boolean) =>
  smtp.received.filter(
    (m) => m.to.includes(email) && /\/attest\?token=/.test(m.text) && /^Reminder:/.test(m.subject) === reminder,
  ).length;

describe('reminders, with reminderDays = 2 and maxReminders = 2', () => {
  it('reminds an unanswered question once 2 days have passed, again 2 days later, and never a third time', async () => {
    const tenant = await createTenant(t, { parentId: p.partnerId, kind: 'customer', as: p.admin });
    const silent = await createContact(t, { tenantId: tenant.id, types: ['billing'], as: p.admin });
    const answering = await createContact(t, { tenantId: tenant.id, types: ['billing'], as: p.admin });
    expectStatus(
      await t.call(p.admin, 'POST', '/api/2/attestation-campaigns', { scope_tenant_id: tenant.id }),
      201,
      'campaign',
    );
    await expect
      .poll(async () => {
        await drain();
        return [await queued(silent.email), await queued(answering.email)];
      })
      .toEqual([1, 1]);
    const question = await smtp.waitFor((m) => m.to.includes(answering.email) && /\/attest\?token=/.test(m.text));
    const token = /\/attest\?token=([a-z0-9-]+)&answer=yes/.exec(question.text)![1];
    expect((await t.call(undefined, 'POST', '/api/2/attestations', { token, answer: 'yes' })).status).toBe(200);

    // Both questions were mailed 47 hours ago: too early for a reminder.
    await lastSentAgo(silent.id, '47 hours');
    await drain();
    expect(await queued(silent.email)).toBe(1);

    await lastSentAgo(silent.id, '2 days 1 minute');
    await expect
      .poll(async () => {
        await drain();
        return queued(silent.email);
      })
      .toBe(2);
    const reminder = await smtp.waitFor((m) => m.to.includes(silent.email) && /^Reminder:/.test(m.subject));
    expect(reminder.subject).toBe(`Reminder: Are you still the Billing contact of ${tenant.name}?`);

    // The second reminder counts its 2 days from the first.
    await lastSentAgo(silent.id, '47 hours');
    await drain();
    expect(await queued(silent.email)).toBe(2);
    await lastSentAgo(silent.id, '2 days 1 minute');
    await expect
      .poll(async () => {
        await drain();
        return queued(silent.email);
      })
      .toBe(3);

    // Never a third, however long it stays unanswered while the campaign runs.
    await lastSentAgo(silent.id, '2 days 1 minute');
    await drain();
    await lastSentAgo(silent.id, '20 days');
    await drain();
    expect(await queued(silent.email)).toBe(3);
    await expect.poll(() => [received(silent.email, false), received(silent.email, true)]).toEqual([1, 2]);
    expect(await state(silent.id)).toBe('pending');

    // The answered question got no reminder at all.
    await lastSentAgo(answering.id, '20 days');
    await drain();
    expect(await queued(answering.email)).toBe(1);
    expect(received(answering.email, true)).toBe(0);
  });
});

describe('staleness, with staleDays = 30', () => {
  it('turns a confirmation 31 days old stale and leaves one 29 days old confirmed', async () => {
    const tenant = await createTenant(t, { parentId: p.partnerId, kind: 'customer', as: p.admin });
    const old = await createContact(t, { tenantId: tenant.id, as: p.admin });
    const recent = await createContact(t, { tenantId: tenant.id, as: p.admin });
    const confirmedAgo = (id: string, days: number) =>
      sql`UPDATE contacts SET attestation_state = 'confirmed', attested_at = now() - make_interval(days => ${days})
        WHERE id = ${id}`.execute(t.db);
    await confirmedAgo(old.id, 31);
    await confirmedAgo(recent.id, 29);
    // Never asked: created that long ago counts as unconfirmed that long.
    const oldNever = await createContact(t, { tenantId: tenant.id, as: p.admin });
    const youngNever = await createContact(t, { tenantId: tenant.id, as: p.admin });
    await sql`UPDATE contacts SET created_at = now() - interval '31 days' WHERE id = ${oldNever.id}`.execute(t.db);
    await sql`UPDATE contacts SET created_at = now() - interval '29 days' WHERE id = ${youngNever.id}`.execute(t.db);

    await drain();
    expect(await state(old.id)).toBe('stale');
    expect(await state(recent.id)).toBe('confirmed');
    expect(await state(oldNever.id)).toBe('stale');
    expect(await state(youngNever.id)).toBeNull();
    const coverage = await t.call(p.admin, 'GET', `/api/2/tenants/${tenant.id}/contact-coverage`);
    expect(coverage.body.attestation).toEqual({ stale: 2, declined: 0, pending: 0 });
  });

  it('when a question expires unanswered, a 29-day-old confirmation is confirmed again and a 31-day-old unconfirmed contact stale', async () => {
    const tenant = await createTenant(t, { parentId: p.partnerId, kind: 'customer', as: p.admin });
    const recent = await createContact(t, { tenantId: tenant.id, as: p.admin });
    const oldNever = await createContact(t, { tenantId: tenant.id, as: p.admin });
    await sql`UPDATE contacts SET attestation_state = 'confirmed', attested_at = now() - interval '29 days'
      WHERE id = ${recent.id}`.execute(t.db);
    const campaign = expectStatus(
      await t.call(p.admin, 'POST', '/api/2/attestation-campaigns', { scope_tenant_id: tenant.id }),
      201,
      'campaign',
    );
    expect(campaign.counts.total).toBe(2);
    // Asked while young; 31 days old when the campaign ends unanswered.
    await sql`UPDATE contacts SET created_at = now() - interval '31 days' WHERE id = ${oldNever.id}`.execute(t.db);
    await sql`UPDATE attestation_campaigns SET expires_at = now() - interval '1 second' WHERE id = ${campaign.id}`.execute(
      t.db,
    );
    await expect
      .poll(async () => {
        await drain();
        return [await state(recent.id), await state(oldNever.id)];
      })
      .toEqual(['confirmed', 'stale']);
  });
});
