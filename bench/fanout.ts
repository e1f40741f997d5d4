/**
 * Fan-out benchmark: a generated tree (default 10 000 tenants, 100 000 contacts) on
 * PostgreSQL, one announcement to all of it. Prints the time to enqueue, the delivery
 * throughput into an SMTP server on 127.0.0.1, the same number of messages sent by bare
 * nodemailer to the same server in the same run (the ratio is the figure), and the
 * effective-contacts and coverage queries at that size.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/fanout.ts [--tenants N] [--contacts N]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import pg from 'pg';
import pino from 'pino';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { openDatabase } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrator.js';
import { ensureRoot } from '../src/features/setup/bootstrap.service.js';
import { smtpTransport } from '../src/platform/mail/transport.js';
import { systemScope } from '../src/platform/scope.js';
import { AnnouncementWorker } from '../src/engine/delivery-queue.js';
import { insertAnnouncement } from '../src/features/announcements/announcement.repository.js';
import {
  findEffectiveContacts,
  countCoverage,
  findUncovered,
} from '../src/features/announcements/coverage.repository.js';

const { values: args } = parseArgs({
  options: {
    tenants: { type: 'string', default: '10000' },
    contacts: { type: 'string', default: '100000' },
    connections: { type: 'string', default: '20' },
    batch: { type: 'string', default: '200' },
  },
});
const TENANTS = Number(args.tenants);
const CONTACTS = Number(args.contacts);
const CONNECTIONS = Number(args.connections);
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const log = pino({ level: 'warn' });

/** An SMTP sink that only counts what it receives. */
async function startSink() {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    maxClients: 100,
    disableReverseLookup: true,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        received++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    count: () => received,
    reset: () => {
      received = 0;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function main() {
  const name = `liaison_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), poolSize: 10 });
  const db = handle.db;
  const sink = await startSink();
  try {
    await migrateToLatest(db);
    await ensureRoot(db, { adminPassword: 'bench-password' });
    const root = (await db.selectFrom('tenants').select('id').where('kind', '=', 'root').executeTakeFirstOrThrow()).id;

    // --- the tree: partners of 100 customers each, contacts spread over the customers ---
    let t0 = process.hrtime.bigint();
    const partners = Math.max(1, Math.round(TENANTS / 101));
    const perTenant = Math.max(1, Math.round(CONTACTS / TENANTS));
    await sql`
      WITH p AS (
        INSERT INTO tenants (id, parent_id, name, kind)
        SELECT gen_random_uuid(), ${root}::uuid, 'Partner ' || i, 'partner' FROM generate_series(1, ${partners}) i RETURNING id)
      INSERT INTO tenant_closure (ancestor_id, descendant_id, depth)
      SELECT id, id, 0 FROM p UNION ALL SELECT ${root}::uuid, id, 1 FROM p`.execute(db);
    await sql`
      WITH c AS (
        INSERT INTO tenants (id, parent_id, name, kind, language)
        SELECT gen_random_uuid(), p.id, 'Customer ' || p.name || '/' || i, 'customer', CASE WHEN i % 4 = 0 THEN 'it' ELSE 'en' END
        FROM tenants p CROSS JOIN generate_series(1, 100) i WHERE p.kind = 'partner'
        RETURNING id, parent_id)
      INSERT INTO tenant_closure (ancestor_id, descendant_id, depth)
      SELECT id, id, 0 FROM c UNION ALL SELECT parent_id, id, 1 FROM c UNION ALL SELECT ${root}::uuid, id, 2 FROM c`.execute(
      db,
    );
    // Every tenth customer has no contact (coverage gaps, fallback); addresses repeat
    // across tenants (about 30 %), as the same people serve several customers.
    const distinct = Math.round(CONTACTS * 0.7);
    await sql`
      INSERT INTO contacts (tenant_id, types, firstname, lastname, email, language)
      SELECT t.id,
             CASE j % 3 WHEN 0 THEN ARRAY['technical'] WHEN 1 THEN ARRAY['billing', 'technical'] ELSE ARRAY['management'] END,
             'First' || j, 'Last' || t.n, 'person' || ((t.n * ${perTenant} + j) % ${distinct}) || '@bench.test', NULL
      FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM tenants WHERE kind IN ('customer', 'partner')) t
      CROSS JOIN generate_series(1, ${perTenant}) j
      WHERE t.n % 10 <> 0`.execute(db);
    await sql`ANALYZE`.execute(db);
    const counts = await sql<{
      tenants: number;
      contacts: number;
    }>`SELECT (SELECT count(*) FROM tenants) AS tenants, (SELECT count(*) FROM contacts) AS contacts`.execute(db);
    console.log(
      `tree: ${counts.rows[0].tenants} tenants, ${counts.rows[0].contacts} contacts, generated in ${(ms(t0) / 1000).toFixed(1)} s`,
    );

    // --- one announcement to the whole platform ---
    const transport = smtpTransport(sink.url, 'Bench <bench@liaison.test>', { maxConnections: CONNECTIONS });
    const worker = new AnnouncementWorker(db, {
      transport,
      log,
      pollMs: 1000,
      chunkSize: 2000,
      batchSize: Number(args.batch),
      maxAttempts: 3,
      retryBaseMs: 1000,
      leaseSeconds: 300,
      messageIdDomain: 'bench.test',
    });
    const id = await insertAnnouncement(db, {
      scope_tenant_id: root,
      category: 'technical',
      subject: { en: 'Planned maintenance', it: 'Manutenzione programmata' },
      body: {
        en: '# Maintenance\n\nOn **Saturday** the platform is updated.',
        it: '# Manutenzione\n\nSabato la piattaforma viene aggiornata.',
      },
      fallback: 'ancestor',
      created_by_type: 'system',
      created_by_id: null,
    });
    t0 = process.hrtime.bigint();
    while (
      (await db.selectFrom('announcements').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status ===
      'enqueuing'
    ) {
      await worker.enqueueStep();
    }
    const enqueueMs = ms(t0);
    const { recipients, skipped } = await db
      .selectFrom('announcements')
      .select(['recipients', 'skipped'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    console.log(
      `enqueue: ${recipients} deliveries (distinct addresses) in ${(enqueueMs / 1000).toFixed(2)} s = ${Math.round(recipients / (enqueueMs / 1000))} deliveries/s (${skipped} skipped)`,
    );

    t0 = process.hrtime.bigint();
    while ((await worker.sendStep()) > 0) {
      /* until nothing is due */
    }
    const sendMs = ms(t0);
    const sent = sink.count();
    const liaisonRate = sent / (sendMs / 1000);
    console.log(
      `liaison delivery: ${sent} messages in ${(sendMs / 1000).toFixed(1)} s = ${Math.round(liaisonRate)} msg/s (claim, render, send, record)`,
    );
    transport.close();

    // --- the baseline: bare nodemailer, same server, same count, same pool size ---
    sink.reset();
    const bare = nodemailer.createTransport({
      pool: true,
      host: '127.0.0.1',
      port: sink.port,
      secure: false,
      maxConnections: CONNECTIONS,
      ignoreTLS: true,
    });
    const html =
      '<!doctype html><html><body><h1>Maintenance</h1><p>On <strong>Saturday</strong> the platform is updated.</p></body></html>';
    t0 = process.hrtime.bigint();
    const window = Number(args.batch);
    for (let i = 0; i < sent; i += window) {
      await Promise.all(
        Array.from({ length: Math.min(window, sent - i) }, (_, k) =>
          bare.sendMail({
            from: 'Bench <bench@liaison.test>',
            to: `person${i + k}@bench.test`,
            subject: 'Planned maintenance',
            text: 'On Saturday the platform is updated.',
            html,
          }),
        ),
      );
    }
    const bareMs = ms(t0);
    bare.close();
    const bareRate = sink.count() / (bareMs / 1000);
    console.log(
      `bare nodemailer: ${sink.count()} messages in ${(bareMs / 1000).toFixed(1)} s = ${Math.round(bareRate)} msg/s`,
    );
    console.log(`ratio liaison / bare nodemailer: ${(liaisonRate / bareRate).toFixed(2)}`);

    // --- the read queries at this size ---
    const someCustomer = (
      await sql<{
        id: string;
      }>`SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM tenants WHERE kind IN ('customer', 'partner')) t WHERE n % 10 = 0 LIMIT 1`.execute(
        db,
      )
    ).rows[0].id;
    const time = async (label: string, run: () => Promise<unknown>, times = 20) => {
      const samples: number[] = [];
      for (let i = 0; i < times; i++) {
        const s = process.hrtime.bigint();
        await run();
        samples.push(ms(s));
      }
      samples.sort((a, b) => a - b);
      console.log(
        `${label}: median ${samples[Math.floor(times / 2)].toFixed(1)} ms, p90 ${samples[Math.floor(times * 0.9)].toFixed(1)} ms`,
      );
    };
    await time('effective-contacts (a customer without contacts, inherited)', () =>
      findEffectiveContacts(db, root, someCustomer, 'technical'),
    );
    await time('contact-coverage counts over the whole tree', () => countCoverage(db, systemScope(root), root), 5);
    await time(
      'contact-coverage first page of uncovered tenants',
      () => findUncovered(db, systemScope(root), root, { types: ['billing', 'technical', 'management'], limit: 100 }),
      5,
    );
  } finally {
    await sink.close();
    await handle.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
