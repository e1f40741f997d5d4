import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPassword } from '../setup/bootstrap.service.js';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../../../test/support/smtp-server.js';
import {
  createPartnerWorld,
  startTestApp,
  type Actor,
  type PartnerWorld,
  type TestApp,
} from '../../../test/support/test-app.js';
import { expectError } from '../../../test/support/expect-error.js';

// Confirmed email changes and account activation over the API, with every message taken
// from a real SMTP server: links and tokens are read from the received text part only.

let t: TestApp;
let smtp: TestSmtpServer;
let p: PartnerWorld;
let q: PartnerWorld;
let italianTenantId: string;
beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp({ smtpUrl: smtp.url });
  p = await createPartnerWorld(t, 'C');
  q = await createPartnerWorld(t, 'Q');
  const tenant = await t.call(p.admin, 'POST', '/api/2/tenants', {
    name: 'Cliente italiano',
    parent_id: p.partnerId,
    kind: 'customer',
    language: 'it',
  });
  if (tenant.status !== 201) throw new Error(`italian tenant: ${tenant.status}`);
  italianTenantId = tenant.body.id;
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

let seq = 0;
const unique = (base: string) => `${base}-${++seq}`;
const address = (base: string) => `${unique(base)}@example.test`;

interface Person {
  userId: string;
  contactId: string;
  login: string;
  email: string;
  tenantId: string;
}

/** A user of `tenantId` that is a contact there; activated (its address is confirmed) unless told otherwise. */
async function person(options: { tenantId?: string; language?: string; activated?: boolean } = {}): Promise<Person> {
  const tenantId = options.tenantId ?? p.customerId;
  const login = unique('person');
  const email = `${login}@example.test`;
  const user = await t.call(p.admin, 'POST', '/api/2/users', {
    tenant_id: tenantId,
    login,
    contact: {
      email,
      firstname: 'Ada',
      lastname: 'Lovelace',
      ...(options.language ? { language: options.language } : {}),
    },
  });
  if (user.status !== 200) throw new Error(`person: ${user.status} ${JSON.stringify(user.body)}`);
  if (options.activated ?? true) await setPassword(t.db, login, `pw-${login}`);
  const contact = await t.call(p.admin, 'POST', '/api/2/contacts', {
    tenant_id: tenantId,
    user_id: user.body.id,
    types: ['technical'],
  });
  if (contact.status !== 201) throw new Error(`contact: ${contact.status} ${JSON.stringify(contact.body)}`);
  return { userId: user.body.id, contactId: contact.body.id, login, email, tenantId };
}

const getContact = async (id: string) => (await t.call(p.admin, 'GET', `/api/2/contacts/${id}`)).body;
const getUser = async (id: string) => (await t.call(p.admin, 'GET', `/api/2/users/${id}`)).body;

async function changeContactEmail(
  who: Person,
  email: string,
  actor: Actor = p.admin,
  extra: Record<string, unknown> = {},
) {
  const { version } = await getContact(who.contactId);
  return t.call(actor, 'PUT', `/api/2/contacts/${who.contactId}`, { version, email, ...extra });
}

const confirmationTo = (email: string, after = 0) =>
  smtp.waitFor(
    (m) => m.to.includes(email) && /confirm-email\?token=/.test(m.text) && smtp.received.indexOf(m) >= after,
  );
const noticeTo = (email: string) => smtp.waitFor((m) => m.to.includes(email) && !/token=/.test(m.text));

/** The token of the link in the message's plain-text part, checked to sit under the public URL. */
function tokenIn(mail: ReceivedMail, path: '/confirm-email' | '/activate'): string {
  const match = new RegExp(`http://liaison\\.test${path}\\?token=([A-Za-z0-9_%.~-]+)`).exec(mail.text);
  expect(match, mail.text).not.toBeNull();
  return decodeURIComponent(match![1]);
}

const confirm = (token: string) => t.call(undefined, 'POST', '/api/2/email-confirmations', { token });

/** Waits until the worker has handled every message written so far (sent or given up). */
async function mailSettled() {
  for (let i = 0; i < 200; i++) {
    const row = await t.db
      .selectFrom('mail_outbox')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    if (Number(row.n) === 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('mail did not settle');
}

const receivedBy = (email: string) => smtp.received.filter((m) => m.to.includes(email));

describe('changing the email of a contact linked to an activated user', () => {
  it('keeps the old address until the person confirms from the new one (PUT /contacts)', async () => {
    const who = await person();
    const newEmail = address('new');
    const before = await getContact(who.contactId);

    const res = await changeContactEmail(who, newEmail);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      id: who.contactId,
      email: who.email,
      pending_email: newEmail,
      version: before.version + 1,
    });
    expect((await getUser(who.userId)).contact.email).toBe(who.email);

    // The confirmation goes to the new address: text and HTML parts, the public URL's page.
    const mail = await confirmationTo(newEmail);
    expect(mail.subject).toBe('Confirm your new email address');
    expect(mail.text).toContain(who.email);
    expect(mail.text).toContain(newEmail);
    const token = tokenIn(mail, '/confirm-email');
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect(mail.html).toContain(`href="http://liaison.test/confirm-email?token=${encodeURIComponent(token)}"`);
    expect(mail.html).toMatch(/^<!doctype html><html lang="en">/);
    expect(mail.parsed.text).toBeTruthy();

    // The old address is told, and gets nothing it could confirm with.
    const notice = await noticeTo(who.email);
    expect(notice.subject).toBe('A change of your email address was requested');
    expect(notice.text).toContain(newEmail);
    expect(notice.text).not.toContain(token);
    expect(notice.html).not.toContain(token);
    expect(notice.html).toContain(newEmail);

    // Opening the link (what a mail scanner does) changes nothing.
    // It opens the console's page, whose button POSTs (test/browser covers the page itself).
    const page = await t.app.inject({
      method: 'GET',
      url: `/confirm-email?token=${encodeURIComponent(token)}`,
      headers: { accept: 'text/html' },
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<div id="root">');
    const afterGet = await getContact(who.contactId);
    expect(afterGet).toMatchObject({ email: who.email, pending_email: newEmail, version: before.version + 1 });
    expect((await getUser(who.userId)).contact.email).toBe(who.email);

    // The POST confirms: user and contact now carry the new address, nothing is pending.
    const done = await confirm(token);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toEqual({ user_id: who.userId, email: newEmail });
    const user = await getUser(who.userId);
    expect(user.contact.email).toBe(newEmail);
    const contact = await getContact(who.contactId);
    expect(contact).toMatchObject({ email: newEmail, pending_email: null, validation_state: 'valid' });
    expect(contact.version).toBeGreaterThan(afterGet.version);

    // Single use.
    expectError(await confirm(token), 410, 'token_used');
    expect((await getContact(who.contactId)).email).toBe(newEmail);
  });

  it('works the same through PUT /users/{id} contact.email', async () => {
    const who = await person();
    const newEmail = address('via-user');
    const current = await getUser(who.userId);
    const contactBefore = await getContact(who.contactId);
    const res = await t.call(p.admin, 'PUT', `/api/2/users/${who.userId}`, {
      version: current.version,
      contact: { email: newEmail },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.contact.email).toBe(who.email);
    // What the contact shows changed (its pending_email), so its version moves, as through PUT /contacts.
    expect(await getContact(who.contactId)).toMatchObject({
      email: who.email,
      pending_email: newEmail,
      version: contactBefore.version + 1,
    });

    const token = tokenIn(await confirmationTo(newEmail), '/confirm-email');
    await noticeTo(who.email);
    expect((await confirm(token)).status).toBe(200);
    expect((await getUser(who.userId)).contact.email).toBe(newEmail);
    expect(await getContact(who.contactId)).toMatchObject({ email: newEmail, pending_email: null });
  });

  it("is confirmed by the link read from the message even when the customer's own admin asked for it", async () => {
    const who = await person();
    const newEmail = address('by-customer');
    const res = await changeContactEmail(who, newEmail, p.customerAdmin);
    expect(res.status).toBe(200);
    expect(res.body.pending_email).toBe(newEmail);
    // The partner above sees the same pending change.
    expect((await getContact(who.contactId)).pending_email).toBe(newEmail);
    expect((await confirm(tokenIn(await confirmationTo(newEmail), '/confirm-email'))).status).toBe(200);
  });

  it('confirms once when the same link is posted twice at the same moment', async () => {
    const who = await person();
    const newEmail = address('double-click');
    expect((await changeContactEmail(who, newEmail)).status).toBe(200);
    const token = tokenIn(await confirmationTo(newEmail), '/confirm-email');
    const answers = await Promise.all([confirm(token), confirm(token)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 410]);
    expectError(
      answers.find((r) => r.status === 410)!,
      410,
      'token_used',
    );
    expect(await getContact(who.contactId)).toMatchObject({ email: newEmail, pending_email: null });
  });

  it('escapes names in the HTML part', async () => {
    const tenant = await t.call(p.admin, 'POST', '/api/2/tenants', {
      name: unique('<b>Evil & Co</b>'),
      parent_id: p.partnerId,
      kind: 'customer',
    });
    expect(tenant.status, JSON.stringify(tenant.body)).toBe(201);
    const who = await person({ tenantId: tenant.body.id });
    const newEmail = address('escaped');
    expect((await changeContactEmail(who, newEmail)).status).toBe(200);
    const mail = await confirmationTo(newEmail);
    expect(mail.text).toContain('<b>Evil & Co</b>');
    expect(mail.html).toContain('&lt;b&gt;Evil &amp; Co&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>Evil');
  });

  it('writes the request and the confirmation to the audit trail', async () => {
    const who = await person();
    const newEmail = address('audited');
    expect((await changeContactEmail(who, newEmail)).status).toBe(200);
    expect((await confirm(tokenIn(await confirmationTo(newEmail), '/confirm-email'))).status).toBe(200);
    const trail = await t.call(p.admin, 'GET', `/api/2/audit?tenant_id=${who.tenantId}&object_id=${who.userId}`);
    expect(trail.status).toBe(200);
    const actions = trail.body.items.map((e: any) => e.action);
    expect(actions.slice(0, 2)).toEqual(['email_change_confirmed', 'email_change_requested']);
    const [confirmed, requested] = trail.body.items;
    expect(requested).toMatchObject({
      actor: { type: 'user', id: p.admin.userId },
      before: { email: who.email },
      after: { pending_email: newEmail },
    });
    expect(confirmed).toMatchObject({
      actor: { type: 'person', id: who.userId },
      before: { email: who.email },
      after: { email: newEmail },
    });
  });

  describe('language of the messages', () => {
    it("is Italian when the user's language is it", async () => {
      const who = await person({ language: 'it' });
      const newEmail = address('it-user');
      expect((await changeContactEmail(who, newEmail)).status).toBe(200);
      const mail = await confirmationTo(newEmail);
      expect(mail.subject).toBe('Conferma il tuo nuovo indirizzo email');
      expect(mail.text).toContain('Conferma il nuovo indirizzo: http://liaison.test/confirm-email?token=');
      expect(mail.html).toMatch(/^<!doctype html><html lang="it">/);
      expect((await noticeTo(who.email)).subject).toBe('Richiesta di cambio del tuo indirizzo email');
    });

    it("falls back to the tenant's language when the user's is neither en nor it", async () => {
      const who = await person({ tenantId: italianTenantId, language: 'de' });
      const newEmail = address('de-in-it');
      expect((await changeContactEmail(who, newEmail)).status).toBe(200);
      expect((await confirmationTo(newEmail)).subject).toBe('Conferma il tuo nuovo indirizzo email');
    });

    it("prefers the user's own language over the tenant's", async () => {
      const who = await person({ tenantId: italianTenantId, language: 'en' });
      const newEmail = address('en-in-it');
      expect((await changeContactEmail(who, newEmail)).status).toBe(200);
      expect((await confirmationTo(newEmail)).subject).toBe('Confirm your new email address');
    });

    it('falls back to English when neither the user nor the tenant speaks en or it', async () => {
      const tenant = await t.call(p.admin, 'POST', '/api/2/tenants', {
        name: unique('Kunde'),
        parent_id: p.partnerId,
        kind: 'customer',
        language: 'de',
      });
      expect(tenant.status).toBe(201);
      const who = await person({ tenantId: tenant.body.id, language: 'fr' });
      const newEmail = address('fr-in-de');
      expect((await changeContactEmail(who, newEmail)).status).toBe(200);
      expect((await confirmationTo(newEmail)).subject).toBe('Confirm your new email address');
    });
  });

  describe('tokens', () => {
    it('answers 400 token_invalid for an unknown or malformed token, and 400 naming the field when it is missing', async () => {
      expectError(await confirm('A'.repeat(43)), 400, 'token_invalid');
      expectError(await confirm('short'), 400, 'token_invalid');
      expectError(await t.call(undefined, 'POST', '/api/2/email-confirmations', {}), 400, 'validation_failed', 'token');
      expectError(
        await t.call(undefined, 'POST', '/api/2/email-confirmations', { token: 'x'.repeat(43), extra: 1 }),
        400,
        'validation_failed',
        'extra',
      );
    });

    it('answers 410 token_expired once the link is past its lifetime, and the change is no longer pending', async () => {
      const who = await person();
      const newEmail = address('expiring');
      expect((await changeContactEmail(who, newEmail)).status).toBe(200);
      const token = tokenIn(await confirmationTo(newEmail), '/confirm-email');
      await t.db
        .updateTable('user_tokens')
        .set({ expires_at: sql`now() - interval '1 second'` })
        .where('user_id', '=', who.userId)
        .where('used_at', 'is', null)
        .where('revoked_at', 'is', null)
        .execute();
      expectError(await confirm(token), 410, 'token_expired');
      expect(await getContact(who.contactId)).toMatchObject({ email: who.email, pending_email: null });
      expect((await getUser(who.userId)).contact.email).toBe(who.email);
    });

    it('lets a newer change replace the pending one: the older link answers 410 token_revoked', async () => {
      const who = await person();
      const first = address('first');
      const second = address('second');
      expect((await changeContactEmail(who, first)).status).toBe(200);
      const oldToken = tokenIn(await confirmationTo(first), '/confirm-email');
      const res = await changeContactEmail(who, second);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ email: who.email, pending_email: second });
      const newToken = tokenIn(await confirmationTo(second), '/confirm-email');
      expect(newToken).not.toBe(oldToken);

      expectError(await confirm(oldToken), 410, 'token_revoked');
      expect((await getContact(who.contactId)).pending_email).toBe(second);
      expect((await confirm(newToken)).status).toBe(200);
      expect(await getContact(who.contactId)).toMatchObject({ email: second, pending_email: null });
      expect((await getUser(who.userId)).contact.email).toBe(second);
    });

    it('refuses the confirmation with 409 when another contact of the tenant took the address meanwhile', async () => {
      const who = await person();
      const wanted = address('contested');
      expect((await changeContactEmail(who, wanted)).status).toBe(200);
      const token = tokenIn(await confirmationTo(wanted), '/confirm-email');
      const rival = await t.call(p.admin, 'POST', '/api/2/contacts', {
        tenant_id: who.tenantId,
        types: ['billing'],
        firstname: 'Rival',
        lastname: 'Person',
        email: wanted.toUpperCase(),
      });
      expect(rival.status).toBe(201);
      expectError(await confirm(token), 409, 'contact_email_taken', 'email');
      expect(await getContact(who.contactId)).toMatchObject({ email: who.email, pending_email: wanted });
    });
  });

  describe('cancel', () => {
    it('DELETE /contacts/{id}/pending-email cancels: the link answers 410 token_revoked, a second cancel 404 nothing_pending', async () => {
      const who = await person();
      const newEmail = address('cancelled');
      expect((await changeContactEmail(who, newEmail)).status).toBe(200);
      const token = tokenIn(await confirmationTo(newEmail), '/confirm-email');
      const versionBefore = (await getContact(who.contactId)).version;

      expectError(await t.call(q.admin, 'DELETE', `/api/2/contacts/${who.contactId}/pending-email`), 404, 'not_found');
      expectError(await t.call(p.readonly, 'DELETE', `/api/2/contacts/${who.contactId}/pending-email`), 403, 1002);
      expect((await getContact(who.contactId)).pending_email).toBe(newEmail);

      const res = await t.call(p.customerAdmin, 'DELETE', `/api/2/contacts/${who.contactId}/pending-email`);
      expect(res.status, JSON.stringify(res.body)).toBe(204);
      const contact = await getContact(who.contactId);
      expect(contact).toMatchObject({ email: who.email, pending_email: null });
      expect(contact.version).toBe(versionBefore + 1);
      expectError(await confirm(token), 410, 'token_revoked');
      expect((await getUser(who.userId)).contact.email).toBe(who.email);
      expectError(
        await t.call(p.admin, 'DELETE', `/api/2/contacts/${who.contactId}/pending-email`),
        404,
        'nothing_pending',
      );
    });

    it('answers 404 nothing_pending for a standalone contact', async () => {
      const c = await t.call(p.admin, 'POST', '/api/2/contacts', {
        tenant_id: p.customerId,
        types: ['billing'],
        firstname: 'No',
        lastname: 'User',
        email: address('standalone'),
      });
      expect(c.status).toBe(201);
      expectError(
        await t.call(p.admin, 'DELETE', `/api/2/contacts/${c.body.id}/pending-email`),
        404,
        'nothing_pending',
      );
      expectError(
        await t.call(p.admin, 'POST', `/api/2/contacts/${c.body.id}/pending-email/resend`),
        404,
        'nothing_pending',
      );
    });
  });

  describe('resend', () => {
    /** Moves the last send of the open link back, as if the cooldown had passed. */
    const cooldownPassed = (userId: string) =>
      t.db
        .updateTable('user_tokens')
        .set({ last_sent_at: sql`now() - interval '1 hour'` })
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .where('revoked_at', 'is', null)
        .execute();

    it('sends a fresh link (the old one stops working), and a second resend within the cooldown answers 429 with Retry-After', async () => {
      const who = await person();
      const newEmail = address('resent');
      expect((await changeContactEmail(who, newEmail)).status).toBe(200);
      const oldToken = tokenIn(await confirmationTo(newEmail), '/confirm-email');
      await noticeTo(who.email);

      // Right after the change the link was just sent: too soon.
      const tooSoon = await t.call(p.admin, 'POST', `/api/2/contacts/${who.contactId}/pending-email/resend`);
      expectError(tooSoon, 429, 'too_many_requests');
      expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(tooSoon.headers['retry-after'])).toBeLessThanOrEqual(t.config.resendCooldownSeconds);

      await cooldownPassed(who.userId);
      const mark = smtp.received.length;
      const res = await t.call(p.admin, 'POST', `/api/2/contacts/${who.contactId}/pending-email/resend`);
      expect(res.status, JSON.stringify(res.body)).toBe(204);
      const fresh = await confirmationTo(newEmail, mark);
      const newToken = tokenIn(fresh, '/confirm-email');
      expect(newToken).not.toBe(oldToken);

      const again = await t.call(p.admin, 'POST', `/api/2/contacts/${who.contactId}/pending-email/resend`);
      expectError(again, 429, 'too_many_requests');
      expect(Number(again.headers['retry-after'])).toBeGreaterThan(0);

      // The resend goes to the new address only: the old one was told once.
      await mailSettled();
      expect(receivedBy(who.email)).toHaveLength(1);
      expect(receivedBy(newEmail)).toHaveLength(2);

      expectError(await confirm(oldToken), 410, 'token_revoked');
      expect((await getContact(who.contactId)).pending_email).toBe(newEmail);
      expect((await confirm(newToken)).status).toBe(200);
      expect((await getContact(who.contactId)).email).toBe(newEmail);
    });

    it('lets one of two simultaneous resends through and answers 429 to the other', async () => {
      const who = await person();
      const newEmail = address('resend-race');
      expect((await changeContactEmail(who, newEmail)).status).toBe(200);
      await confirmationTo(newEmail);
      await cooldownPassed(who.userId);
      const answers = await Promise.all(
        [1, 2].map(() => t.call(p.admin, 'POST', `/api/2/contacts/${who.contactId}/pending-email/resend`)),
      );
      expect(answers.map((r) => r.status).sort(), JSON.stringify(answers.map((r) => r.body))).toEqual([204, 429]);
      expectError(
        answers.find((r) => r.status === 429)!,
        429,
        'too_many_requests',
      );
      await mailSettled();
      expect(receivedBy(newEmail)).toHaveLength(2);
      const latest = receivedBy(newEmail).at(-1)!;
      expect((await confirm(tokenIn(latest, '/confirm-email'))).status).toBe(200);
    });

    it('answers 404 nothing_pending without a pending change, 404 to another partner and 403 to a readonly admin', async () => {
      const who = await person();
      expectError(
        await t.call(p.admin, 'POST', `/api/2/contacts/${who.contactId}/pending-email/resend`),
        404,
        'nothing_pending',
      );
      const newEmail = address('resend-scope');
      expect((await changeContactEmail(who, newEmail)).status).toBe(200);
      await cooldownPassed(who.userId);
      expectError(
        await t.call(q.admin, 'POST', `/api/2/contacts/${who.contactId}/pending-email/resend`),
        404,
        'not_found',
      );
      expectError(
        await t.call(q.client, 'POST', `/api/2/contacts/${who.contactId}/pending-email/resend`),
        404,
        'not_found',
      );
      expectError(await t.call(p.readonly, 'POST', `/api/2/contacts/${who.contactId}/pending-email/resend`), 403, 1002);
      await mailSettled();
      expect(receivedBy(newEmail)).toHaveLength(1);
    });
  });

  describe('sending back the current email', () => {
    it('with other changes in PUT /contacts does not cancel the pending change', async () => {
      const who = await person();
      const newEmail = address('kept');
      expect((await changeContactEmail(who, newEmail)).status).toBe(200);
      const token = tokenIn(await confirmationTo(newEmail), '/confirm-email');

      const res = await changeContactEmail(who, who.email, p.admin, { title: 'CTO', types: ['technical', 'billing'] });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({
        email: who.email,
        pending_email: newEmail,
        title: 'CTO',
        types: ['billing', 'technical'],
      });

      const user = await getUser(who.userId);
      const viaUser = await t.call(p.admin, 'PUT', `/api/2/users/${who.userId}`, {
        version: user.version,
        contact: { email: who.email, firstname: 'Augusta' },
      });
      expect(viaUser.status, JSON.stringify(viaUser.body)).toBe(200);
      expect(viaUser.body.contact).toMatchObject({ email: who.email, firstname: 'Augusta' });
      expect((await getContact(who.contactId)).pending_email).toBe(newEmail);

      await mailSettled();
      expect(receivedBy(newEmail)).toHaveLength(1);
      expect((await confirm(token)).status).toBe(200);
      expect(await getContact(who.contactId)).toMatchObject({ email: newEmail, firstname: 'Augusta', title: 'CTO' });
    });
  });

  it('refuses an address another contact of the tenant already uses with 409, and sends nothing', async () => {
    const who = await person();
    const other = await person();
    const res = await changeContactEmail(who, other.email.toUpperCase());
    expectError(res, 409, 'contact_email_taken', 'email');
    expect(await getContact(who.contactId)).toMatchObject({ email: who.email, pending_email: null });
    await mailSettled();
    expect(receivedBy(other.email.toUpperCase()).length + receivedBy(other.email).length).toBe(0);
    expect(receivedBy(who.email)).toHaveLength(0);
  });

  it('sends nothing for a change that loses a race and rolls back (two PUTs with the same version)', async () => {
    const who = await person();
    const { version } = await getContact(who.contactId);
    const a = address('race-a');
    const b = address('race-b');
    const answers = await Promise.all(
      [a, b].map((email) => t.call(p.admin, 'PUT', `/api/2/contacts/${who.contactId}`, { version, email })),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const loser = answers.find((r) => r.status === 409)!;
    expectError(loser, 409, 1001);
    const winnerEmail = answers.find((r) => r.status === 200)!.body.pending_email;
    const loserEmail = winnerEmail === a ? b : a;
    const token = tokenIn(await confirmationTo(winnerEmail), '/confirm-email');
    await mailSettled();
    expect(receivedBy(loserEmail)).toHaveLength(0);
    expect(receivedBy(who.email)).toHaveLength(1);
    expect(await t.db.selectFrom('mail_outbox').select('id').where('to_address', '=', loserEmail).execute()).toEqual(
      [],
    );
    expect((await getContact(who.contactId)).pending_email).toBe(winnerEmail);
    expect((await confirm(token)).status).toBe(200);
  });

  it('gives one of two simultaneous changes through PUT /users and answers 409 to the other, mailing only the winner', async () => {
    const who = await person();
    const { version } = await getUser(who.userId);
    const a = address('user-race-a');
    const b = address('user-race-b');
    const answers = await Promise.all(
      [a, b].map((email) => t.call(p.admin, 'PUT', `/api/2/users/${who.userId}`, { version, contact: { email } })),
    );
    expect(answers.map((r) => r.status).sort(), JSON.stringify(answers.map((r) => r.body))).toEqual([200, 409]);
    expectError(
      answers.find((r) => r.status === 409)!,
      409,
      1001,
    );
    const winnerEmail = (await getContact(who.contactId)).pending_email;
    expect([a, b]).toContain(winnerEmail);
    const token = tokenIn(await confirmationTo(winnerEmail), '/confirm-email');
    await mailSettled();
    expect(receivedBy(winnerEmail === a ? b : a)).toHaveLength(0);
    expect(receivedBy(who.email)).toHaveLength(1);
    expect((await confirm(token)).status).toBe(200);
    expect((await getUser(who.userId)).contact.email).toBe(winnerEmail);
  });

  it('retries a temporary SMTP failure and delivers the message', async () => {
    const who = await person();
    const newEmail = address('after-451');
    await mailSettled();
    smtp.refuseNext(451, 2);
    expect((await changeContactEmail(who, newEmail)).status).toBe(200);
    const token = tokenIn(await confirmationTo(newEmail), '/confirm-email');
    await noticeTo(who.email);
    await mailSettled();
    const rows = await t.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('to_address', 'in', [newEmail, who.email])
      .execute();
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.status === 'sent' && r.transport === 'smtp' && r.last_error === null)).toBe(true);
    expect(rows.reduce((n, r) => n + r.attempts, 0)).toBe(4);
    expect((await confirm(token)).status).toBe(200);
  });
});

describe('changing the email at once', () => {
  it('of a user not yet activated (no confirmed address): no link, no notice', async () => {
    const who = await person({ activated: false });
    const newEmail = address('fresh');
    const res = await changeContactEmail(who, newEmail);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ email: newEmail, pending_email: null });
    expect((await getUser(who.userId)).contact.email).toBe(newEmail);

    const user = await getUser(who.userId);
    const newer = address('fresher');
    const viaUser = await t.call(p.admin, 'PUT', `/api/2/users/${who.userId}`, {
      version: user.version,
      contact: { email: newer },
    });
    expect(viaUser.status).toBe(200);
    expect(viaUser.body.contact.email).toBe(newer);
    expect(await getContact(who.contactId)).toMatchObject({ email: newer, pending_email: null });

    await mailSettled();
    expect([...receivedBy(who.email), ...receivedBy(newEmail), ...receivedBy(newer)]).toEqual([]);
    expect(await t.db.selectFrom('user_tokens').select('id').where('user_id', '=', who.userId).execute()).toEqual([]);
  });

  it('of a standalone contact (no user)', async () => {
    const email = address('standalone');
    const created = await t.call(p.admin, 'POST', '/api/2/contacts', {
      tenant_id: p.customerId,
      types: ['management'],
      firstname: 'Solo',
      lastname: 'Person',
      email,
    });
    expect(created.status).toBe(201);
    const newEmail = address('standalone-new');
    const res = await t.call(p.admin, 'PUT', `/api/2/contacts/${created.body.id}`, {
      version: created.body.version,
      email: newEmail,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ email: newEmail, pending_email: null, version: created.body.version + 1 });
    await mailSettled();
    expect([...receivedBy(email), ...receivedBy(newEmail)]).toEqual([]);
  });

  it("when only the case of an activated user's address changes", async () => {
    const who = await person();
    const res = await changeContactEmail(who, who.email.toUpperCase());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ email: who.email.toUpperCase(), pending_email: null });
    await mailSettled();
    expect(receivedBy(who.email)).toEqual([]);
  });
});

describe('activation', () => {
  async function newUser(options: { language?: string } = {}) {
    const login = unique('newbie');
    const email = `${login}@example.test`;
    const res = await t.call(p.admin, 'POST', '/api/2/users', {
      tenant_id: p.customerId,
      login,
      contact: { email, firstname: 'Newbie', ...(options.language ? { language: options.language } : {}) },
    });
    if (res.status !== 200) throw new Error(`newUser: ${res.status}`);
    return { id: res.body.id as string, login, email };
  }
  const activationTo = (email: string, after = 0) =>
    smtp.waitFor((m) => m.to.includes(email) && /\/activate\?token=/.test(m.text) && smtp.received.indexOf(m) >= after);
  const sendActivation = (id: string, actor: Actor = p.admin) =>
    t.call(actor, 'POST', `/api/2/users/${id}/send-activation-email`);
  const activate = (token: string, password: string) =>
    t.call(undefined, 'POST', '/api/2/users/activate', { token, password });

  it('mails a link; the token and a password activate the account, which can then sign in', async () => {
    const user = await newUser();
    const sent = await sendActivation(user.id);
    expect(sent.status, JSON.stringify(sent.body)).toBe(204);
    expect(sent.body).toBe('');
    const mail = await activationTo(user.email);
    expect(mail.subject).toBe('Activate your account');
    expect(mail.text).toContain(user.login);
    const token = tokenIn(mail, '/activate');
    expect(mail.html).toContain(`href="http://liaison.test/activate?token=${encodeURIComponent(token)}"`);

    // A second send within the cooldown is refused.
    const tooSoon = await sendActivation(user.id);
    expectError(tooSoon, 429, 'too_many_requests');
    expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    expectError(await activate(token, 'short'), 400, 'validation_failed', 'password');
    expectError(await activate('B'.repeat(43), 'long enough password'), 400, 'token_invalid');
    expect((await getUser(user.id)).activated).toBe(false);
    await expect(t.tokenFor(user.login, 'long enough password')).rejects.toThrow(/401/);

    const done = await activate(token, 'long enough password');
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toEqual({ login: user.login });
    expect((await getUser(user.id)).activated).toBe(true);
    const signedIn = await t.tokenFor(user.login, 'long enough password');
    expect((await t.call(signedIn, 'GET', '/api/2/users/me')).body.id).toBe(user.id);

    expectError(await activate(token, 'another long password'), 410, 'token_used');
    await expect(t.tokenFor(user.login, 'another long password')).rejects.toThrow(/401/);
    expectError(await sendActivation(user.id), 409, 'already_activated');
  });

  it('resends with a fresh link after the cooldown; the older link answers 410', async () => {
    const user = await newUser({ language: 'it' });
    expect((await sendActivation(user.id)).status).toBe(204);
    const first = await activationTo(user.email);
    expect(first.subject).toBe('Attiva il tuo account');
    const oldToken = tokenIn(first, '/activate');
    await t.db
      .updateTable('user_tokens')
      .set({ last_sent_at: sql`now() - interval '1 hour'` })
      .where('user_id', '=', user.id)
      .execute();
    const mark = smtp.received.length;
    expect((await sendActivation(user.id)).status).toBe(204);
    const newToken = tokenIn(await activationTo(user.email, mark), '/activate');
    expect(newToken).not.toBe(oldToken);
    expectError(await activate(oldToken, 'long enough password'), 410, 'token_revoked');
    expect((await activate(newToken, 'long enough password')).status).toBe(200);
  });

  it('answers 410 token_expired for an expired link', async () => {
    const user = await newUser();
    expect((await sendActivation(user.id)).status).toBe(204);
    const token = tokenIn(await activationTo(user.email), '/activate');
    await t.db
      .updateTable('user_tokens')
      .set({ expires_at: sql`now() - interval '1 second'` })
      .where('user_id', '=', user.id)
      .execute();
    expectError(await activate(token, 'long enough password'), 410, 'token_expired');
    expect((await getUser(user.id)).activated).toBe(false);
  });

  it('does not accept an email-change token, nor an activation token for an email change', async () => {
    const who = await person();
    const newEmail = address('cross');
    expect((await changeContactEmail(who, newEmail)).status).toBe(200);
    const changeToken = tokenIn(await confirmationTo(newEmail), '/confirm-email');
    expectError(await activate(changeToken, 'long enough password'), 400, 'token_invalid');

    const user = await newUser();
    expect((await sendActivation(user.id)).status).toBe(204);
    const activationToken = tokenIn(await activationTo(user.email), '/activate');
    expectError(await confirm(activationToken), 400, 'token_invalid');
    // Both still work for what they were sent for.
    expect((await confirm(changeToken)).status).toBe(200);
    expect((await activate(activationToken, 'long enough password')).status).toBe(200);
  });

  it('revokes an activation link mailed to an address that was corrected since; a new send goes to the new address', async () => {
    const user = await newUser();
    expect((await sendActivation(user.id)).status).toBe(204);
    const oldToken = tokenIn(await activationTo(user.email), '/activate');
    const corrected = address('corrected');
    const current = await getUser(user.id);
    const res = await t.call(p.admin, 'PUT', `/api/2/users/${user.id}`, {
      version: current.version,
      contact: { email: corrected },
    });
    expect(res.status).toBe(200);
    expect(res.body.contact.email).toBe(corrected);
    expectError(await activate(oldToken, 'long enough password'), 410, 'token_revoked');
    expect((await getUser(user.id)).activated).toBe(false);

    expect((await sendActivation(user.id)).status).toBe(204);
    const token = tokenIn(await activationTo(corrected), '/activate');
    expect((await activate(token, 'long enough password')).status).toBe(200);
  });

  it('keeps an old activation link from resetting the password of an account activated meanwhile', async () => {
    const user = await newUser();
    expect((await sendActivation(user.id)).status).toBe(204);
    const token = tokenIn(await activationTo(user.email), '/activate');
    await setPassword(t.db, user.login, 'set by the operator');
    expectError(await activate(token, 'chosen by whoever holds the link'), 409, 'already_activated');
    await expect(t.tokenFor(user.login, 'chosen by whoever holds the link')).rejects.toThrow(/401/);
    expect((await t.call(await t.tokenFor(user.login, 'set by the operator'), 'GET', '/api/2/users/me')).status).toBe(
      200,
    );
  });

  it('refuses more than five sends of one link until it expires, then starts afresh', async () => {
    const user = await newUser();
    expect((await sendActivation(user.id)).status).toBe(204);
    await activationTo(user.email);
    await t.db
      .updateTable('user_tokens')
      .set({ sends: 5, last_sent_at: sql`now() - interval '1 hour'` })
      .where('user_id', '=', user.id)
      .execute();
    const refused = await sendActivation(user.id);
    expectError(refused, 429, 'too_many_requests');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(t.config.linkTtlHours * 3600 - 3700);
    expect(retryAfter).toBeLessThanOrEqual(t.config.linkTtlHours * 3600);

    await t.db
      .updateTable('user_tokens')
      .set({ expires_at: sql`now() - interval '1 second'` })
      .where('user_id', '=', user.id)
      .execute();
    const mark = smtp.received.length;
    expect((await sendActivation(user.id)).status).toBe(204);
    const token = tokenIn(await activationTo(user.email, mark), '/activate');
    expect((await activate(token, 'long enough password')).status).toBe(200);
  });

  it('activates once when the same link is posted twice at the same moment', async () => {
    const user = await newUser();
    expect((await sendActivation(user.id)).status).toBe(204);
    const token = tokenIn(await activationTo(user.email), '/activate');
    const answers = await Promise.all(['first password', 'second password'].map((pw) => activate(token, pw)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 410]);
    expectError(
      answers.find((r) => r.status === 410)!,
      410,
      'token_used',
    );
    const winner = answers[0].status === 200 ? 'first password' : 'second password';
    expect((await t.call(await t.tokenFor(user.login, winner), 'GET', '/api/2/users/me')).status).toBe(200);
  });

  it('answers 404 to another partner, 403 to a readonly admin, 409 for an activated user', async () => {
    const user = await newUser();
    expectError(await sendActivation(user.id, q.admin), 404, 'not_found');
    expectError(await sendActivation(user.id, p.readonly), 403, 1002);
    expectError(await sendActivation(p.admin.userId, p.admin), 409, 'already_activated');
    await mailSettled();
    expect(receivedBy(user.email)).toEqual([]);
    expect((await sendActivation(user.id, p.customerAdmin)).status).toBe(204);
  });
});
