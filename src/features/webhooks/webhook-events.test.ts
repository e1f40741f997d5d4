import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAnnouncement, createContact } from '../../../test/support/factories.js';
import { relay, reportAbout } from '../../../test/support/bounce-reports.js';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../../../test/support/smtp-server.js';
import { createPartnerWorld, startTestApp, type PartnerWorld, type TestApp } from '../../../test/support/test-app.js';
import { Workers } from '../../engine/workers.js';
import { setPassword } from '../setup/bootstrap.service.js';

// The events of a person's address, each driven through its real path: the API for an email
// change and its confirmation, a relay's DSN handed to the inbound SMTP listener and a refusal
// in the SMTP session for contact.invalid, the one-click unsubscribe and an abuse complaint for
// contact.opted_out. Every request a real receiver gets is verified with the standardwebhooks
// library, and its data is the contact as GET /contacts/{id} shows it.

interface Received {
  path: string;
  body: string;
  headers: Record<string, string>;
}

const bounceDomain = 'bounce.liaison.test';
let t: TestApp;
let p: PartnerWorld;
let smtp: TestSmtpServer;
let listener: Workers;
let server: http.Server;
let base: string;
const received: Received[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ path: req.url ?? '', body, headers: req.headers as Record<string, string> });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  smtp = await startSmtpServer();
  t = await startTestApp({
    webhooksAllowPrivate: true,
    webhookPollMs: 50,
    smtpUrl: smtp.url,
    publicUrl: 'https://liaison.example',
    bounceDomain,
    inboundSmtpPort: 0,
    inboundSmtpHost: '127.0.0.1',
  });
  listener = new Workers(t.metrics);
  await listener.listen(t.db, t.config, t.app.log);
  p = await createPartnerWorld(t, 'Events');
});
afterAll(async () => {
  await listener?.stop();
  await t?.close();
  await smtp?.close();
  await new Promise((resolve) => server?.close(resolve));
});

let paths = 0;
async function hook(events: string[]) {
  const path = `/events-${++paths}`;
  const res = await t.call(p.admin, 'POST', '/api/2/webhooks', {
    tenant_id: p.partnerId,
    url: `${base}${path}`,
    events,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { secret: res.body.secret as string, path };
}

/** The events the hook received, once there are `count`, each verified with its secret. */
async function events(w: { secret: string; path: string }, count: number) {
  await vi.waitFor(() => expect(received.filter((r) => r.path === w.path).length).toBeGreaterThanOrEqual(count), {
    timeout: 15_000,
    interval: 25,
  });
  return received.filter((r) => r.path === w.path).map((r) => new Webhook(w.secret).verify(r.body, r.headers) as any);
}

const contactNow = async (id: string) => (await t.call(p.admin, 'GET', `/api/2/contacts/${id}`)).body;

/** Announces a technical notice to the customer and answers the message each address received. */
async function noticeTo(emails: string[]) {
  await createAnnouncement(t, { scopeTenantId: p.customerId, as: p.admin });
  return Promise.all(emails.map((email) => smtp.waitFor((m) => m.to.includes(email), 30_000)));
}

describe('contact.email_change_requested and contact.email_confirmed', () => {
  it('sends both for a user’s contact: asked through the API, confirmed from the link', async () => {
    const w = await hook(['contact.email_change_requested', 'contact.email_confirmed']);
    const login = `mover-${Date.now()}`;
    const user = await t.call(p.admin, 'POST', '/api/2/users', {
      tenant_id: p.customerId,
      login,
      contact: { email: `${login}@example.test`, firstname: 'Ada', lastname: 'Lovelace' },
    });
    expect(user.status).toBe(200);
    await setPassword(t.db, login, `pw-${login}`);
    const created = await t.call(p.admin, 'POST', '/api/2/contacts', {
      tenant_id: p.customerId,
      user_id: user.body.id,
      types: ['technical'],
    });
    expect(created.status).toBe(201);
    const newEmail = `${login}-new@example.test`;
    const put = await t.call(p.admin, 'PUT', `/api/2/contacts/${created.body.id}`, {
      version: created.body.version,
      email: newEmail,
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const [requested] = await events(w, 1);
    const pending = await contactNow(created.body.id);
    expect(pending.pending_email).toBe(newEmail);
    // The contact as it stood when the change was asked, inside the PUT (which then writes its version).
    expect(requested).toEqual({
      type: 'contact.email_change_requested',
      timestamp: expect.any(String),
      data: { ...pending, version: pending.version - 1, updated_at: expect.any(String), tenant_id: p.customerId },
    });

    const mail = await smtp.waitFor((m) => m.to.includes(newEmail) && /confirm-email\?token=/.test(m.text));
    const token = decodeURIComponent(/confirm-email\?token=([A-Za-z0-9_%.~-]+)/.exec(mail.text)![1]);
    expect((await t.call(undefined, 'POST', '/api/2/email-confirmations', { token })).status).toBe(200);
    const [, confirmed] = await events(w, 2);
    const after = await contactNow(created.body.id);
    expect(after).toMatchObject({ email: newEmail, pending_email: null, email_confirmed: true });
    expect(confirmed).toEqual({
      type: 'contact.email_confirmed',
      timestamp: expect.any(String),
      data: { ...after, tenant_id: p.customerId },
    });
  });
});

describe('contact.invalid', () => {
  it('sends it when a relay’s DSN reports the address gone, and when the SMTP session refuses it', async () => {
    const w = await hook(['contact.invalid']);
    const reported = await createContact(t, { tenantId: p.customerId, types: ['technical'], as: p.admin });
    const refused = await createContact(t, { tenantId: p.customerId, types: ['technical'], as: p.admin });
    smtp.refuseAddress(refused.email, 550);
    const [mail] = await noticeTo([reported.email]);
    const [byEngine] = await events(w, 1);
    const { bounce, ...contact } = byEngine.data;
    expect(contact).toEqual({
      ...(await contactNow(refused.id)),
      validation_state: 'invalid',
      tenant_id: p.customerId,
    });
    expect(bounce.diagnostic).toContain('550');

    const report = reportAbout('postfix-user-unknown.eml', reported.email, mail);
    expect(await relay(listener.inbound!.port, [mail.envelopeFrom], report)).toMatchObject({ ok: true });
    const [, byReport] = await events(w, 2);
    const now = await contactNow(reported.id);
    expect(now.validation_state).toBe('invalid');
    expect(byReport).toEqual({
      type: 'contact.invalid',
      timestamp: expect.any(String),
      data: { ...now, tenant_id: p.customerId, bounce: { status: '5.1.1', diagnostic: expect.any(String) } },
    });
  });
});

describe('contact.opted_out', () => {
  const oneClickUrl = (mail: ReceivedMail) => {
    const header = mail.parsed.headerLines.find((h) => h.key === 'list-unsubscribe')!.line;
    return new URL(/<(https:[^>]+)>/.exec(header)![1]).pathname;
  };

  it('sends it when the person unsubscribes with one click, and when a complaint opts the address out', async () => {
    const w = await hook(['contact.*']);
    const reader = await createContact(t, { tenantId: p.customerId, types: ['technical'], as: p.admin });
    const complainer = await createContact(t, { tenantId: p.customerId, types: ['technical'], as: p.admin });
    const [mail, complained] = await noticeTo([reader.email, complainer.email]);
    const before = received.filter((r) => r.path === w.path).length;
    const res = await t.app.inject({
      method: 'POST',
      url: oneClickUrl(mail),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(res.statusCode, res.body).toBe(200);
    const unsubscribed = (await events(w, before + 1)).at(-1);
    expect(unsubscribed).toEqual({
      type: 'contact.opted_out',
      timestamp: expect.any(String),
      data: { ...(await contactNow(reader.id)), tenant_id: p.customerId, category: 'technical' },
    });

    const report = reportAbout('arf-yahoo-abuse.eml', complainer.email, complained);
    expect(await relay(listener.inbound!.port, [`bounces@${bounceDomain}`], report)).toMatchObject({ ok: true });
    const byComplaint = (await events(w, before + 2)).at(-1);
    expect(byComplaint).toMatchObject({
      type: 'contact.opted_out',
      data: { id: complainer.id, category: 'technical' },
    });
    // Opting out again changes nothing and writes no event (the outbox is written with the change).
    const written = () =>
      t.db.selectFrom('webhook_events').select('id').where('type', '=', 'contact.opted_out').execute();
    const count = (await written()).length;
    expect((await t.app.inject({ method: 'POST', url: oneClickUrl(mail) })).statusCode).toBe(200);
    expect((await written()).length).toBe(count);
  });
});
