import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockDataDir } from '../src/platform/db/data-dir-lock.js';
import { startEmbedded } from '../src/platform/db/embedded.js';
import { cliEnv } from './support/processes.js';

/** The embedded data folder belongs to one process for as long as it lives, busy or not. */

const holder = path.resolve('test/support/hold-data-dir.ts');
const children: ChildProcess[] = [];
const folders: string[] = [];
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of folders) await fs.rm(dir, { recursive: true, force: true });
});

async function folder() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'liaison-lock-'));
  folders.push(dir);
  return dir;
}

/** Starts a process holding `dataDir` and resolves once it holds it. */
async function hold(dataDir: string, releaseFile: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', holder, dataDir, releaseFile], {
    env: cliEnv({}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('holding')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exit.then(() => reject(new Error(`the holder exited: ${output}`)));
  });
  return { child, exit, output: () => output };
}

/** The heartbeat lock this replaced went stale after 15 s without an update. */
const oldStaleMs = 15_000;

describe('the embedded data folder lock', () => {
  it("holds while its owner lives, even with the owner's event loop blocked past the old stale time", async () => {
    const dataDir = await folder();
    const releaseFile = path.join(dataDir, 'release-now');
    const owner = await hold(dataDir, releaseFile);
    // The owner is now spinning without ever yielding; outlast the old lock's stale time.
    await new Promise((resolve) => setTimeout(resolve, oldStaleMs + 2_000));
    await expect(startEmbedded({ dataDir })).rejects.toMatchObject({
      code: 'data_dir_locked',
      message: expect.stringContaining(`in use by another Liaison process (process ${owner.child.pid},`),
    });
    await fs.writeFile(releaseFile, '');
    expect(await owner.exit).toBe(0);
    expect(owner.output()).toContain('released');
    // A clean stop releases the folder.
    await expect(fs.stat(path.join(dataDir, 'liaison.pid'))).rejects.toMatchObject({ code: 'ENOENT' });
  }, 120_000);

  it('goes to exactly one of two processes starting at once', async () => {
    const dataDir = await folder();
    const releaseFile = path.join(dataDir, 'release-now');
    const results = await Promise.allSettled([hold(dataDir, releaseFile), hold(dataDir, releaseFile)]);
    const holders = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    expect(holders).toHaveLength(1);
    expect(refused).toEqual([expect.stringContaining('in use by another Liaison process')]);
    await fs.writeFile(releaseFile, '');
    expect(await holders[0]!.exit).toBe(0);
  }, 120_000);

  it('is taken over at once from an owner that was killed', async () => {
    const dataDir = await folder();
    const owner = await hold(dataDir, path.join(dataDir, 'never'));
    owner.child.kill('SIGKILL');
    await owner.exit;
    const release = await lockDataDir(dataDir);
    try {
      // And the takeover holds against the next one.
      await expect(startEmbedded({ dataDir })).rejects.toMatchObject({ code: 'data_dir_locked' });
    } finally {
      await release();
    }
  }, 120_000);
});
