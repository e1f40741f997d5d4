import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnitOfWork } from '../../platform/db/unit-of-work.js';
import { setPassword } from '../setup/bootstrap.service.js';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../../../test/support/smtp-server.js';
import {
  createPartnerWorld,
  startTestApp,
  type Actor,
  type PartnerWorld,
  type TestApp,
} from '../../../test/support/test-app.js';
import { createContact, createTenant, expectStatus, unique } from '../../../test/support/factories.js';
import { expectError } from '../../../test/support/expect-error.js';
import { attestationPass } from './attestation.sweep.js';

// Re-attestation over the API: campaigns mailed through a real SMTP server, answered through the
// links read from the received text, the sweep's reminders, expiry, staleness and schedules.

let t: TestApp;
let smtp: TestSmtpServer;
let p: PartnerWorld;
let q: PartnerWorld;
/** One pass of the background work, as the engine's loop runs it. */
let pass: () => Promise<number>;
beforeAll(async () => {
  smtp = await startSmtpServer();
  // One reminder, due at once: a pass mails a question, the next its reminder, then nothing more.
  t = await startTestApp({
    smtpUrl: smtp.url,
    attestation: { staleDays: 365, linkDays: 30, reminderDays: 0, maxReminders: 1, pollMs: 3_600_000 },
  });
  p = await createPartnerWorld(t, 'A');
  q = await createPartnerWorld(t, 'Q');
  pass = attestationPass(new UnitOfWork(t.db), t.config);
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const start = (as: Actor, body: object) => t.call(as, 'POST', '/api/2/attestation-campaigns', body);
const contact = async (id: string) => (await t.call(p.admin, 'GET', `/api/2/contacts/${id}`)).body;
const linkIn = (mail: ReceivedMail, answer: 'yes' | 'no') => {
  const found = new RegExp(`http://liaison\\.test/attest\\?token=([a-z0-9-]+)&answer=${answer}`).exec(mail.text);
  if (!found) throw new Error(`no ${answer} link in ${mail.text}`);
  return found[1];
};
const questionTo = (email: string, reminder = false) =>
  smtp.waitFor(
    (m) =>
      m.to.includes(email) && /\/attest\?token=/.test(m.text) && /^(Reminder|Promemoria):/.test(m.subject) === reminder,
  );
const answer = (token: string, said: 'yes' | 'no') =>
  t.call(undefined, 'POST', '/api/2/attestations', { token, answer: said });
async function drain() {
  while ((await pass()) > 0);
}

describe('attestation campaigns', () => {
  it('asks the contacts of the types in the subtree, by mail, and the answers confirm or remove', async () => {
    const tenant = await createTenant(t, { parentId: p.partnerId, kind: 'customer', as: p.admin });
    const first = await createContact(t, { tenantId: tenant.id, types: ['billing', 'technical'], as: p.admin });
    const second = await createContact(t, { tenantId: tenant.id, types: ['billing'], as: p.admin });
    const tech = await createContact(t, { tenantId: tenant.id, types: ['technical'], as: p.admin });
    const campaign = expectStatus(
      await start(p.admin, { scope_tenant_id: tenant.id, types: ['billing'] }),
      201,
      'campaign',
    );
    expect(campaign).toMatchObject({ scope_tenant_id: tenant.id, types: ['billing'], older_than_days: null });
    expect(campaign.counts).toEqual({ pending: 2, confirmed: 0, declined: 0, expired: 0, withdrawn: 0, total: 2 });
    expect((await contact(first.id)).attestation_state).toBe('pending');
    expect((await contact(tech.id)).attestation_state).toBeNull();

    await drain();
    const toFirst = await questionTo(first.email);
    expect(toFirst.subject).toBe(`Are you still the Billing contact of ${tenant.name}?`);
    const toSecond = await questionTo(second.email);
    await questionTo(second.email, true); // the one reminder this app allows
    const token = linkIn(toSecond, 'yes');
    expect(linkIn(toSecond, 'no')).toBe(token);

    // Opening the link shows the question and changes nothing.
    const shown = await t.call(undefined, 'GET', `/api/2/attestations/${token}`);
    expect(shown.body).toMatchObject({ state: 'pending', tenant_name: tenant.name, types: ['billing'] });
    expect((await contact(second.id)).attestation_state).toBe('pending');

    expect((await answer(token, 'yes')).body).toMatchObject({ state: 'confirmed' });
    const confirmed = await contact(second.id);
    expect(confirmed.attestation_state).toBe('confirmed');
    expect(Date.now() - Date.parse(confirmed.attested_at)).toBeLessThan(60_000);
    expectError(await answer(token, 'no'), 410, 'token_used');
    expect((await contact(second.id)).types).toEqual(['billing']);

    // No from the billing primary: it keeps technical, the other billing contact becomes primary.
    expect((await answer(linkIn(toFirst, 'no'), 'no')).body).toMatchObject({ state: 'declined' });
    const declined = await contact(first.id);
    expect(declined).toMatchObject({ types: ['technical'], primary_types: ['technical'] });
    expect(declined.attestation_state).toBe('declined');
    expect((await contact(second.id)).primary_types).toEqual(['billing']);
    const told = await smtp.waitFor(
      (m) => m.to.includes(`${p.admin.login}@example.test`) && /no longer/.test(m.subject),
    );
    expect(told.subject).toBe(`Grace ${declined.lastname} is no longer the Billing contact of ${tenant.name}`);
    expect(told.text).toContain(first.email);
    expect(told.text).toContain(tenant.name);

    const progress = expectStatus(
      await t.call(p.admin, 'GET', `/api/2/attestation-campaigns/${campaign.id}`),
      200,
      'progress',
    );
    expect(progress.counts).toMatchObject({ pending: 0, confirmed: 1, declined: 1, total: 2 });
    const audit = await t.call(p.admin, 'GET', `/api/2/audit?tenant_id=${tenant.id}&object_id=${first.id}`);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('attestation_declined');
  });

  it('removes a contact that declines its only type; its user stays', async () => {
    const tenant = await createTenant(t, { parentId: p.partnerId, kind: 'customer', as: p.admin });
    const login = unique('linked');
    const user = expectStatus(
      await t.call(p.admin, 'POST', '/api/2/users', {
        tenant_id: tenant.id,
        login,
        contact: { email: `${login}@example.test`, firstname: 'Lin', lastname: 'Ked', language: 'it' },
      }),
      200,
      'user',
    );
    const made = expectStatus(
      await t.call(p.admin, 'POST', '/api/2/contacts', {
        tenant_id: tenant.id,
        user_id: user.id,
        types: ['technical'],
      }),
      201,
      'linked contact',
    );
    expectStatus(await start(p.admin, { scope_tenant_id: tenant.id }), 201, 'campaign');
    await drain();
    const mail = await questionTo(`${login}@example.test`);
    expect(mail.subject).toBe(`Sei ancora il contatto di tipo Tecnico di ${tenant.name}?`);
    await answer(linkIn(mail, 'no'), 'no');
    expectError(await t.call(p.admin, 'GET', `/api/2/contacts/${made.id}`), 404, 'not_found');
    expect((await t.call(p.admin, 'GET', `/api/2/users/${user.id}`)).status).toBe(200);
  });

  it('asks only contacts not confirmed within older_than_days, and never twice at once', async () => {
    const tenant = await createTenant(t, { parentId: p.partnerId, kind: 'customer', as: p.admin });
    const old = await createContact(t, { tenantId: tenant.id, as: p.admin });
    const young = await createContact(t, { tenantId: tenant.id, as: p.admin });
    await sql`UPDATE contacts SET created_at = now() - interval '400 days' WHERE id = ${old.id}`.execute(t.db);
    const picky = expectStatus(
      await start(p.admin, { scope_tenant_id: tenant.id, older_than_days: 180 }),
      201,
      'older',
    );
    expect(picky.counts.total).toBe(1);
    expect((await contact(young.id)).attestation_state).toBeNull();
    const again = expectStatus(await start(p.admin, { scope_tenant_id: tenant.id }), 201, 'all');
    expect(again.counts.total).toBe(1); // the old one's open question stays the one
  });

  it('lets a linked user confirm by signing in', async () => {
    const tenant = await createTenant(t, { parentId: p.partnerId, kind: 'customer', as: p.admin });
    const login = unique('signer');
    const user = expectStatus(
      await t.call(p.admin, 'POST', '/api/2/users', {
        tenant_id: tenant.id,
        login,
        contact: { email: `${login}@example.test`, firstname: 'Sig', lastname: 'Ner' },
      }),
      200,
      'user',
    );
    const made = expectStatus(
      await t.call(p.admin, 'POST', '/api/2/contacts', { tenant_id: tenant.id, user_id: user.id, types: ['billing'] }),
      201,
      'linked contact',
    );
    const campaign = expectStatus(await start(p.admin, { scope_tenant_id: tenant.id }), 201, 'campaign');
    await setPassword(t.db, login, `pw-${login}`);
    await t.tokenFor(login, `pw-${login}`);
    expect((await contact(made.id)).attestation_state).toBe('confirmed');
    const progress = await t.call(p.admin, 'GET', `/api/2/attestation-campaigns/${campaign.id}`);
    expect(progress.body.counts).toMatchObject({ pending: 0, confirmed: 1 });
  });

  it('starts at most 10 campaigns a day over one tenant', async () => {
    const tenant = await createTenant(t, { parentId: p.partnerId, kind: 'customer', as: p.admin });
    for (let i = 0; i < 10; i++)
      expectStatus(await start(p.admin, { scope_tenant_id: tenant.id }), 201, `campaign ${i}`);
    const refused = await start(p.admin, { scope_tenant_id: tenant.id });
    expectError(refused, 429, 'too_many_requests');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(86_000);
    const listed = await t.call(p.admin, 'GET', `/api/2/attestation-campaigns?tenant_id=${tenant.id}`);
    expect(listed.body.items).toHaveLength(10);
  });

  it('refuses bad input and links, naming the field', async () => {
    expectError(
      await start(p.admin, { scope_tenant_id: p.customerId, types: ['legal'] }),
      400,
      'validation_failed',
      'types.0',
    );
    expectError(
      await start(p.admin, { scope_tenant_id: p.customerId, older_than_days: 0 }),
      400,
      'validation_failed',
      'older_than_days',
    );
    expectError(await start(p.admin, { scope_tenant_id: 'nope' }), 400, 'validation_failed', 'scope_tenant_id');
    expectError(
      await answer('a00000000-0000-0000-0000-000000000000-0123456789abcdef0123456789abcdef', 'yes'),
      400,
      'token_invalid',
    );
    expectError(await t.call(undefined, 'GET', '/api/2/attestations/forged'), 400, 'token_invalid');
    expectError(
      await t.call(undefined, 'POST', '/api/2/attestations', { token: 'x', answer: 'maybe' }),
      400,
      'validation_failed',
      'answer',
    );
  });

  it("keeps another partner's campaigns and schedules out of reach", async () => {
    const campaign = expectStatus(await start(p.admin, { scope_tenant_id: p.customerId }), 201, 'campaign');
    expectError(await start(q.admin, { scope_tenant_id: p.customerId }), 404, 1005, 'scope_tenant_id');
    expectError(await start(p.readonly, { scope_tenant_id: p.customerId }), 403, 1002);
    expectError(await t.call(q.admin, 'GET', `/api/2/attestation-campaigns/${campaign.id}`), 404, 'not_found');
    expectError(await t.call(q.admin, 'GET', `/api/2/attestation-campaigns?tenant_id=${p.customerId}`), 404, 1005);
    const schedule = `/api/2/tenants/${p.partnerId}/attestation-schedule`;
    const body = { next_run_at: '2030-01-01T00:00:00Z' };
    expectError(await t.call(q.admin, 'PUT', schedule, body), 404, 1005);
    expectError(await t.call(q.admin, 'GET', schedule), 404, 1005);
    expectError(await t.call(q.admin, 'DELETE', schedule), 404, 1005);
    expectError(await t.call(p.readonly, 'PUT', schedule, body), 403, 1002);
    expect((await t.call(p.readonly, 'GET', `/api/2/attestation-campaigns/${campaign.id}`)).status).toBe(200);
  });
});

describe('the sweep', () => {
  it('expires questions of ended campaigns, turns old confirmations stale, and runs yearly schedules', async () => {
    const tenant = await createTenant(t, { parentId: p.partnerId, kind: 'customer', as: p.admin });
    const asked = await createContact(t, { tenantId: tenant.id, as: p.admin });
    const campaign = expectStatus(await start(p.admin, { scope_tenant_id: tenant.id }), 201, 'campaign');
    await drain();
    const mail = await questionTo(asked.email);
    await sql`UPDATE attestation_campaigns SET expires_at = now() - interval '1 second' WHERE id = ${campaign.id}`.execute(
      t.db,
    );
    await drain();
    expect((await contact(asked.id)).attestation_state).toBeNull();
    expectError(await answer(linkIn(mail, 'yes'), 'yes'), 410, 'token_expired');
    expect((await t.call(p.admin, 'GET', `/api/2/attestation-campaigns/${campaign.id}`)).body.counts.expired).toBe(1);

    await sql`UPDATE contacts SET attested_at = now() - interval '366 days', attestation_state = 'confirmed'
      WHERE id = ${asked.id}`.execute(t.db);
    await drain();
    expect((await contact(asked.id)).attestation_state).toBe('stale');
    const coverage = await t.call(p.admin, 'GET', `/api/2/tenants/${tenant.id}/contact-coverage`);
    expect(coverage.body.attestation).toEqual({ stale: 1, declined: 0, pending: 0 });
    // The partner's coverage counts its whole subtree: this one, and the decline of the first test.
    const partner = (await t.call(p.admin, 'GET', `/api/2/tenants/${p.partnerId}/contact-coverage`)).body;
    expect(partner.attestation.stale).toBeGreaterThanOrEqual(1);
    expect(partner.attestation.declined).toBeGreaterThanOrEqual(1);
    expect((await t.call(q.admin, 'GET', `/api/2/tenants/${tenant.id}/contact-coverage`)).status).toBe(404);

    const url = `/api/2/tenants/${tenant.id}/attestation-schedule`;
    const set = expectStatus(
      await t.call(p.admin, 'PUT', url, { types: ['billing'], next_run_at: '2020-03-01T09:00:00Z' }),
      200,
      'schedule',
    );
    expect(set).toMatchObject({ tenant_id: tenant.id, types: ['billing'], older_than_days: null });
    // The app's own loop, woken by the PUT, may hold the schedule while this pass skips it.
    await drain();
    await expect
      .poll(async () => Date.parse((await t.call(p.admin, 'GET', url)).body.next_run_at))
      .toBeGreaterThan(Date.now());
    const moved = (await t.call(p.admin, 'GET', url)).body;
    expect(moved.next_run_at.slice(4)).toBe('-03-01T09:00:00.000Z');
    const list = (await t.call(p.admin, 'GET', `/api/2/attestation-campaigns?tenant_id=${tenant.id}`)).body.items;
    expect(list[0]).toMatchObject({ created_by: { type: 'user', id: p.admin.userId }, types: ['billing'] });
    expect(list[0].counts.total).toBe(1);
    expect((await t.call(p.admin, 'DELETE', url)).status).toBe(204);
    expectError(await t.call(p.admin, 'GET', url), 404, 'not_found');
  });
});
