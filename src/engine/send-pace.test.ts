import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { smtpTransport, type MailTransport } from '../platform/mail/transport.js';
import { startTestApp, type TestApp } from '../../test/support/test-app.js';
import { AnnouncementWorker } from './delivery-queue.js';
import { SendPace } from './send-pace.js';

// LIAISON_MAIL_RATE_PER_SECOND: every worker reserves its slots in the one send_pace row, so
// together they stay at the rate. Measured where it counts: the arrival times at a real SMTP
// server. Only "not above the cap" is asserted; a slow machine may send below it.

const backend = inject('testDatabase').kind;
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await t.announcementWorker.stop();
});
afterAll(() => t?.close());

/** A real SMTP server that notes when each message has fully arrived, and to whom. */
async function timingServer() {
  const arrivals: { at: number; to: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        arrivals.push({ at: performance.now(), to: session.envelope.rcptTo[0].address });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, arrivals, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the shared send rate', () => {
  it('gives two workers consecutive, disjoint slots in the order they reserve', async () => {
    const rate = 50;
    // The pace is set 10 s ahead: every reservation below starts from there, not from the clock.
    await sql`UPDATE send_pace SET next_at = clock_timestamp() + interval '10 seconds'`.execute(t.db);
    const { next_at: from } = await t.db.selectFrom('send_pace').select('next_at').executeTakeFirstOrThrow();
    const [one, two] = [new SendPace(t.db, rate), new SendPace(t.db, rate)];
    const reservations = [await one.reserve(5), await two.reserve(3), await one.reserve(2)];
    const { next_at: to } = await t.db.selectFrom('send_pace').select('next_at').executeTakeFirstOrThrow();
    // Ten slots of 20 ms, exactly, by the database's clock.
    expect(new Date(to).getTime() - new Date(from).getTime()).toBe(200);
    for (const slots of reservations) {
      slots.slice(1).forEach((at, i) => expect(at - slots[i]).toBeCloseTo(1000 / rate, 6));
    }
    // By the local clock (which adds each answer's travel time): about 10 s from now, one after the other.
    const firsts = reservations.map((slots) => slots[0]);
    expect(firsts[0] - Date.now()).toBeGreaterThan(9_000);
    expect(firsts[1]).toBeGreaterThan(firsts[0]);
    expect(firsts[2]).toBeGreaterThan(firsts[1]);
    await sql`UPDATE send_pace SET next_at = clock_timestamp()`.execute(t.db);
  });

  it('holds two workers sending one announcement together under the rate, measured at the receiving server', async () => {
    const rate = 100;
    const count = 300;
    const server = await timingServer();
    const partner = await t.call(t.root, 'POST', '/api/2/tenants', {
      name: 'Paced partner',
      parent_id: t.rootTenantId,
      kind: 'partner',
    });
    expect(partner.status).toBe(201);
    await sql`INSERT INTO contacts (tenant_id, types, firstname, lastname, email)
      SELECT ${partner.body.id}::uuid, ARRAY['technical'], 'Paced', 'Person ' || i, 'paced' || i || '@example.test'
      FROM generate_series(1, ${count}) i`.execute(t.db);
    const res = await t.call(t.root, 'POST', '/api/2/announcements', {
      category: 'technical',
      subject: { en: 'Paced notice' },
      body: { en: 'Sent at the deployment rate.' },
      fallback: 'none',
      scope_tenant_id: partner.body.id,
    });
    expect(res.status).toBe(202);
    const id = res.body.id as string;

    const shares = [0, 0];
    const workers = [0, 1].map((n) => {
      const smtp = smtpTransport(server.url, 'Liaison <no-reply@liaison.test>', { maxConnections: 5 });
      const transport: MailTransport = {
        async send(message) {
          await smtp.send(message);
          shares[n] += 1;
        },
        close: () => smtp.close(),
      };
      return new AnnouncementWorker(t.db, {
        transport,
        pace: new SendPace(t.db, rate),
        log: pino({ level: 'warn' }),
        pollMs: 20,
        chunkSize: 100,
        batchSize: 200,
        lanes: 2,
        maxAttempts: 3,
        retryBaseMs: 100,
        leaseSeconds: 300,
        messageIdDomain: 'liaison.test',
      });
    });
    try {
      while ((await workers[0].enqueueStep()) > 0) {
        /* enqueue it all before either sends */
      }
      for (const w of workers) w.start();
      const status = async () =>
        (await t.db.selectFrom('announcements').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
      await until(async () => (await status()) === 'done', 'the announcement to be sent', 60_000);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await server.close();
    }

    const deliveries = await t.db.selectFrom('deliveries').selectAll().where('announcement_id', '=', id).execute();
    expect(deliveries).toHaveLength(count);
    expect(deliveries.filter((d) => d.status !== 'sent')).toEqual([]);
    const { arrivals } = server;
    expect(arrivals).toHaveLength(count);
    expect(new Set(arrivals.map((a) => a.to.toLowerCase())).size).toBe(count);
    const seconds = (arrivals[count - 1].at - arrivals[0].at) / 1000;
    const observed = (count - 1) / seconds;
    console.log(
      `[${backend}] ${count} messages at a cap of ${rate}/s: ${observed.toFixed(1)}/s over ${seconds.toFixed(2)} s, shares ${shares.join('/')}`,
    );
    expect(observed).toBeLessThanOrEqual(rate * 1.1);
    // Both took part: the cap held for the two together, not for one alone.
    expect(shares[0]).toBeGreaterThan(0);
    expect(shares[1]).toBeGreaterThan(0);
  }, 120_000);
});
