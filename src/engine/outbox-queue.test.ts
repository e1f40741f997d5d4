import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { composeServices } from '../app.js';
import { setPassword } from '../features/setup/bootstrap.service.js';
import { enqueueMail } from '../platform/mail/outbox.repository.js';
import { smtpTransport } from '../platform/mail/transport.js';
import { startSmtpServer, type TestSmtpServer } from '../../test/support/smtp-server.js';
import { startTestApp, type TestApp } from '../../test/support/test-app.js';
import { createMailWorker, MailWorker, type MailWorkerOptions } from './outbox-queue.js';
import { claimDueMail } from './outbox-queue.repository.js';

// The outbox and its worker against a real SMTP server. The app's own worker is stopped:
// each test runs the workers it needs, so nothing else claims the rows it writes.

let t: TestApp;
let smtp: TestSmtpServer;
const workers: MailWorker[] = [];
beforeAll(async () => {
  t = await startTestApp();
  await t.mail.stop();
});
afterAll(() => t?.close());
beforeEach(async () => {
  smtp = await startSmtpServer();
  await t.db.deleteFrom('mail_outbox').execute();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await smtp.close();
});

let seq = 0;
const address = (base: string) => `${base}-${++seq}@example.test`;

function worker(overrides: Partial<MailWorkerOptions> = {}) {
  const w = new MailWorker(t.db, {
    transport: smtpTransport(smtp.url, 'Liaison <no-reply@liaison.test>'),
    log: t.app.log,
    pollMs: 20,
    batchSize: 20,
    maxAttempts: 5,
    retryBaseMs: 50,
    leaseSeconds: 300,
    messageIdDomain: 'liaison.test',
    ...overrides,
  });
  workers.push(w);
  return w;
}

const enqueue = (to: string, subject = `Subject for ${to}`) =>
  enqueueMail(t.db, {
    tenantId: t.rootTenantId,
    kind: 'test',
    to,
    subject,
    text: `Plain text for ${to}`,
    html: `<p>HTML for ${to}</p>`,
  });

const row = (id: string) => t.db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
const settled = (id: string) => until(async () => (await row(id)).status !== 'pending', `message ${id} to settle`);

describe('sending', () => {
  it('delivers a message with its text and HTML parts and a Message-ID derived from the outbox row', async () => {
    const to = address('plain');
    const id = await enqueue(to, 'Hello there');
    worker().start();
    const mail = await smtp.waitFor((m) => m.to.includes(to));
    expect(mail.subject).toBe('Hello there');
    expect(mail.text.trim()).toBe(`Plain text for ${to}`);
    expect(mail.html).toContain(`<p>HTML for ${to}</p>`);
    expect(mail.messageId).toBe(`<mail.${id}@liaison.test>`);
    expect(mail.parsed.from?.value[0].address).toBe('no-reply@liaison.test');
    await settled(id);
    expect(await row(id)).toMatchObject({
      status: 'sent',
      transport: 'smtp',
      attempts: 1,
      last_error: null,
      sent_at: expect.any(Date),
    });
  });

  it('retries a temporary failure (451) with backoff and then delivers, keeping the same Message-ID', async () => {
    const to = address('temporary');
    const id = await enqueue(to);
    smtp.refuseNext(451, 2);
    worker().start();
    const mail = await smtp.waitFor((m) => m.to.includes(to));
    expect(mail.messageId).toBe(`<mail.${id}@liaison.test>`);
    await settled(id);
    expect(await row(id)).toMatchObject({ status: 'sent', transport: 'smtp', attempts: 3, last_error: null });
    expect(smtp.received.filter((m) => m.to.includes(to))).toHaveLength(1);
  });

  it('records a permanent failure (550) as failed with the error, and does not retry it', async () => {
    const to = address('permanent');
    const id = await enqueue(to);
    smtp.refuseNext(550, 1);
    worker().start();
    await settled(id);
    const failed = await row(id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, sent_at: null });
    expect(failed.last_error).toMatch(/550/);
    // Well past several retry periods: still one attempt, nothing received.
    await sleep(500);
    expect((await row(id)).attempts).toBe(1);
    expect(smtp.received).toHaveLength(0);
    // The worker carries on with the next message.
    const next = address('after-permanent');
    const nextId = await enqueue(next);
    await smtp.waitFor((m) => m.to.includes(next));
    await settled(nextId);
    expect((await row(nextId)).status).toBe('sent');
  });

  it('fails only the message whose recipient is refused, and delivers the others of the batch', async () => {
    const refused = address('unknown-mailbox');
    const fine = address('fine');
    smtp.refuseAddress(refused, 550);
    const refusedId = await enqueue(refused);
    const fineId = await enqueue(fine);
    worker().start();
    await smtp.waitFor((m) => m.to.includes(fine));
    await settled(refusedId);
    await settled(fineId);
    expect(await row(refusedId)).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await row(refusedId)).last_error).toMatch(/550/);
    expect((await row(fineId)).status).toBe('sent');
  });

  it('gives up after mailMaxAttempts temporary failures', async () => {
    const to = address('always-busy');
    const id = await enqueue(to);
    smtp.refuseNext(451, 100);
    const w = createMailWorker(
      t.db,
      { ...t.config, smtpUrl: smtp.url, mailMaxAttempts: 3, mailRetryBaseMs: 20, mailPollMs: 20 },
      t.app.log,
    );
    workers.push(w);
    w.start();
    await settled(id);
    const failed = await row(id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, sent_at: null });
    expect(failed.last_error).toMatch(/451/);
    await sleep(300);
    expect((await row(id)).attempts).toBe(3);
    expect(smtp.received).toHaveLength(0);
  });
});

describe('the outbox and transactions', () => {
  it('keeps no message written in a transaction that rolled back', async () => {
    const to = address('rolled-back');
    await expect(
      t.db.transaction().execute(async (trx) => {
        await enqueueMail(trx, { tenantId: t.rootTenantId, kind: 'test', to, subject: 's', text: 't', html: 'h' });
        expect(await trx.selectFrom('mail_outbox').select('id').where('to_address', '=', to).execute()).toHaveLength(1);
        throw new Error('the change failed after its message was written');
      }),
    ).rejects.toThrow(/change failed/);
    expect(await t.db.selectFrom('mail_outbox').select('id').where('to_address', '=', to).execute()).toEqual([]);
  });

  it('sends nothing and opens no link for an email change whose transaction rolled back', async () => {
    const login = `rollback-${++seq}`;
    const created = await t.call(t.root, 'POST', '/api/2/users', {
      tenant_id: t.rootTenantId,
      login,
      contact: { email: `${login}@example.test` },
    });
    expect(created.status).toBe(200);
    await setPassword(t.db, login, `pw-${login}`);
    const { personEmail } = composeServices(t.db, t.config);
    const newEmail = address('never-asked');
    let outcome: string | undefined;
    await expect(
      t.db.transaction().execute(async (trx) => {
        outcome = await personEmail.request(
          trx,
          { wake: () => {} },
          { type: 'system', id: null },
          created.body.id,
          newEmail,
        );
        throw new Error('a later step of the same change failed');
      }),
    ).rejects.toThrow(/later step/);
    expect(outcome).toBe('pending');

    worker().start();
    await sleep(300);
    expect(smtp.received).toHaveLength(0);
    expect(await t.db.selectFrom('mail_outbox').select('id').execute()).toEqual([]);
    expect(await t.db.selectFrom('user_tokens').select('id').where('user_id', '=', created.body.id).execute()).toEqual(
      [],
    );
    expect((await t.call(t.root, 'GET', `/api/2/users/${created.body.id}`)).body.contact.email).toBe(
      `${login}@example.test`,
    );
  });
});

describe('crashes', () => {
  it('loses nothing committed before a crash: a fresh worker delivers it, and its link works', async () => {
    // The app's worker is stopped: the change commits its message, nobody sends it.
    const login = `crash-${++seq}`;
    const email = `${login}@example.test`;
    const created = await t.call(t.root, 'POST', '/api/2/users', {
      tenant_id: t.rootTenantId,
      login,
      contact: { email },
    });
    expect((await t.call(t.root, 'POST', `/api/2/users/${created.body.id}/send-activation-email`)).status).toBe(204);
    const pending = await t.db.selectFrom('mail_outbox').selectAll().where('to_address', '=', email).execute();
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ status: 'pending', attempts: 0, kind: 'activation' });
    await sleep(200);
    expect(smtp.received).toHaveLength(0);

    // A new process starts.
    const fresh = createMailWorker(t.db, { ...t.config, smtpUrl: smtp.url }, t.app.log);
    workers.push(fresh);
    fresh.start();
    const mail = await smtp.waitFor((m) => m.to.includes(email));
    expect(mail.messageId).toBe(`<mail.${pending[0].id}@liaison.test>`);
    const token = decodeURIComponent(/\/activate\?token=([A-Za-z0-9_%-]+)/.exec(mail.text)![1]);
    const activated = await t.call(undefined, 'POST', '/api/2/users/activate', { token, password: 'after the crash' });
    expect(activated.status).toBe(200);
    await settled(pending[0].id);
    expect((await row(pending[0].id)).status).toBe('sent');
  });

  it('sends again a message claimed by a worker that died mid-send, once its lease runs out', async () => {
    const to = address('orphaned');
    const id = await enqueue(to);
    // A worker claims the message and dies before sending it.
    const claimed = await claimDueMail(t.db, { limit: 10, leaseSeconds: 1 });
    expect(claimed.map((m) => m.id)).toEqual([id]);
    worker().start();
    await sleep(400);
    expect(smtp.received).toHaveLength(0);
    const mail = await smtp.waitFor((m) => m.to.includes(to), 5_000);
    expect(mail.messageId).toBe(`<mail.${id}@liaison.test>`);
    await settled(id);
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2 });
  });
});

describe('several workers', () => {
  it('deliver each of 50 messages exactly once between two workers on the same outbox', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 50; i++) ids.add(await enqueue(address('bulk')));
    const a = worker({ batchSize: 5, pollMs: 5 });
    const b = worker({ batchSize: 5, pollMs: 5 });
    a.start();
    b.start();
    await until(async () => smtp.received.length >= 50, '50 messages');
    await until(
      async () =>
        (await t.db.selectFrom('mail_outbox').select('id').where('status', '=', 'pending').execute()).length === 0,
      'the outbox to drain',
    );
    await sleep(300);
    expect(smtp.received).toHaveLength(50);
    const messageIds = smtp.received.map((m) => m.messageId);
    expect(new Set(messageIds).size).toBe(50);
    expect(new Set(messageIds.map((m) => /^<mail\.(.+)@liaison\.test>$/.exec(m)![1]))).toEqual(ids);
    const rows = await t.db.selectFrom('mail_outbox').select(['status', 'attempts']).execute();
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });

  it('share the work: two workers running runOnce at the same moment claim disjoint batches', async () => {
    for (let i = 0; i < 10; i++) await enqueue(address('split'));
    const a = worker({ batchSize: 6 });
    const b = worker({ batchSize: 6 });
    const [handledA, handledB] = await Promise.all([a.runOnce(), b.runOnce()]);
    expect(handledA + handledB).toBe(10);
    expect(smtp.received).toHaveLength(10);
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(10);
  });
});
