import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { smtpTransport, type MailTransport } from '../platform/mail/transport.js';
import { startSmtpServer, type SmtpServerOptions, type TestSmtpServer } from '../../test/support/smtp-server.js';
import { startTestApp, type Answer, type TestApp } from '../../test/support/test-app.js';
import { AnnouncementWorker, type AnnouncementWorkerOptions } from './delivery-queue.js';
import { claimDeliveries } from './delivery-queue.repository.js';

// The delivery engine against a real SMTP server: chunked, resumable enqueueing; retries and
// permanent failures; several workers sharing one announcement. The app's own announcement
// worker is stopped: each test runs the workers it needs, so nothing else touches its rows.

const backend = inject('testDatabase').kind;
let t: TestApp;
let smtp: TestSmtpServer | undefined;
const workers: AnnouncementWorker[] = [];
/** Warnings and errors the workers logged (a pass that failed shows up here). */
const logged: string[] = [];
const log = pino(
  { level: 'warn' },
  {
    write: (line: string) => {
      logged.push(line);
    },
  },
);

beforeAll(async () => {
  t = await startTestApp();
  await t.announcementWorker.stop();
});
afterAll(() => t?.close());
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await smtp?.close();
  smtp = undefined;
  logged.length = 0;
  // Whatever a test left open is closed, so the next test's workers find only its own work.
  await t.db
    .updateTable('deliveries')
    .set({ status: 'failed', last_error: 'closed by the test' })
    .where('status', '=', 'pending')
    .execute();
  await t.db.updateTable('announcements').set({ status: 'done' }).where('status', '<>', 'done').execute();
});

async function smtpServer(options: SmtpServerOptions = {}) {
  smtp = await startSmtpServer(options);
  return smtp;
}

/** An SMTP transport that counts what it delivered (to tell the workers' shares apart). */
function countingTransport(server: TestSmtpServer) {
  const inner = smtpTransport(server.url, 'Liaison <no-reply@liaison.test>', { maxConnections: 5 });
  const counter = { sent: 0 };
  const transport: MailTransport = {
    async send(message) {
      await inner.send(message);
      counter.sent += 1;
    },
    close: () => inner.close(),
  };
  return { transport, counter };
}

function worker(server: TestSmtpServer, overrides: Partial<AnnouncementWorkerOptions> = {}) {
  const { transport, counter } = countingTransport(server);
  const w = new AnnouncementWorker(t.db, {
    transport,
    log,
    pollMs: 20,
    chunkSize: 2,
    batchSize: 20,
    maxAttempts: 5,
    retryBaseMs: 50,
    leaseSeconds: 300,
    messageIdDomain: 'liaison.test',
    ...overrides,
  });
  workers.push(w);
  return Object.assign(w, { counter });
}

let seq = 0;
const unique = (base: string) => `${base}-${++seq}`;
const address = (base: string) => `${unique(base)}@example.test`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ok<T = any>(res: Answer<T>, status: number, what: string): T {
  if (res.status !== status)
    throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function tenant(parentId: string, kind = 'customer') {
  return ok<{ id: string; name: string }>(
    await t.call(t.root, 'POST', '/api/2/tenants', { name: unique(`T ${kind}`), parent_id: parentId, kind }),
    201,
    'create tenant',
  );
}

async function contact(tenantId: string, email: string, types = ['technical']) {
  return ok<{ id: string; email: string; validation_state: string }>(
    await t.call(t.root, 'POST', '/api/2/contacts', {
      tenant_id: tenantId,
      types,
      firstname: 'Ada',
      lastname: unique('Lovelace'),
      email,
    }),
    201,
    'create contact',
  );
}

async function announce(scopeId: string, fields: Record<string, unknown> = {}) {
  const subject = unique('Notice');
  const res = await t.call(t.root, 'POST', '/api/2/announcements', {
    category: 'technical',
    subject: { en: subject },
    body: { en: `Body of ${subject}` },
    fallback: 'none',
    scope_tenant_id: scopeId,
    ...fields,
  });
  const body = ok(res, 202, 'announce');
  return { id: body.id as string, subject, recipients: body.recipients as number, status: body.status as string };
}

const announcementRow = (id: string) =>
  t.db.selectFrom('announcements').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const deliveriesOf = (id: string) =>
  t.db.selectFrom('deliveries').selectAll().where('announcement_id', '=', id).orderBy('id').execute();

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function finished(id: string, timeoutMs = 20_000) {
  await until(async () => (await announcementRow(id)).status === 'done', `announcement ${id} to be done`, timeoutMs);
  const res = await t.call(t.root, 'GET', `/api/2/announcements/${id}`);
  return ok(res, 200, 'get announcement');
}

/** Messages of one announcement received, per lower-cased address. */
function receivedBy(server: TestSmtpServer, subject: string) {
  const byAddress = new Map<string, string[]>();
  for (const mail of server.received.filter((m) => m.subject === subject)) {
    for (const to of mail.to)
      byAddress.set(to.toLowerCase(), [...(byAddress.get(to.toLowerCase()) ?? []), mail.messageId]);
  }
  return byAddress;
}

const messageId = (delivery: { id: number | string }) => `<delivery.${delivery.id}@liaison.test>`;

describe('enqueueing', () => {
  it('goes chunk by chunk, each chunk its own committed step, and sends nothing until all are in', async () => {
    const server = await smtpServer();
    const partner = await tenant(t.rootTenantId, 'partner');
    const customers = [];
    for (let i = 0; i < 10; i++) customers.push(await tenant(partner.id));
    const scope = [partner, ...customers];
    const own = new Map<string, string>();
    for (const tn of scope) own.set(tn.id, (await contact(tn.id, address('own'))).email.toLowerCase());
    // A billing contact is no recipient of a technical notice.
    await contact(customers[0].id, address('billing-only'), ['billing']);
    const ordered = scope.map((x) => x.id).sort();
    // The same address in the first and the last tenant of the enqueue order: different chunks.
    const shared = address('shared');
    await contact(ordered[0], shared.toUpperCase());
    await contact(ordered[10], shared);

    const a = await announce(partner.id);
    expect(a.status).toBe('enqueuing');
    expect(a.recipients).toBe(12);

    const w = worker(server, { chunkSize: 2 });
    let cursor: string | null = null;
    let count = 0;
    for (let step = 1; step <= 6; step++) {
      expect(await w.enqueueStep()).toBe(1);
      const row = await announcementRow(a.id);
      expect(row.status).toBe('enqueuing');
      // The cursor is the last tenant of the chunk just committed.
      expect(row.enqueue_after).toBe(ordered[Math.min(step * 2, 11) - 1]);
      expect(cursor === null || row.enqueue_after! > cursor).toBe(true);
      cursor = row.enqueue_after;
      const deliveries = await deliveriesOf(a.id);
      expect(deliveries.length).toBeGreaterThanOrEqual(count);
      count = deliveries.length;
      // Enqueued rows are due, yet no worker sends them before the whole announcement is in.
      expect(deliveries.every((d) => d.status === 'pending' && d.attempts === 0)).toBe(true);
      expect(await w.sendStep()).toBe(0);
    }
    expect(count).toBe(12);
    expect(server.received).toHaveLength(0);
    // The last step finds no tenant left and releases the announcement to the senders.
    expect(await w.enqueueStep()).toBe(1);
    const queued = await announcementRow(a.id);
    expect(queued).toMatchObject({ status: 'queued', recipients: 12 });
    expect(queued.enqueued_at).toBeInstanceOf(Date);
    expect(await w.enqueueStep()).toBe(0);

    w.start();
    const done = await finished(a.id);
    expect(done).toMatchObject({
      status: 'done',
      recipients: 12,
      counts: { pending: 0, sent: 12, failed: 0, skipped: 0 },
    });
    const got = receivedBy(server, a.subject);
    expect([...got.keys()].sort()).toEqual([...own.values(), shared].sort());
    for (const ids of got.values()) expect(ids).toHaveLength(1);
    expect(logged).toEqual([]);
  });

  it('resumes after a failed chunk from where the last committed one ended; the end result is one delivery per address', async () => {
    const server = await smtpServer();
    const partner = await tenant(t.rootTenantId, 'partner');
    const scope = [partner];
    for (let i = 0; i < 10; i++) scope.push(await tenant(partner.id));
    const ordered = scope.map((x) => x.id).sort();
    const names = new Map(scope.map((x) => [x.id, x.name]));
    const own = new Map<string, string>();
    for (const id of ordered) own.set(id, (await contact(id, address('own'))).email.toLowerCase());
    // One address named by tenants of the first, a middle and the last chunk.
    const shared = address('shared');
    const sharedContacts = [
      await contact(ordered[1], shared),
      await contact(ordered[5], shared.toUpperCase()),
      await contact(ordered[10], shared),
    ];
    const a = await announce(partner.id);
    expect(a.recipients).toBe(12);

    const first = worker(server, { chunkSize: 2 });
    for (let step = 0; step < 3; step++) expect(await first.enqueueStep()).toBe(1);
    const before = await announcementRow(a.id);
    expect(before.enqueue_after).toBe(ordered[5]);
    const enqueuedBefore = await deliveriesOf(a.id);
    // Chunks 1-3 hold tenants 0-5: their own addresses and the shared one (for tenants 1 and 5).
    expect(enqueuedBefore.map((d) => d.email).sort()).toEqual(
      [...ordered.slice(0, 6).map((id) => own.get(id)!), shared].sort(),
    );
    expect(enqueuedBefore.find((d) => d.email === shared)!.tenant_ids.sort()).toEqual([ordered[1], ordered[5]].sort());

    // The next chunk (tenants 6 and 7) fails half-way: its insert of tenant 7's address breaks.
    const poisoned = own.get(ordered[7])!;
    await sql`CREATE FUNCTION poison_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.email = ${sql.lit(poisoned)} THEN RAISE EXCEPTION 'the database broke mid-chunk'; END IF; RETURN NEW; END $$`.execute(
      t.db,
    );
    await sql`CREATE TRIGGER poison_delivery BEFORE INSERT ON deliveries FOR EACH ROW EXECUTE FUNCTION poison_delivery()`.execute(
      t.db,
    );
    try {
      await expect(first.enqueueStep()).rejects.toThrow(/broke mid-chunk/);
      // Nothing of the failed chunk stays: not tenant 6's address either, and the cursor did not move.
      expect((await announcementRow(a.id)).enqueue_after).toBe(ordered[5]);
      expect((await deliveriesOf(a.id)).map((d) => d.id)).toEqual(enqueuedBefore.map((d) => d.id));

      // That process is gone; a new one starts while the fault is still there: it retries the
      // same chunk, sends nothing, and logs the failure.
      await first.stop();
      const second = worker(server, { chunkSize: 2 });
      second.start();
      await until(() => logged.length > 0, 'the failed pass to be logged');
      expect(logged.join('\n')).toMatch(/broke mid-chunk/);
      expect(await announcementRow(a.id)).toMatchObject({ status: 'enqueuing', enqueue_after: ordered[5] });
      expect(server.received).toHaveLength(0);
    } finally {
      await sql`DROP TRIGGER poison_delivery ON deliveries`.execute(t.db);
      await sql`DROP FUNCTION poison_delivery()`.execute(t.db);
    }

    const done = await finished(a.id);
    expect(done).toMatchObject({
      status: 'done',
      recipients: 12,
      counts: { pending: 0, sent: 12, failed: 0, skipped: 0 },
    });
    const deliveries = await deliveriesOf(a.id);
    expect(deliveries.map((d) => d.email).sort()).toEqual([...own.values(), shared].sort());
    expect(deliveries.every((d) => d.status === 'sent' && d.attempts === 1)).toBe(true);
    const merged = deliveries.find((d) => d.email === shared)!;
    expect(merged.tenant_ids.sort()).toEqual([ordered[1], ordered[5], ordered[10]].sort());
    expect(merged.contact_ids.sort()).toEqual(sharedContacts.map((c) => c.id).sort());

    // Exactly one message per address; the shared one names its three tenants.
    const got = receivedBy(server, a.subject);
    expect(got.size).toBe(12);
    for (const [to, ids] of got) expect(ids, to).toHaveLength(1);
    const sharedMail = server.received.find((m) => m.to.map((x) => x.toLowerCase()).includes(shared))!;
    expect(sharedMail.messageId).toBe(messageId(merged));
    const why = /as the Technical contact of: (.+)\./.exec(sharedMail.text)![1].split(', ').sort();
    expect(why).toEqual([ordered[1], ordered[5], ordered[10]].map((id) => names.get(id)!).sort());
  });

  it('keeps sending and enqueueing the other announcements while one fails to enqueue', async () => {
    const server = await smtpServer();
    const partner = await tenant(t.rootTenantId, 'partner');
    const customer = await tenant(partner.id);
    const people = [await contact(partner.id, address('first')), await contact(customer.id, address('second'))];
    const emails = people.map((p) => p.email.toLowerCase()).sort();
    const w = worker(server, { retryBaseMs: 200 });
    // An older announcement, fully enqueued, waits to be sent.
    const queued = await announce(partner.id);
    while ((await w.enqueueStep()) > 0) {
      /* enqueue it all */
    }
    expect((await announcementRow(queued.id)).status).toBe('queued');
    // Then one whose enqueueing breaks every time, and a newer one behind it.
    const broken = await announce(partner.id);
    await sql`CREATE FUNCTION poison_announcement() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.announcement_id = ${sql.lit(broken.id)}::uuid THEN RAISE EXCEPTION 'this announcement cannot be enqueued'; END IF; RETURN NEW; END $$`.execute(
      t.db,
    );
    await sql`CREATE TRIGGER poison_announcement BEFORE INSERT ON deliveries FOR EACH ROW EXECUTE FUNCTION poison_announcement()`.execute(
      t.db,
    );
    try {
      const newer = await announce(partner.id, { category: 'technical' });
      w.start();
      await finished(queued.id, 5_000);
      await finished(newer.id, 5_000);
      expect([...receivedBy(server, queued.subject).keys()].sort()).toEqual(emails);
      expect([...receivedBy(server, newer.subject).keys()].sort()).toEqual(emails);
      expect((await announcementRow(broken.id)).status).toBe('enqueuing');
      expect(logged.join('\n')).toMatch(/cannot be enqueued/);
    } finally {
      await sql`DROP TRIGGER poison_announcement ON deliveries`.execute(t.db);
      await sql`DROP FUNCTION poison_announcement()`.execute(t.db);
    }
    // Once the fault is gone, the broken one goes out too.
    await finished(broken.id, 10_000);
    expect([...receivedBy(server, broken.subject).keys()].sort()).toEqual(emails);
    expect([...receivedBy(server, broken.subject).values()].every((ids) => ids.length === 1)).toBe(true);
  });

  it('ends an announcement with no recipient done, sending nothing', async () => {
    const server = await smtpServer();
    const partner = await tenant(t.rootTenantId, 'partner');
    await contact(partner.id, address('billing-person'), ['billing']);
    const a = await announce(partner.id);
    expect(a.recipients).toBe(0);
    worker(server).start();
    expect(await finished(a.id)).toMatchObject({
      status: 'done',
      recipients: 0,
      counts: { pending: 0, sent: 0, failed: 0, skipped: 0 },
    });
    expect(server.received).toEqual([]);
  });

  it('lets only one of two workers enqueue an announcement at a time, and both finish it', async () => {
    const server = await smtpServer();
    const partner = await tenant(t.rootTenantId, 'partner');
    const emails: string[] = [];
    for (let i = 0; i < 9; i++) {
      const c = await tenant(partner.id);
      emails.push((await contact(c.id, address('parallel-enqueue'))).email.toLowerCase());
    }
    const a = await announce(partner.id);
    const one = worker(server, { chunkSize: 1 });
    const two = worker(server, { chunkSize: 1 });
    // Both step at the same moment, over and over: chunks are taken one at a time, never twice.
    for (let round = 0; round < 20 && (await announcementRow(a.id)).status === 'enqueuing'; round++) {
      await Promise.all([one.enqueueStep(), two.enqueueStep()]);
    }
    expect((await announcementRow(a.id)).status).toBe('queued');
    const deliveries = await deliveriesOf(a.id);
    expect(deliveries.map((d) => d.email).sort()).toEqual(emails.sort());
    one.start();
    two.start();
    await finished(a.id);
    expect([...receivedBy(server, a.subject).values()].every((ids) => ids.length === 1)).toBe(true);
    expect(receivedBy(server, a.subject).size).toBe(9);
  });
});

describe('failures', () => {
  it('retries a temporary failure with exponential backoff up to maxAttempts, then fails it; the contact stays valid', async () => {
    const server = await smtpServer();
    const partner = await tenant(t.rootTenantId, 'partner');
    const busy = await contact(partner.id, address('busy'));
    const fine = await contact(partner.id, address('fine'));
    server.refuseAddress(busy.email, 451);
    const a = await announce(partner.id);
    const base = 150;
    const w = worker(server, { maxAttempts: 4, retryBaseMs: base });
    w.start();
    const done = await finished(a.id);
    expect(done).toMatchObject({ recipients: 2, counts: { pending: 0, sent: 1, failed: 1, skipped: 0 } });

    const attempts = server.refused.filter((r) => r.to.includes(busy.email.toLowerCase()));
    expect(attempts.map((r) => r.code)).toEqual([451, 451, 451, 451]);
    const gaps = attempts.slice(1).map((r, i) => r.at - attempts[i].at);
    console.log(`[${backend}] retry gaps with base ${base} ms: ${gaps.join(', ')} ms`);
    // Each wait at least doubles: base, 2·base, 4·base (a little slack for clock rounding).
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(base * 2 ** i - 5);
      expect(gap).toBeLessThan(base * 2 ** i + 1_000);
    });

    const failed = (await deliveriesOf(a.id)).find((d) => d.email === busy.email.toLowerCase())!;
    expect(failed).toMatchObject({ status: 'failed', attempts: 4, sent_at: null });
    expect(failed.last_error).toMatch(/451/);
    const listed = ok(
      await t.call(t.root, 'GET', `/api/2/announcements/${a.id}/deliveries?status=failed`),
      200,
      'failed deliveries',
    );
    expect(listed.items.map((d: { email: string; attempts: number }) => [d.email.toLowerCase(), d.attempts])).toEqual([
      [busy.email.toLowerCase(), 4],
    ]);
    // A temporary failure says nothing about the address: the contact stays valid.
    expect(ok(await t.call(t.root, 'GET', `/api/2/contacts/${busy.id}`), 200, 'contact').validation_state).toBe(
      'valid',
    );
    expect(receivedBy(server, a.subject).get(fine.email.toLowerCase())).toHaveLength(1);
    // No attempt after the last one.
    await sleep(base * 8);
    expect(server.refused.filter((r) => r.to.includes(busy.email.toLowerCase()))).toHaveLength(4);
  });

  it('delivers after temporary failures with the same Message-ID on every attempt', async () => {
    const server = await smtpServer();
    const partner = await tenant(t.rootTenantId, 'partner');
    const person = await contact(partner.id, address('eventually'));
    server.refuseNext(452, 2);
    const a = await announce(partner.id);
    worker(server, { retryBaseMs: 30 }).start();
    await finished(a.id);
    const [delivery] = await deliveriesOf(a.id);
    expect(delivery).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
    const id = messageId(delivery);
    expect(server.refused.map((r) => [r.code, r.messageId])).toEqual([
      [452, id],
      [452, id],
    ]);
    expect(server.received.filter((m) => m.subject === a.subject).map((m) => [m.to, m.messageId])).toEqual([
      [[person.email], id],
    ]);
  });

  it('fails a 5xx at once and marks every contact behind the address invalid; the next notice skips them', async () => {
    const server = await smtpServer();
    const partner = await tenant(t.rootTenantId, 'partner');
    const customer = await tenant(partner.id);
    const gone = address('gone');
    const behind = [await contact(partner.id, gone), await contact(customer.id, gone.toUpperCase())];
    const fine = await contact(customer.id, address('still-here'));
    server.refuseAddress(gone, 550);
    const a = await announce(partner.id);
    worker(server, { maxAttempts: 5, retryBaseMs: 30 }).start();
    const done = await finished(a.id);
    expect(done).toMatchObject({ recipients: 2, counts: { pending: 0, sent: 1, failed: 1 } });
    const failed = (await deliveriesOf(a.id)).find((d) => d.email === gone.toLowerCase())!;
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.last_error).toMatch(/550/);
    expect(server.refused.filter((r) => r.to.includes(gone.toLowerCase()))).toHaveLength(1);
    for (const c of behind)
      expect(ok(await t.call(t.root, 'GET', `/api/2/contacts/${c.id}`), 200, 'contact').validation_state).toBe(
        'invalid',
      );
    expect(ok(await t.call(t.root, 'GET', `/api/2/contacts/${fine.id}`), 200, 'contact').validation_state).toBe(
      'valid',
    );
    // Audited like a bounce reported later: by the system, naming the delivery and the SMTP answer.
    for (const c of behind) {
      const audits = await t.db
        .selectFrom('audit_events')
        .select(['actor_type', 'before', 'after'])
        .where('object_id', '=', c.id)
        .where('action', '=', 'bounce')
        .execute();
      expect(audits).toEqual([
        {
          actor_type: 'system',
          before: { validation_state: 'valid' },
          after: {
            validation_state: 'invalid',
            delivery_id: Number(failed.id),
            status: null,
            diagnostic: failed.last_error,
          },
        },
      ]);
    }

    const next = await announce(partner.id);
    expect(next.recipients).toBe(1);
    const nextDone = await finished(next.id);
    expect(nextDone).toMatchObject({ recipients: 1, counts: { sent: 1, failed: 0, skipped: 2 } });
    expect([...receivedBy(server, next.subject).keys()]).toEqual([fine.email.toLowerCase()]);
    expect(server.refused.filter((r) => r.to.includes(gone.toLowerCase()))).toHaveLength(1);
  });

  it('fails a 5xx answered after DATA at once, too', async () => {
    const server = await smtpServer();
    const partner = await tenant(t.rootTenantId, 'partner');
    const person = await contact(partner.id, address('rejected-content'));
    server.refuseNext(554, 1);
    const a = await announce(partner.id);
    worker(server).start();
    await finished(a.id);
    const [delivery] = await deliveriesOf(a.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1 });
    expect(delivery.last_error).toMatch(/554/);
    expect(server.refused.map((r) => r.messageId)).toEqual([messageId(delivery)]);
    expect(ok(await t.call(t.root, 'GET', `/api/2/contacts/${person.id}`), 200, 'contact').validation_state).toBe(
      'invalid',
    );
  });

  it('sends again a delivery whose worker died after claiming it, once the lease runs out, with the same Message-ID', async () => {
    const server = await smtpServer();
    const partner = await tenant(t.rootTenantId, 'partner');
    const person = await contact(partner.id, address('orphaned'));
    const a = await announce(partner.id);
    const dying = worker(server, { leaseSeconds: 1 });
    while ((await dying.enqueueStep()) > 0) {
      /* enqueue it all */
    }
    // It claims the delivery and dies before recording anything.
    const claimed = await claimDeliveries(t.db, { limit: 10, leaseSeconds: 1 });
    expect(claimed.map((d) => d.address)).toEqual([person.email]);
    const started = Date.now();
    worker(server).start();
    await sleep(300);
    expect(server.received).toHaveLength(0);
    await finished(a.id, 5_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    const [delivery] = await deliveriesOf(a.id);
    expect(delivery).toMatchObject({ status: 'sent', attempts: 2 });
    expect(server.received.map((m) => m.messageId)).toEqual([messageId(delivery)]);
  });
});

describe('several workers on one announcement', () => {
  async function world(addresses: number, tenants: number) {
    const partner = await tenant(t.rootTenantId, 'partner');
    const customers = [];
    for (let i = 0; i < tenants; i++) customers.push(await tenant(partner.id));
    const emails: string[] = [];
    for (let i = 0; i < addresses; i++) {
      const email = address('many');
      emails.push(email);
      await contact(customers[i % tenants].id, email);
    }
    // Some addresses are named again by another tenant: still one message each.
    for (let i = 0; i < addresses; i += 10) await contact(customers[(i + 1) % tenants].id, emails[i]);
    return { partner, emails };
  }

  async function expectExactlyOnce(server: TestSmtpServer, a: { id: string; subject: string }, emails: string[]) {
    const deliveries = await deliveriesOf(a.id);
    expect(deliveries).toHaveLength(emails.length);
    // Each delivery was claimed once: no worker took one another was holding.
    expect(deliveries.filter((d) => d.status !== 'sent' || d.attempts !== 1)).toEqual([]);
    const got = receivedBy(server, a.subject);
    expect([...got.keys()].sort()).toEqual(emails.map((e) => e.toLowerCase()).sort());
    const twice = [...got].filter(([, ids]) => ids.length !== 1);
    expect(twice).toEqual([]);
    const byEmail = new Map(deliveries.map((d) => [d.email, d]));
    for (const [to, [id]] of got) expect(id).toBe(messageId(byEmail.get(to)!));
  }

  it('two workers running together deliver each of 200 addresses exactly once', async () => {
    const server = await smtpServer({ delayMs: 5 });
    const { partner, emails } = await world(200, 20);
    const a = await announce(partner.id);
    expect(a.recipients).toBe(200);
    // Each with two lanes, as configured workers run: two batches of each in flight at once.
    const one = worker(server, { chunkSize: 3, batchSize: 10, pollMs: 5, lanes: 2 });
    const two = worker(server, { chunkSize: 3, batchSize: 10, pollMs: 5, lanes: 2 });
    const started = Date.now();
    one.start();
    two.start();
    const done = await finished(a.id, 120_000);
    const ms = Date.now() - started;
    expect(done).toMatchObject({
      status: 'done',
      recipients: 200,
      counts: { pending: 0, sent: 200, failed: 0, skipped: 0 },
    });
    await expectExactlyOnce(server, a, emails);
    expect(one.counter.sent + two.counter.sent).toBe(200);
    console.log(
      `[${backend}] 2 workers, 200 recipients over 21 tenants (chunks of 3, batches of 10, SMTP answering in 5 ms): ${ms} ms, shares ${one.counter.sent}/${two.counter.sent}`,
    );
    // On PostgreSQL the two really run side by side; PGlite serializes them on its one connection.
    if (backend === 'postgres') {
      expect(one.counter.sent).toBeGreaterThan(0);
      expect(two.counter.sent).toBeGreaterThan(0);
    }
    expect(logged).toEqual([]);
  }, 180_000);

  it('four workers with small batches, two of them stopped half-way, still deliver each address exactly once', async () => {
    const server = await smtpServer({ delayMs: 10 });
    const { partner, emails } = await world(200, 8);
    const a = await announce(partner.id);
    // Two lanes each: a graceful stop waits for both lanes' batches.
    const pool = [1, 2, 3, 4].map(() => worker(server, { chunkSize: 2, batchSize: 3, pollMs: 1, lanes: 2 }));
    const started = Date.now();
    for (const w of pool) w.start();
    await until(() => server.received.filter((m) => m.subject === a.subject).length >= 60, '60 messages');
    // A graceful stop finishes the pass in flight: what it claimed is sent and recorded.
    await Promise.all([pool[0].stop(), pool[1].stop()]);
    const stoppedAt = pool[0].counter.sent + pool[1].counter.sent;
    await finished(a.id, 120_000);
    const ms = Date.now() - started;
    await expectExactlyOnce(server, a, emails);
    expect(pool[0].counter.sent + pool[1].counter.sent).toBe(stoppedAt);
    expect(pool.reduce((n, w) => n + w.counter.sent, 0)).toBe(200);
    console.log(
      `[${backend}] 4 workers, 200 recipients (batches of 3, SMTP answering in 10 ms, 2 stopped after 60): ${ms} ms, shares ${pool.map((w) => w.counter.sent).join('/')}`,
    );
    expect(logged).toEqual([]);
  }, 180_000);

  it('claims disjoint batches when two workers claim at the same moment', async () => {
    const server = await smtpServer();
    const { partner, emails } = await world(30, 3);
    const a = await announce(partner.id);
    const one = worker(server, { batchSize: 20 });
    const two = worker(server, { batchSize: 20 });
    while ((await one.enqueueStep()) > 0) {
      /* enqueue it all */
    }
    const [sentA, sentB] = await Promise.all([one.sendStep(), two.sendStep()]);
    expect(sentA + sentB).toBe(30);
    expect(Math.max(sentA, sentB)).toBe(20);
    await one.sendStep();
    await finished(a.id);
    await expectExactlyOnce(server, a, emails);
  });
});
