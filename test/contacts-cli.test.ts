import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import { closeSync, openSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cliEnv, freePort } from './support/processes.js';

// `liaison contacts export | import` as real processes against a Liaison started with `liaison start`
// (on the embedded database, or on a fresh PostgreSQL database when the run targets one).

const bin = path.resolve('bin/liaison.mjs');
const children: ChildProcess[] = [];
const PASSWORD = 'contacts-cli-password';

/** Runs a `liaison` command to the end: stdout and stderr each in a file. */
async function runCli(args: string[], env: NodeJS.ProcessEnv) {
  const name = path.join(dir, `cli-${randomBytes(4).toString('hex')}`);
  const out = openSync(`${name}.out`, 'w');
  const err = openSync(`${name}.err`, 'w');
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', out, err] });
  children.push(child);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  closeSync(out);
  closeSync(err);
  return { code, stdout: readFileSync(`${name}.out`, 'utf8'), stderr: readFileSync(`${name}.err`, 'utf8') };
}

let dir: string;
let server: ChildProcess;
let base: string;
let admin: pg.Client | undefined;
let databaseName: string;
let authorization: string;

async function call(method: string, url: string, body?: unknown) {
  const res = await fetch(`${base}/api/2${url}`, {
    method,
    headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const parsed = (await res.json()) as any;
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'liaison-contacts-cli-'));
  const target = inject('testDatabase');
  const database: Record<string, string> = {};
  if (target.kind === 'postgres') {
    databaseName = `liaison_contacts_cli_${randomBytes(5).toString('hex')}`;
    admin = new pg.Client({ connectionString: target.serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${databaseName}`);
    const url = new URL(target.serverUrl);
    url.pathname = `/${databaseName}`;
    database.DATABASE_URL = url.toString();
  } else database.LIAISON_DATA_DIR = path.join(dir, 'data');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [bin, 'start'], {
    env: cliEnv({ PORT: String(port), LIAISON_ADMIN_PASSWORD: PASSWORD, ...database }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(server);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Liaison is ready')) resolve();
    };
    server.stdout!.on('data', onData);
    server.stderr!.on('data', onData);
    server.on('exit', () => reject(new Error(`liaison start exited: ${output}`)));
  });
  const res = await fetch(`${base}/api/2/idp/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username: 'admin', password: PASSWORD }),
  });
  authorization = `Bearer ${((await res.json()) as { access_token: string }).access_token}`;
}, 300_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  if (server && server.exitCode === null) await new Promise((resolve) => server.once('exit', resolve));
  if (admin) {
    await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    await admin.end();
  }
  await fs.rm(dir, { recursive: true, force: true });
});

const asRoot = () => cliEnv({ LIAISON_USERNAME: 'admin', LIAISON_PASSWORD: PASSWORD });

describe('liaison contacts export and import against a running Liaison', () => {
  it('exports a tenant as CSV to stdout (BOM, header, quoted rows) and says how many on stderr', async () => {
    const root = (await call('GET', '/users/me')).tenant_id as string;
    const partner = await call('POST', '/tenants', { name: 'Export Partner', parent_id: root, kind: 'partner' });
    const customer = await call('POST', '/tenants', { name: 'Città, S.r.l.', parent_id: partner.id, kind: 'customer' });
    await call('POST', '/contacts', {
      ...{ tenant_id: partner.id, types: ['billing'], firstname: 'Ada', lastname: 'Lovelace' },
      email: 'ada@example.test',
    });
    await call('POST', '/contacts', {
      ...{ tenant_id: customer.id, types: ['technical'], firstname: 'Nicolò', lastname: '=Rossi' },
      email: 'nicolo@example.test',
    });

    const own = await runCli(['contacts', 'export', '--tenant', partner.id, '--url', base], asRoot());
    expect(own.code, own.stderr).toBe(0);
    expect(own.stdout.startsWith('\uFEFFtenant_id,tenant_path,types,primary_types,firstname,')).toBe(true);
    const lines = own.stdout.trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('ada@example.test');
    expect(own.stderr.trim().split('\n').at(-1)).toBe('Exported 1 contacts.');

    const subtree = await runCli(['contacts', 'export', '--tenant', partner.id, '--subtree', '--url', base], asRoot());
    expect(subtree.code, subtree.stderr).toBe(0);
    expect(subtree.stdout).toContain('"Liaison / Export Partner / Città, S.r.l."');
    expect(subtree.stdout).toContain("'=Rossi");
    expect(subtree.stderr.trim().split('\n').at(-1)).toBe('Exported 2 contacts.');

    const json = await runCli(
      ['contacts', 'export', '--tenant', partner.id, '--subtree', '--format', 'json', '--url', base],
      asRoot(),
    );
    expect(json.code, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as { email: string }[]).map((c) => c.email).sort()).toEqual([
      'ada@example.test',
      'nicolo@example.test',
    ]);
    expect(json.stderr.trim().split('\n').at(-1)).toBe('Exported 2 contacts.');
  }, 300_000);

  it('imports a CSV: a dry run counts and writes the errors file, then --skip-errors creates the good row', async () => {
    const root = (await call('GET', '/users/me')).tenant_id as string;
    const tenant = await call('POST', '/tenants', { name: 'Import Partner', parent_id: root, kind: 'partner' });
    const file = path.join(dir, 'contacts.csv');
    await fs.writeFile(
      file,
      'types,firstname,lastname,email\r\n' +
        'technical,Grace,Hopper,grace@example.test\r\n' +
        'technical,Bad,Address,not-an-email\r\n',
    );
    const contacts = async () => (await call('GET', `/contacts?tenant_id=${tenant.id}`)).items as { email: string }[];

    const dry = await runCli(['contacts', 'import', file, '--tenant', tenant.id, '--dry-run', '--url', base], asRoot());
    expect(dry.code, dry.stdout + dry.stderr).toBe(2);
    expect(dry.stdout.trim().split('\n')).toEqual([
      'create: 1, update: 0, unchanged: 0, error: 1',
      'Dry run: nothing was written.',
      `Errors written to ${file}.errors.csv`,
    ]);
    expect(dry.stderr).toMatch(/Uploading .*100% \| \d+\/\d+ bytes/);
    const errors = (await fs.readFile(`${file}.errors.csv`, 'utf8')).trim().split('\r\n');
    expect(errors[0]).toBe('row,field,message');
    expect(errors.slice(1)).toHaveLength(1);
    expect(errors[1]).toMatch(/^2,email,/);
    expect(await contacts()).toEqual([]);

    const rejected = await runCli(['contacts', 'import', file, '--tenant', tenant.id, '--url', base], asRoot());
    expect(rejected.code).toBe(2);
    expect(rejected.stdout).toContain('Nothing was written');
    expect(await contacts()).toEqual([]);

    const errorsFile = path.join(dir, 'skipped.csv');
    const applied = await runCli(
      ['contacts', 'import', file, '--tenant', tenant.id, '--skip-errors', '--errors-file', errorsFile, '--url', base],
      asRoot(),
    );
    expect(applied.code, applied.stdout + applied.stderr).toBe(2);
    expect(applied.stdout.trim().split('\n')).toEqual([
      'create: 1, update: 0, unchanged: 0, error: 1',
      'Applied (the rows with errors skipped).',
      `Errors written to ${errorsFile}`,
    ]);
    expect((await fs.readFile(errorsFile, 'utf8')).split('\r\n')[1]).toMatch(/^2,email,/);
    expect((await contacts()).map((c) => c.email)).toEqual(['grace@example.test']);

    // The good row alone, again: unchanged, exit 0.
    const good = path.join(dir, 'good.json');
    await fs.writeFile(
      good,
      JSON.stringify([{ types: 'technical', firstname: 'Grace', lastname: 'Hopper', email: 'grace@example.test' }]),
    );
    const again = await runCli(['contacts', 'import', good, '--tenant', tenant.id, '--url', base], asRoot());
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout.trim().split('\n')).toEqual(['create: 0, update: 0, unchanged: 1, error: 0', 'Applied.']);
  }, 300_000);

  it('exits 1 with a clear message on wrong credentials, an unknown tenant or a file it cannot send', async () => {
    const root = (await call('GET', '/users/me')).tenant_id as string;
    const wrong = cliEnv({ LIAISON_USERNAME: 'admin', LIAISON_PASSWORD: 'not-the-password' });
    const exported = await runCli(['contacts', 'export', '--tenant', root, '--url', base], wrong);
    expect(exported.code).toBe(1);
    expect(exported.stdout).toBe('');
    expect(exported.stderr.trim()).toBe('liaison: cannot sign in as "admin": 401: Invalid login or password');
    const file = path.join(dir, 'wrong.csv');
    await fs.writeFile(file, 'types,firstname,lastname,email\r\ntechnical,A,B,a@example.test\r\n');
    const imported = await runCli(['contacts', 'import', file, '--tenant', root, '--url', base], wrong);
    expect(imported.code).toBe(1);
    expect(imported.stderr.trim()).toBe('liaison: cannot sign in as "admin": 401: Invalid login or password');

    const unknown = await runCli(
      ['contacts', 'export', '--tenant', '00000000-0000-4000-8000-000000000000', '--url', base],
      asRoot(),
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('liaison: 404: Tenant not found');
    const text = path.join(dir, 'contacts.txt');
    await fs.writeFile(text, 'x');
    const badFile = await runCli(['contacts', 'import', text, '--tenant', root, '--url', base], asRoot());
    expect(badFile.code).toBe(1);
    expect(badFile.stderr.trim()).toBe(`liaison: ${text}: the file must end in .csv or .json`);
  }, 300_000);
});
