import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpServer, type TestSmtpServer } from '../../../test/support/smtp-server.js';
import {
  createPartnerWorld,
  startTestApp,
  type Actor,
  type PartnerWorld,
  type TestApp,
} from '../../../test/support/test-app.js';
import { expectError } from '../../../test/support/expect-error.js';

// Test messages (POST /contacts/{id}/send-test-message): deliveries like any other, rate-limited.

let t: TestApp;
let smtp: TestSmtpServer;
let p: PartnerWorld;
beforeAll(async () => {
  smtp = await startSmtpServer();
  // The defaults: one per contact per minute, ten per caller per ten minutes.
  t = await startTestApp({ smtpUrl: smtp.url });
  p = await createPartnerWorld(t, 'Tm');
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

let seq = 0;
const unique = (base: string) => `${base}-${++seq}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function contact(actor: Actor, tenantId: string, fields: Record<string, unknown> = {}) {
  const res = await t.call(actor, 'POST', '/api/2/contacts', {
    tenant_id: tenantId,
    types: ['technical'],
    firstname: 'Grace',
    lastname: unique('Hopper'),
    email: `${unique('tm')}@example.test`,
    ...fields,
  });
  if (res.status !== 201) throw new Error(`create contact: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; email: string; version: number };
}
const sendTest = (actor: Actor, contactId: string) =>
  t.call(actor, 'POST', `/api/2/contacts/${contactId}/send-test-message`, { type: 'technical' });

/** Polls the contact's history until its newest delivery is no longer pending. */
async function settledHistory(actor: Actor, contactId: string) {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const res = await t.call(actor, 'GET', `/api/2/contacts/${contactId}/deliveries`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    if (res.body.items.length > 0 && res.body.items[0].status !== 'pending') return res.body.items;
    if (Date.now() > deadline) throw new Error(`still pending: ${JSON.stringify(res.body)}`);
    await sleep(25);
  }
}

describe('a test message is a delivery like any other', () => {
  it("shows in the contact's history as sent, in the language it was written in", async () => {
    const reader = await contact(p.admin, p.customerId, { language: 'it' });
    expect((await sendTest(p.admin, reader.id)).status).toBe(202);
    const mail = await smtp.waitFor((m) => m.to.includes(reader.email));
    expect(mail.subject).toBe('[Test] Gli avvisi Tecnico ti raggiungono');
    const items = await settledHistory(p.admin, reader.id);
    expect(items).toEqual([
      expect.objectContaining({
        status: 'sent',
        test: true,
        category: 'technical',
        email: reader.email,
        subject: mail.subject,
        attempts: 1,
        last_error: null,
      }),
    ]);
    // Not a notice of the tenant's: lists of announcements leave it out.
    const list = await t.call(p.admin, 'GET', `/api/2/announcements?tenant_id=${p.customerId}`);
    expect(list.body.items.map((a: { id: string }) => a.id)).not.toContain(items[0].announcement_id);
  });

  it('answered with a permanent failure (550), fails and marks the contact invalid; a contact since moved to another address is not blamed', async () => {
    const bouncing = await contact(p.admin, p.customerId);
    smtp.refuseAddress(bouncing.email, 550);
    expect((await sendTest(p.admin, bouncing.id)).status).toBe(202);
    const [failed] = await settledHistory(p.admin, bouncing.id);
    expect(failed).toMatchObject({ status: 'failed', test: true, email: bouncing.email, attempts: 1 });
    expect(failed.last_error).toContain('550');
    expect((await t.call(p.admin, 'GET', `/api/2/contacts/${bouncing.id}`)).body.validation_state).toBe('invalid');

    // Retried (451) while an admin corrects the address, then refused for good: the contact keeps its new, valid address.
    const moving = await contact(p.admin, p.customerId);
    smtp.refuseAddress(moving.email, 451);
    expect((await sendTest(p.admin, moving.id)).status).toBe(202);
    const deadline = Date.now() + 30_000;
    while (!(await t.call(p.admin, 'GET', `/api/2/contacts/${moving.id}/deliveries`)).body.items[0]?.last_error) {
      if (Date.now() > deadline) throw new Error('no temporary failure recorded');
      await sleep(10);
    }
    const put = await t.call(p.admin, 'PUT', `/api/2/contacts/${moving.id}`, {
      version: moving.version,
      email: `${unique('moved')}@example.test`,
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    smtp.refuseAddress(moving.email, 550);
    expect((await settledHistory(p.admin, moving.id))[0]).toMatchObject({ status: 'failed', email: moving.email });
    expect((await t.call(p.admin, 'GET', `/api/2/contacts/${moving.id}`)).body.validation_state).toBe('valid');
  });
});

describe('rate limits', () => {
  it('allows one test message per contact per minute: 30 simultaneous sends deliver one, the others get 429 with Retry-After', async () => {
    const target = await contact(p.admin, p.customerId);
    const answers = await Promise.all(Array.from({ length: 30 }, () => sendTest(p.client, target.id)));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    for (const refused of answers.filter((a) => a.status !== 202)) {
      expectError(refused, 429, 'too_many_requests');
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(t.config.testMessageContactSeconds);
      expect(refused.body.error.context.retry_after).toBe(retryAfter);
    }
    // Another caller is refused too: the limit is the contact's.
    expectError(await sendTest(p.admin, target.id), 429, 'too_many_requests');
    await smtp.waitFor((m) => m.to.includes(target.email));
    const history = await settledHistory(p.admin, target.id);
    expect(history).toHaveLength(1);
    expect(smtp.received.filter((m) => m.to.includes(target.email))).toHaveLength(1);
  });

  it('allows a caller ten test messages per ten minutes, whatever the contacts; other callers keep theirs', async () => {
    const q = await createPartnerWorld(t, 'Burst');
    const targets: { id: string; email: string }[] = [];
    for (let i = 0; i < 12; i++) targets.push(await contact(q.admin, q.customerId));
    for (const target of targets.slice(0, t.config.testMessageCallerLimit))
      expect((await sendTest(q.admin, target.id)).status).toBe(202);
    const refused = await sendTest(q.admin, targets[10].id);
    expectError(refused, 429, 'too_many_requests');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(t.config.testMessageCallerWindowSeconds);
    // The partner's API client is another caller.
    expect((await sendTest(q.client, targets[11].id)).status).toBe(202);
    // Refused ones sent nothing.
    await smtp.waitFor((m) => m.to.includes(targets[11].email));
    expect(smtp.received.filter((m) => m.to.includes(targets[10].email))).toEqual([]);
  });
});
