/**
 * How long Liaison takes to serve: `liaison start` (what `npm start` runs) on the embedded
 * database, from spawn to the first 200 of /healthz. Each run starts cold on an empty temporary
 * data folder (initialising the database, migrating, creating the root admin), stops, and starts
 * again on the same folder (a restart). Prints every time, the medians and the load average.
 *
 *   npm run bench:startup -- [--runs 5] [--profile-dir DIR]
 *
 * --profile-dir writes a V8 CPU profile of every start there (open it in Chrome's DevTools).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, 'profile-dir': { type: 'string' } },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
const profileDir = values['profile-dir'] ? path.resolve(values['profile-dir']) : undefined;
const cli = new URL('../bin/liaison.mjs', import.meta.url).pathname;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The environment of a start: none of the caller's Liaison, database or mail settings. */
function startEnv(dataDir: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env))
    if (name.startsWith('LIAISON_') || name === 'DATABASE_URL' || name === 'SMTP_URL') delete env[name];
  return { ...env, HOST: '127.0.0.1', PORT: String(port), LIAISON_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
}

/** True once /healthz answers 200. */
async function healthy(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) })).status === 200;
  } catch {
    return false;
  }
}

/** Starts Liaison on the folder and answers the seconds until it served /healthz, and the process. */
async function timeStart(dataDir: string): Promise<{ seconds: number; child: ChildProcess }> {
  const port = await freePort();
  const started = performance.now();
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profile, cli, 'start'], {
    env: startEnv(dataDir, port),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const deadline = started + 120_000;
  while (!(await healthy(port))) {
    if (exited !== undefined) throw new Error(`liaison start exited with code ${exited} before serving`);
    if (performance.now() > deadline) throw new Error('liaison start did not serve /healthz within 120 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { seconds: (performance.now() - started) / 1000, child };
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const fmt = (s: number) => s.toFixed(2);

const cold: number[] = [];
const restart: number[] = [];
console.log(`load average before: ${load()} (${os.cpus().length} cores)`);
for (let i = 1; i <= runs; i++) {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'liaison-startup-'));
  try {
    const first = await timeStart(dataDir);
    await stop(first.child);
    const again = await timeStart(dataDir);
    await stop(again.child);
    cold.push(first.seconds);
    restart.push(again.seconds);
    console.log(`run ${i}/${runs}: cold ${fmt(first.seconds)} s, restart ${fmt(again.seconds)} s`);
  } finally {
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}
console.log(`cold start: median ${fmt(median(cold))} s`);
console.log(`restart: median ${fmt(median(restart))} s`);
console.log(`load average after: ${load()}`);
