/** Child processes of bench/api: Liaison (`liaison start`) and the bare server, each with its own event loop. */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import net from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The caller's environment without its Liaison, database and mail settings. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env))
    if (name.startsWith('LIAISON_') || name === 'DATABASE_URL' || name === 'SMTP_URL') delete env[name];
  return env;
}

export interface Server {
  url: string;
  child: ChildProcess;
}

async function serving(url: string, child: ChildProcess, path: string) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url}: exited with code ${child.exitCode} before serving`);
    try {
      const res = await fetch(url + path, { signal: AbortSignal.timeout(2_000) });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url}: not serving within 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const root = new URL('..', import.meta.url).pathname;

/** `liaison start` on the database, API only (no workers), logging at info to nowhere. */
export async function startLiaison(databaseUrl: string, adminPassword: string, nodeArgs: string[]): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, `${root}bin/liaison.mjs`, 'start'], {
    env: {
      ...cleanEnv(),
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      LIAISON_ADMIN_PASSWORD: adminPassword,
      LIAISON_RUN_WORKERS: 'false',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    },
    // Its log goes nowhere unless BENCH_LIAISON_LOG names a file.
    stdio: [
      'ignore',
      process.env.BENCH_LIAISON_LOG ? openSync(process.env.BENCH_LIAISON_LOG, 'w') : 'ignore',
      'inherit',
    ],
  });
  const url = `http://127.0.0.1:${port}`;
  await serving(url, child, '/healthz');
  return { url, child };
}

/** bench/api-bare.ts with a pool of `poolSize`. */
export async function startBare(databaseUrl: string, poolSize: number): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', `${root}bench/api-bare.ts`], {
    env: { ...cleanEnv(), DATABASE_URL: databaseUrl, PORT: String(port), POOL_SIZE: String(poolSize) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await serving(url, child, '/');
  return { url, child };
}

/** The process's peak resident set (VmHWM), in MiB. */
export function peakRssMiB(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kib / 1024);
}

export async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
