/**
 * API benchmark on PostgreSQL: Liaison (`liaison start`, API only, logging at info) against a
 * bare Fastify + pg server (bench/api-bare.ts: same pool size, named statements, no auth)
 * answering the same indexed queries, both child processes on a database of their own that
 * this creates and drops. A partner gets customers and contacts; Liaison is called with the
 * bearer token of the partner's API client (client-credentials grant). Each route is driven by
 * autocannon, Liaison and bare taking turns (A B A B), and the best turn of each side counts:
 *
 *   npm run bench:api -- [--connections 20] [--duration 5] [--rounds 2] [--customers 30]
 *     [--contacts 3000] [--route 'GET /contacts/{id}'] [--statements] [--cpu-prof-dir DIR]
 *
 * Prints per route `liaison <route>: X req/s p99 Y ms`, the same for bare, `ratio <route>: X`,
 * then `liaison peak RSS: N MiB`. --statements prints instead the SQL one call of each route
 * sends (Liaison then talks to PostgreSQL through a counting relay, so it measures nothing).
 * DATABASE_URL names the server (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { drive, routes, type Measure, type World } from './api-load.js';
import { peakRssMiB, startBare, startLiaison, stop, type Server } from './api-servers.js';
import { seedWorld } from './api-seed.js';
import { statementRelay, type StatementLog } from './api-statements.js';

const { values: args } = parseArgs({
  options: {
    connections: { type: 'string', default: '20' },
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '2' },
    customers: { type: 'string', default: '30' },
    contacts: { type: 'string', default: '3000' },
    route: { type: 'string', multiple: true },
    statements: { type: 'boolean', default: false },
    'cpu-prof-dir': { type: 'string' },
  },
});
const connections = Number(args.connections);
const duration = Number(args.duration);
const rounds = Number(args.rounds);
const poolSize = 10; // Liaison's pool (src/platform/db/database.ts)

const serverUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const dbName = `liaison_bench_api_${randomBytes(4).toString('hex')}`;
const benchUrl = new URL(serverUrl);
benchUrl.pathname = `/${dbName}`;
const admin = new pg.Client({ connectionString: serverUrl.toString() });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);

const children: Server[] = [];
let relay: StatementLog | undefined;
let db: pg.Pool | undefined;
try {
  let liaisonUrl = benchUrl;
  if (args.statements) {
    relay = await statementRelay({ host: benchUrl.hostname, port: Number(benchUrl.port || 5432) });
    liaisonUrl = new URL(benchUrl);
    liaisonUrl.host = `127.0.0.1:${relay.port}`;
  }
  const adminPassword = randomBytes(12).toString('hex');
  const profile = args['cpu-prof-dir'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof-dir']}`] : [];
  const liaison = await startLiaison(liaisonUrl.toString(), adminPassword, profile);
  children.push(liaison);
  db = new pg.Pool({ connectionString: benchUrl.toString(), max: 2 });
  // pool.end() resolves before its connections have closed: the DROP ... WITH (FORCE) at the end may
  // terminate one still closing (57P01), which the pool would raise as an unhandled 'error'.
  db.on('error', (error) => {
    if ((error as { code?: string }).code !== '57P01') throw error;
  });
  const seeded = await seedWorld(liaison.url, db, {
    adminPassword,
    customers: Number(args.customers),
    contacts: Number(args.contacts),
  });
  const bare = await startBare(benchUrl.toString(), poolSize);
  children.push(bare);
  const world: World = { customers: seeded.customers, contacts: seeded.contacts, versions: new Map() };
  const authorization = { authorization: `Bearer ${seeded.token}` };
  const chosen = args.route?.length ? routes.filter((r) => args.route!.includes(r.name)) : routes;
  console.log(
    `${seeded.customers.length} customers, ${seeded.contacts.length} contacts; ${connections} connections, ` +
      `${duration} s per turn, ${rounds} rounds; load average ${os.loadavg()[0].toFixed(2)} (${os.cpus().length} cores)`,
  );

  if (relay) {
    for (const route of chosen) {
      await loadVersions(db, world);
      relay.take();
      await drive(liaison.url, route, world, { connections: 1, amount: 1, headers: authorization });
      const statements = relay.take();
      console.log(`statements ${route.name}: ${statements.length}`);
      for (const text of statements) console.log(`  ${text.replace(/\s+/g, ' ').slice(0, 220)}`);
    }
  }

  // Through the relay Liaison is slower: --statements only lists.
  const measured = relay ? [] : chosen;

  const line = (side: string, route: string, m: Measure) =>
    `${side} ${route}: ${Math.round(m.rps)} req/s p99 ${m.p99} ms` +
    (m.non2xx || m.errors ? ` (${m.non2xx} non-2xx, ${m.errors} errors)` : '');
  for (const route of measured) {
    // A short warm-up of each side (JIT, pools, caches), then the turns.
    for (const [server, headers] of [
      [liaison, authorization],
      [bare, undefined],
    ] as const) {
      await loadVersions(db, world);
      await drive(server.url, route, world, { connections, duration: 1, headers });
    }
    const best = { liaison: undefined as Measure | undefined, bare: undefined as Measure | undefined };
    for (let round = 0; round < rounds; round++) {
      for (const side of ['liaison', 'bare'] as const) {
        await loadVersions(db, world);
        const server = side === 'liaison' ? liaison : bare;
        const m = await drive(server.url, route, world, {
          connections,
          duration,
          headers: side === 'liaison' ? authorization : undefined,
        });
        console.log(`  turn ${round + 1} ${line(side, route.name, m)}`);
        if (!best[side] || m.rps > best[side].rps) best[side] = m;
      }
    }
    console.log(line('liaison', route.name, best.liaison!));
    console.log(line('bare', route.name, best.bare!));
    console.log(`ratio ${route.name}: ${(best.liaison!.rps / best.bare!.rps).toFixed(2)}`);
  }
  if (measured.length) console.log(`liaison peak RSS: ${peakRssMiB(liaison.child)} MiB`);
  if (measured.length) console.log(`bare peak RSS: ${peakRssMiB(bare.child)} MiB`);
} finally {
  for (const { child } of children.reverse()) await stop(child);
  await db?.end();
  await relay?.close();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
}

/**
 * Each turn starts from the versions stored now: a request autocannon cut off at the end of the
 * previous turn may still have been written after it (given a moment to finish first).
 */
async function loadVersions(pool: pg.Pool, world: World) {
  await new Promise((resolve) => setTimeout(resolve, 500));
  const ids = world.contacts.slice(0, Math.max(400, connections * 20));
  const { rows } = await pool.query<{ id: string; version: number }>(
    'SELECT id, version FROM contacts WHERE id = ANY($1)',
    [ids],
  );
  world.versions = new Map(rows.map((r) => [r.id, r.version]));
}
