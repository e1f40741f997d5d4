/**
 * Fan-out benchmark on PostgreSQL: a generated tree, one announcement to all of it, enqueued and
 * then sent into a fast local SMTP sink (Postfix's smtp-sink when installed, else bench/fast-sink.ts).
 * In the same run, bare nodemailer (same pool size, Liaison's sockets, the same message) sends as
 * many messages as Liaison's timed sends, the two taking turns for --rounds each: the ratio of
 * their best rounds is the figure. Then two worker
 * processes share fresh deliveries. It creates its own database and drops it at the end.
 *
 *   npm run bench:fanout -- [--tenants 10000] [--contacts 100000] [--send-limit N] [--connections N]
 *     [--batch N] [--lanes N] [--workers 2] [--rounds 2] [--sink auto|smtp-sink|node] [--queries]
 *
 * DATABASE_URL names the server (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import pg from 'pg';
import pino from 'pino';
import { sql } from 'kysely';
import { loadConfig } from '../src/platform/config.js';
import { openDatabase, type Db } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrator.js';
import { ensureRoot } from '../src/features/setup/bootstrap.service.js';
import { systemScope } from '../src/platform/scope.js';
import { AnnouncementWorker, announcementWorkerOptions } from '../src/engine/delivery-queue.js';
import { insertAnnouncement } from '../src/features/announcements/announcement.repository.js';
import {
  countAttention,
  countBouncedPrimaries,
  countCoverage,
  findEffectiveContacts,
  findUncovered,
} from '../src/features/announcements/coverage.repository.js';
import { seedTree } from './seed.js';
import { startSink, type SinkChoice } from './sink.js';
import { runBare, runLiaison, type BareRun, type LiaisonRun } from './phases.js';

const defaults = loadConfig({});
const { values: args } = parseArgs({
  options: {
    tenants: { type: 'string', default: '10000' },
    contacts: { type: 'string', default: '100000' },
    'send-limit': { type: 'string', default: '0' },
    connections: { type: 'string', default: String(defaults.deliveryConnections) },
    batch: { type: 'string', default: String(defaults.deliveryBatchSize) },
    workers: { type: 'string', default: '2' },
    lanes: { type: 'string', default: '' },
    sink: { type: 'string', default: 'auto' },
    rounds: { type: 'string', default: '2' },
    queries: { type: 'boolean', default: false },
  },
});
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const seconds = (t0: number) => (performance.now() - t0) / 1000;
const log = pino({ level: 'warn' });

async function enqueueAll(db: Db, config: ReturnType<typeof loadConfig>, id: string, tenants: number) {
  const worker = new AnnouncementWorker(db, announcementWorkerOptions(db, config, log));
  const steps = Math.ceil(tenants / config.enqueueChunkTenants) + 1;
  const progress = new cliProgress.SingleBar(
    { format: 'enqueue [{bar}] {value}/{total} chunks', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  progress.start(steps, 0);
  const t0 = performance.now();
  const status = async () =>
    (await db.selectFrom('announcements').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
  for (let step = 1; (await status()) === 'enqueuing'; step++) {
    await worker.enqueueStep();
    progress.update(Math.min(step, steps));
  }
  progress.stop();
  return seconds(t0);
}

/** Deliveries sent by a phase are made due again when fewer than `needed` are still pending. */
async function freshDeliveries(db: Db, id: string, needed: number) {
  const pending = await sql<{ n: number }>`SELECT count(*)::int AS n FROM deliveries
    WHERE announcement_id = ${id}::uuid AND status = 'pending'`.execute(db);
  if (pending.rows[0].n >= needed) return;
  await sql`UPDATE deliveries SET status = 'pending', attempts = 0, sent_at = NULL, last_error = NULL, next_attempt_at = now()
    WHERE announcement_id = ${id}::uuid AND status <> 'pending'`.execute(db);
  await sql`UPDATE announcements SET status = 'sending', completed_at = NULL WHERE id = ${id}::uuid`.execute(db);
}

async function coverageQueries(db: Db, root: string) {
  const time = async (label: string, run: () => Promise<unknown>, times: number) => {
    const samples: number[] = [];
    for (let i = 0; i < times; i++) {
      const t0 = performance.now();
      await run();
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    const at = (q: number) => samples[Math.floor(times * q)].toFixed(1);
    console.log(`${label}: median ${at(0.5)} ms, p90 ${at(0.9)} ms`);
  };
  const someCustomer = (
    await sql<{ id: string }>`SELECT id FROM tenants t WHERE kind = 'customer'
      AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.tenant_id = t.id) LIMIT 1`.execute(db)
  ).rows[0].id;
  await time(
    'effective-contacts (a customer without contacts, inherited)',
    () => findEffectiveContacts(db, root, someCustomer, 'technical'),
    20,
  );
  await time('contact-coverage counts over the whole tree', () => countCoverage(db, root), 5);
  // The endpoint also counts bounced primaries and attestation states: each tenant's oldest contact
  // is its primary for its types (as the API would have made it), and some addresses bounce (2 %
  // of the contacts), as they would on a platform in use.
  await sql`UPDATE contacts c SET primary_types = c.types
    FROM (SELECT DISTINCT ON (tenant_id) id FROM contacts ORDER BY tenant_id, created_at, id) f WHERE c.id = f.id`.execute(
    db,
  );
  await sql`UPDATE contacts SET validation_state = 'invalid' WHERE random() < 0.02`.execute(db);
  const bounced = await sql<{ n: number }>`SELECT count(*)::int AS n FROM contacts
    WHERE validation_state = 'invalid' AND primary_types <> '{}'`.execute(db);
  console.log(`bounced primaries: ${bounced.rows[0].n}`);
  const { total } = await countCoverage(db, root);
  await time('contact-coverage bounced primaries over the whole tree', () => countBouncedPrimaries(db, root, total), 5);
  await time('contact-coverage attestation states over the whole tree', () => countAttention(db, root), 5);
  const types = ['billing', 'technical', 'management'] as const;
  await time(
    'contact-coverage first page of uncovered tenants',
    () => findUncovered(db, systemScope(root), root, { types: [...types], limit: 100 }),
    5,
  );
}

async function main() {
  const name = `liaison_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), poolSize: 4 });
  const db = handle.db;
  const sink = await startSink(args.sink as SinkChoice);
  try {
    // What `liaison worker` would read from its environment, for every process of the run.
    const env = {
      DATABASE_URL: url.toString(),
      SMTP_URL: sink.url,
      MAIL_FROM: 'Liaison <notices@liaison.bench.test>',
      LIAISON_PUBLIC_URL: 'https://liaison.bench.test',
      LIAISON_BOUNCE_DOMAIN: 'bounces.bench.test',
      LIAISON_DELIVERY_CONNECTIONS: args.connections,
      LIAISON_DELIVERY_BATCH: args.batch,
      LOG_LEVEL: 'warn',
      // Passes side by side in a worker (default: the worker's own setting).
      BENCH_LANES: args.lanes,
    };
    const config = loadConfig(env);
    console.log(`sink: ${sink.description} on 127.0.0.1:${sink.port}`);
    console.log(
      `load average at the start: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(', ')} (${os.cpus().length} cores)`,
    );
    console.log(`pool: ${config.deliveryConnections} connections, batches of ${config.deliveryBatchSize}`);
    await migrateToLatest(db);
    await ensureRoot(db, { adminPassword: 'bench-password' });
    const root = (await db.selectFrom('tenants').select('id').where('kind', '=', 'root').executeTakeFirstOrThrow()).id;

    const t0 = performance.now();
    const tree = await seedTree(db, root, Number(args.tenants), Number(args.contacts));
    console.log(`tree: ${tree.tenants} tenants, ${tree.contacts} contacts, generated in ${seconds(t0).toFixed(1)} s`);

    // One announcement to the whole platform, written as the API writes it, then enqueued by the worker's step.
    const id = await insertAnnouncement(db, {
      scope_tenant_id: root,
      category: 'technical',
      subject: { en: 'Planned maintenance', it: 'Manutenzione programmata' },
      body: {
        en: '# Maintenance\n\nOn **Saturday** from 22:00 to 23:00 the platform is updated. Services stay available; consoles may be slow for a few minutes.',
        it: '# Manutenzione\n\nSabato dalle 22:00 alle 23:00 la piattaforma viene aggiornata. I servizi restano disponibili; le console possono essere lente per qualche minuto.',
      },
      fallback: 'ancestor',
      created_by_type: 'system',
      created_by_id: null,
    });
    const enqueueSeconds = await enqueueAll(db, config, id, tree.tenants);
    const { recipients, skipped } = await db
      .selectFrom('announcements')
      .select(['recipients', 'skipped'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    console.log(`enqueue: ${recipients} deliveries in ${enqueueSeconds.toFixed(1)} s`);
    console.log(
      `enqueue rate: ${Math.round(recipients / enqueueSeconds)} deliveries/s (${skipped} tenants without a recipient); bench process peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
    );

    const limit = Math.min(Number(args['send-limit']) || recipients, recipients);
    // Liaison and bare take turns (L B L B …) and each side's best round counts: a passing
    // disturbance of the machine (autovacuum, another process) then does not decide the ratio.
    const rounds = Math.max(1, Number(args.rounds));
    let one: LiaisonRun | undefined;
    let bare: BareRun | undefined;
    let peakRssMiB = 0;
    for (let round = 1; round <= rounds; round++) {
      await freshDeliveries(db, id, limit);
      const l = await runLiaison(env, 1, limit);
      console.log(
        `liaison, one worker: ${l.sent} messages in ${(l.ms / 1000).toFixed(1)} s = ${Math.round(l.perSecond)} messages/s (claim, render, send, record; the SMTP pool had less than one message per connection ${Math.round(l.starved * 100)} % of the time)`,
      );
      const b = await runBare(env, l.sent, l.sample);
      console.log(
        `bare nodemailer: ${b.sent} messages in ${(b.ms / 1000).toFixed(1)} s = ${Math.round(b.perSecond)} messages/s (same pool, sockets and message: ${Buffer.byteLength(l.sample.html) + Buffer.byteLength(l.sample.text)} bytes of body)`,
      );
      peakRssMiB = Math.max(peakRssMiB, l.peakRssMiB);
      if (!one || l.perSecond > one.perSecond) one = l;
      if (!bare || b.perSecond > bare.perSecond) bare = b;
    }
    one = one!;
    bare = bare!;
    console.log(`delivery ratio liaison/bare: ${(one.perSecond / bare.perSecond).toFixed(2)}`);
    console.log(
      `best of ${rounds} round${rounds > 1 ? 's' : ''} each: liaison ${Math.round(one.perSecond)}, bare ${Math.round(bare.perSecond)} messages/s; CPU per message (the sending process's own): liaison ${Math.round(one.cpuUsPerMessage)} µs, bare ${Math.round(bare.cpuUsPerMessage)} µs`,
    );

    const workers = Number(args.workers);
    if (workers > 1) {
      await freshDeliveries(db, id, limit);
      const many = await runLiaison(env, workers, limit);
      const label = workers === 2 ? 'two workers' : `${workers} workers`;
      console.log(
        `${label}: ${Math.round(many.perSecond)} messages/s (ratio to one worker: ${(many.perSecond / one.perSecond).toFixed(2)})`,
      );
      console.log(
        `${label}, each: ${many.perWorker.map((r) => `${Math.round(r)} messages/s`).join(', ')}; CPU per message ${Math.round(many.cpuUsPerMessage)} µs`,
      );
      peakRssMiB = Math.max(peakRssMiB, many.peakRssMiB);
    }
    console.log(`peak RSS of the worker: ${Math.round(peakRssMiB)} MiB`);
    // Other work on the machine shows in every figure above: say how busy it was.
    console.log(
      `load average at the end: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(', ')} (${os.cpus().length} cores)`,
    );
    if (args.queries) await coverageQueries(db, root);
  } finally {
    sink.close();
    await handle.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
