/**
 * Webhook dispatch benchmark on PostgreSQL: N events in the outbox, each with a delivery to one of
 * --webhooks endpoints of a fast local receiver (bench/webhook-receiver.ts: node:http, keep-alive,
 * 204 at once, in a process of its own), sent by the real dispatcher (the worker's
 * WebhookWorker: claim, sign, post, record). In the same run a bare baseline posts the same
 * bodies, signed the same way (standardwebhooks), to the same receiver through a tuned undici
 * Pool (keep-alive) with the dispatcher's concurrency. The two take turns (L B L B …) and each
 * side's best round counts. It creates its own database and drops it at the end.
 *
 *   npm run bench:webhooks -- [--events 20000] [--webhooks 4] [--rounds 2]
 *
 * DATABASE_URL names the server (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { Pool } from 'undici';
import { loadConfig } from '../src/platform/config.js';
import { openDatabase, type Db } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrator.js';
import { ensureRoot } from '../src/features/setup/bootstrap.service.js';
import { createWebhookWorker, WEBHOOK_CONCURRENCY } from '../src/engine/webhook-queue.js';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '20000' },
    webhooks: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '2' },
  },
});
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The dispatcher's deliveries in flight at most: passes side by side, each posting its batch. */
const CONCURRENCY = WEBHOOK_CONCURRENCY;
const log = pino({ level: 'warn' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Receiver {
  port: number;
  answered(): Promise<number>;
  close(): void;
}

async function startReceiver(): Promise<Receiver> {
  const child = fork(new URL('./webhook-receiver.ts', import.meta.url).pathname, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`the receiver exited with code ${code}`)));
  });
  return {
    port,
    answered: () =>
      new Promise((resolve) => {
        child.once('message', (m: { answered: number }) => resolve(m.answered));
        child.send('count');
      }),
    close: () => child.kill(),
  };
}

/** A contact as the API shows it: the data of every event (about 700 bytes of payload). */
const contactTemplate = {
  tenant_id: null,
  user_id: null,
  types: ['technical', 'billing'],
  firstname: 'Grace',
  lastname: 'Hopper',
  phone: '+39 02 1234 5678',
  title: 'IT manager',
  language: 'en',
  pending_email: null,
  validation_state: 'valid',
  email_confirmed: false,
  address1: 'Via Roma 1',
  address2: null,
  city: 'Milano',
  state: 'MI',
  zipcode: '20100',
  country: 'IT',
  website: 'https://example.test',
  industry: 'Manufacturing',
  organization_size: '11-100',
  fax: null,
  aan: 'ACME-42',
  version: 2,
  created_at: '2026-01-01T08:00:00.000Z',
  updated_at: '2026-01-02T09:30:00.000Z',
};

/** `webhooks` endpoints of the root tenant, and `events` contact.updated events each delivered to one of them. */
async function seed(db: Db, root: string, port: number, webhooks: number, events: number) {
  const secret = () => `whsec_${randomBytes(24).toString('base64')}`;
  await db
    .insertInto('webhooks')
    .values(
      Array.from({ length: webhooks }, (_, i) => ({
        tenant_id: root,
        url: `http://127.0.0.1:${port}/hooks/${i + 1}`,
        events: ['contact.*'],
        secret: secret(),
        updated_at: new Date(),
      })),
    )
    .execute();
  await sql`WITH w AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM webhooks),
    e AS (
      INSERT INTO webhook_events (type, tenant_id, object_id, payload)
      SELECT 'contact.updated', ${root}::uuid, 'bench-' || g,
        jsonb_build_object('type', 'contact.updated', 'timestamp', now()::text, 'changed', '["title"]'::jsonb,
          'data', ${JSON.stringify(contactTemplate)}::jsonb || jsonb_build_object('id', gen_random_uuid(),
            'tenant_id', ${root}::text, 'email', 'person' || g || '@example.test'))
      FROM generate_series(1, ${events}) g
      RETURNING id, seq, object_id)
    INSERT INTO webhook_deliveries (webhook_id, event_id, seq, object_id)
    SELECT w.id, e.id, e.seq, e.object_id FROM e JOIN w ON w.n = e.seq % ${webhooks}`.execute(db);
}

/** Every delivery pending and due again, as written. */
async function fresh(db: Db) {
  await sql`UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(),
    last_attempt_at = NULL, last_status_code = NULL, last_error = NULL`.execute(db);
  await sql`VACUUM ANALYZE webhook_deliveries`.execute(db);
}

interface Run {
  events: number;
  seconds: number;
  perSecond: number;
}

/**
 * The worker's dispatcher, from start until no delivery is pending. Progress is asked of the
 * receiver (no query competes with the dispatcher for the database) until it has answered them
 * all; then the database, until the last outcomes are recorded.
 */
async function runLiaison(db: Db, config: ReturnType<typeof loadConfig>, receiver: Receiver, total: number) {
  await fresh(db);
  const worker = createWebhookWorker(db, config, log);
  const target = (await receiver.answered()) + total;
  const t0 = performance.now();
  worker.start();
  while ((await receiver.answered()) < target) await sleep(10);
  const pending = async () =>
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending'`.execute(db))
      .rows[0].n;
  while ((await pending()) > 0) await sleep(5);
  const seconds = (performance.now() - t0) / 1000;
  await worker.stop();
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM webhook_deliveries
    WHERE status = 'succeeded'`.execute(db);
  if (rows[0].n !== total) throw new Error(`only ${rows[0].n} of ${total} deliveries succeeded`);
  return { events: total, seconds, perSecond: total / seconds } satisfies Run;
}

interface Item {
  id: string;
  path: string;
  secret: string;
  body: string;
}

/** The same deliveries posted by a tuned undici Pool, signed as the dispatcher signs them. */
async function runBare(items: Item[], port: number): Promise<Run> {
  const pool = new Pool(`http://127.0.0.1:${port}`, {
    connections: CONCURRENCY,
    pipelining: 1,
    keepAliveTimeout: 60_000,
  });
  const signers = new Map<string, Webhook>();
  let next = 0;
  const t0 = performance.now();
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++];
      const id = `msg_${item.id.replaceAll('-', '')}`;
      const now = new Date();
      const signer = signers.get(item.secret) ?? new Webhook(item.secret);
      signers.set(item.secret, signer);
      const res = await pool.request({
        method: 'POST',
        path: item.path,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Liaison-Webhooks/1',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': signer.sign(id, now, item.body),
        },
        body: item.body,
      });
      await res.body.dump();
      if (res.statusCode !== 204) throw new Error(`the receiver answered ${res.statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  const seconds = (performance.now() - t0) / 1000;
  await pool.close();
  return { events: items.length, seconds, perSecond: items.length / seconds };
}

const line = (label: string, run: Run) =>
  `${label}: ${run.events} events in ${run.seconds.toFixed(2)} s = ${Math.round(run.perSecond)} events/s`;
const load = () =>
  `${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(', ')} (${os.cpus().length} cores)`;

async function main() {
  const total = Number(args.events);
  const webhooks = Math.max(1, Number(args.webhooks));
  const rounds = Math.max(1, Number(args.rounds));
  const name = `liaison_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), poolSize: 4 });
  const db = handle.db;
  const receiver = await startReceiver();
  try {
    const config = loadConfig({
      DATABASE_URL: url.toString(),
      LIAISON_WEBHOOKS_ALLOW_PRIVATE: 'true',
      LIAISON_WEBHOOK_POLL_MS: '10',
      LOG_LEVEL: 'warn',
    });
    console.log(`receiver: node:http, keep-alive, 204 at once, on 127.0.0.1:${receiver.port}`);
    console.log(`load average at the start: ${load()}`);
    await migrateToLatest(db);
    await ensureRoot(db, { adminPassword: 'bench-password' });
    const root = (await db.selectFrom('tenants').select('id').where('kind', '=', 'root').executeTakeFirstOrThrow()).id;
    await seed(db, root, receiver.port, webhooks, total);
    const items = (
      await sql<Item>`SELECT d.event_id AS id, substring(w.url from '/hooks/.*$') AS path, w.secret, e.payload::text AS body
        FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN webhook_events e ON e.id = d.event_id
        ORDER BY d.seq`.execute(db)
    ).rows;
    const bytes = items.reduce((sum, item) => sum + Buffer.byteLength(item.body), 0) / items.length;
    console.log(`seeded: ${total} events to ${webhooks} webhook(s), ${Math.round(bytes)} bytes of body each`);

    let liaison: Run | undefined;
    let bare: Run | undefined;
    for (let round = 1; round <= rounds; round++) {
      const l = await runLiaison(db, config, receiver, total);
      console.log(`round ${round}, ${line('liaison webhooks', l)}`);
      const b = await runBare(items, receiver.port);
      console.log(`round ${round}, ${line('bare', b)}`);
      if (!liaison || l.perSecond > liaison.perSecond) liaison = l;
      if (!bare || b.perSecond > bare.perSecond) bare = b;
    }
    console.log(`receiver answered ${await receiver.answered()} requests (${rounds} × 2 × ${total})`);
    console.log(
      `best of ${rounds} round${rounds > 1 ? 's' : ''} each, ${CONCURRENCY} requests in flight on each side:`,
    );
    console.log(line('liaison webhooks', liaison!));
    console.log(line('bare', bare!));
    console.log(`ratio webhooks: ${(liaison!.perSecond / bare!.perSecond).toFixed(2)}`);
    console.log(`load average at the end: ${load()}`);
  } finally {
    receiver.close();
    await handle.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
