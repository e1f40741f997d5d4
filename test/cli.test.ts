import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cliEnv, freePort } from './support/processes.js';

const bin = path.resolve('bin/liaison.mjs');
const children: ChildProcess[] = [];

interface Started {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

/** Starts `liaison start` and resolves once it logs that it is ready (or exits). */
async function start(env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(process.execPath, [bin, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Liaison is ready')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exit.then(() => resolve());
  });
  return { child, output: () => output, exit };
}

async function stop(started: Started) {
  started.child.kill('SIGTERM');
  return started.exit;
}

async function token(port: number, username: string, password: string) {
  const res = await fetch(`http://127.0.0.1:${port}/api/2/idp/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username, password }),
  });
  return res.status;
}

let dataDir: string;
beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'liaison-cli-'));
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('the liaison command on the embedded database', () => {
  it('prints its commands', () => {
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8', env: cliEnv({}) });
    expect(help.status).toBe(0);
    for (const command of ['start', 'migrate', 'admin']) expect(help.stdout).toContain(command);
    const admin = spawnSync(process.execPath, [bin, 'admin', '--help'], { encoding: 'utf8', env: cliEnv({}) });
    expect(admin.stdout).toContain('set-password');
  });

  it('starts on an empty folder, prints a generated admin password once, and refuses a second process', async () => {
    const port = await freePort();
    const env = cliEnv({ PORT: String(port), LIAISON_DATA_DIR: dataDir });
    const t0 = Date.now();
    const first = await start(env);
    const startupMs = Date.now() - t0;
    expect(first.output()).toContain('Liaison is ready');
    console.log(`start-up on an empty embedded database: ${startupMs} ms`);
    const password = /password: (\S+)/.exec(first.output())?.[1];
    expect(password).toBeTruthy();

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(await token(port, 'admin', password!)).toBe(200);
    // The generated password never reaches a structured log line.
    const logLines = first
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(logLines.some((l) => l.includes(password!))).toBe(false);

    const second = await start(cliEnv({ PORT: String(await freePort()), LIAISON_DATA_DIR: dataDir }));
    expect(await second.exit).not.toBe(0);
    expect(second.output()).toMatch(/in use by another Liaison process/);

    expect(await stop(first)).toBe(0);

    const set = spawnSync(process.execPath, [bin, 'admin', 'set-password'], {
      encoding: 'utf8',
      env: cliEnv({ LIAISON_DATA_DIR: dataDir, LIAISON_ADMIN_PASSWORD: 'a-new-password' }),
    });
    expect(set.stderr).toBe('');
    expect(set.status).toBe(0);
    const migrate = spawnSync(process.execPath, [bin, 'migrate'], {
      encoding: 'utf8',
      env: cliEnv({ LIAISON_DATA_DIR: dataDir }),
    });
    expect(migrate.stdout).toContain('up to date');

    const again = await start(env);
    expect(again.output()).toContain('Liaison is ready');
    expect(again.output()).not.toContain('created the root admin');
    expect(await token(port, 'admin', password!)).toBe(401);
    expect(await token(port, 'admin', 'a-new-password')).toBe(200);
    expect(await stop(again)).toBe(0);
  }, 240_000);
});

describe.runIf(inject('testDatabase').kind === 'postgres')('the liaison command on a PostgreSQL server', () => {
  it('migrates a fresh database at start and takes LIAISON_ADMIN_PASSWORD', async () => {
    const target = inject('testDatabase');
    if (target.kind !== 'postgres') return;
    const name = `liaison_cli_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: target.serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const url = new URL(target.serverUrl);
      url.pathname = `/${name}`;
      const port = await freePort();
      const server = await start(
        cliEnv({ PORT: String(port), DATABASE_URL: url.toString(), LIAISON_ADMIN_PASSWORD: 'given-password' }),
      );
      expect(server.output()).toContain('"database":"postgres"');
      expect(server.output()).not.toContain('given-password');
      expect(await token(port, 'admin', 'given-password')).toBe(200);
      expect(await stop(server)).toBe(0);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }, 180_000);
});
