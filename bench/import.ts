/**
 * Contact import benchmark on PostgreSQL: Liaison (`liaison start`, API only) on a database of its
 * own that this creates and drops; a partner with --tenants customers (through the API) and its API
 * client's token. A CSV of --rows new contacts spread over the customers, named by tenant_path, is
 * POSTed to /contact-imports with mode=apply (all create), then the same file again (all
 * unchanged), then a file changing every row (title and city), first as dry_run, then applied (all
 * update). Beside it, the bare limit: the same rows inserted with pg directly, 1,000 per multi-row
 * INSERT in one transaction, into a copy of the contacts table (its indexes and checks, no
 * triggers, no rules, no audit):
 *
 *   npm run bench:import -- [--rows 100000] [--tenants 1000] [--database-url URL] [--cpu-prof-dir DIR]
 *     [--log-statements-over MS]
 *
 * Prints `import apply (create): N rows in S s = R rows/s`, the same for unchanged, dry_run and
 * update, `bare: …` and `ratio import: X` (bare time / import create time). Progress goes to stderr.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import pg from 'pg';
import { seedWorld } from './api-seed.js';
import { startLiaison, stop, type Server } from './api-servers.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    tenants: { type: 'string', default: '1000' },
    'cpu-prof-dir': { type: 'string' },
    'log-statements-over': { type: 'string' },
    'database-url': {
      type: 'string',
      default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const rows = Number(args.rows);
const tenants = Number(args.tenants);
const typeCycle = ['billing', 'technical;billing', 'management', 'technical'];

/** The file: every row a contact of customer (i % tenants), a unique address; `edition` changes title and city. */
function csvFile(edition: number) {
  const lines = ['tenant_path,types,firstname,lastname,email,phone,title,city'];
  for (let i = 0; i < rows; i++) {
    const tenant = `Customer ${1 + (i % tenants)}`;
    lines.push(
      `${tenant},${typeCycle[i % typeCycle.length]},First${i},Last${i},person${i}@import.bench.test,+39 02 ${100000 + i},` +
        `Title ${edition},City ${edition}`,
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

const progress = new cliProgress.SingleBar(
  {
    format: 'bench:import [{bar}] {value}/{total} | {step}: {elapsed} s',
    hideCursor: true,
    clearOnComplete: true,
    noTTYOutput: true,
    notTTYSchedule: 5000,
  },
  cliProgress.Presets.shades_classic,
);

/** Runs `work` as the next step of the progress bar (stderr), its elapsed seconds ticking; answers the seconds it took. */
async function timed<T>(step: string, work: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const t0 = performance.now();
  const elapsed = () => ((performance.now() - t0) / 1000).toFixed(0);
  progress.update({ step, elapsed: elapsed() });
  const timer = setInterval(() => progress.update({ step, elapsed: elapsed() }), 1000);
  try {
    const result = await work();
    return { seconds: (performance.now() - t0) / 1000, result };
  } finally {
    clearInterval(timer);
    progress.increment();
  }
}

interface Report {
  counts: Record<string, number>;
  errors: unknown[];
}

async function importFile(base: string, token: string, partnerId: string, mode: string, csv: string) {
  const res = await fetch(`${base}/api/2/contact-imports?tenant_id=${partnerId}&mode=${mode}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: csv,
    signal: AbortSignal.timeout(30 * 60_000),
  });
  const body = (await res.json()) as Report;
  if (res.status !== 200) throw new Error(`import ${mode}: ${res.status} ${JSON.stringify(body).slice(0, 500)}`);
  return body.counts;
}

const line = (what: string, seconds: number) =>
  `${what}: ${rows} rows in ${seconds.toFixed(1)} s = ${Math.round(rows / seconds)} rows/s`;

/** The bare limit: the rows straight into a copy of contacts (same indexes and checks, no triggers), batched. */
async function bare(db: pg.Pool, customers: string[]) {
  const client = await db.connect();
  try {
    await client.query('CREATE TABLE contacts_bare (LIKE contacts INCLUDING ALL)');
    const batch = 1000;
    await client.query('BEGIN');
    for (let from = 0; from < rows; from += batch) {
      const cols: unknown[][] = [[], [], [], [], [], [], [], []];
      for (let i = from; i < Math.min(rows, from + batch); i++) {
        const values = [
          customers[i % tenants],
          `{${typeCycle[i % typeCycle.length].replace(';', ',')}}`,
          `First${i}`,
          `Last${i}`,
          `person${i}@import.bench.test`,
          `+39 02 ${100000 + i}`,
          'Title 1',
          'City 1',
        ];
        values.forEach((v, k) => cols[k].push(v));
      }
      await client.query(
        `INSERT INTO contacts_bare (tenant_id, types, firstname, lastname, email, phone, title, city)
         SELECT t, ty::text[], f, l, e, p, ti, c
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
           AS r(t, ty, f, l, e, p, ti, c)`,
        cols,
      );
    }
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

const serverUrl = new URL(args['database-url']);
const dbName = `liaison_bench_import_${randomBytes(4).toString('hex')}`;
const benchUrl = new URL(serverUrl);
benchUrl.pathname = `/${dbName}`;
const admin = new pg.Client({ connectionString: serverUrl.toString() });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
// PostgreSQL's own log then names the import's slow statements.
if (args['log-statements-over'])
  await admin.query(`ALTER DATABASE ${dbName} SET log_min_duration_statement = ${Number(args['log-statements-over'])}`);
let liaison: Server | undefined;
let db: pg.Pool | undefined;
try {
  const adminPassword = randomBytes(12).toString('hex');
  process.stderr.write('starting Liaison…\n');
  const profile = args['cpu-prof-dir'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof-dir']}`] : [];
  liaison = await startLiaison(benchUrl.toString(), adminPassword, profile);
  db = new pg.Pool({ connectionString: benchUrl.toString(), max: 2 });
  // Dropping the database at the end ends its connections: not an error of the run.
  db.on('error', () => {});
  progress.start(6, 0, { step: 'seeding', elapsed: '0' });
  const seeding = await timed(`seeding ${tenants} customers`, () =>
    seedWorld(liaison!.url, db!, { adminPassword, customers: tenants, contacts: 0 }),
  );
  const { token, customers } = seeding.result;
  const { rows: parent } = await db.query<{ parent_id: string }>('SELECT parent_id FROM tenants WHERE id = $1', [
    customers[0],
  ]);
  const partnerId = parent[0].parent_id;
  const header = `${rows} rows over ${tenants} customers; load average ${os.loadavg()[0].toFixed(2)} (${os.cpus().length} cores)`;
  const first = csvFile(1);
  const second = csvFile(2);
  const steps: [string, string, string, string][] = [
    ['import apply (create)', 'apply', first, 'create'],
    ['import apply (unchanged)', 'apply', first, 'unchanged'],
    ['import dry_run', 'dry_run', second, 'update'],
    ['import apply (update)', 'apply', second, 'update'],
  ];
  const measured: Record<string, number> = {};
  for (const [label, mode, csv, expected] of steps) {
    const { seconds, result } = await timed(label, () => importFile(liaison!.url, token, partnerId, mode, csv));
    if (result[expected] !== rows)
      throw new Error(`${label}: expected ${rows} ${expected}, got ${JSON.stringify(result)}`);
    measured[label] = seconds;
  }
  const bareRun = await timed('bare', () => bare(db!, customers));
  progress.stop();
  console.log(header);
  for (const [label] of steps) console.log(line(label, measured[label]));
  console.log(line('bare', bareRun.seconds));
  console.log(`ratio import: ${(bareRun.seconds / measured['import apply (create)']).toFixed(3)}`);
} finally {
  if (liaison) await stop(liaison.child);
  await db?.end();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
}
