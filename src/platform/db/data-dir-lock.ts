import fs from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { AppError, fail } from '../errors.js';

/**
 * Who holds a data folder. The lock is held for as long as that process exists, whatever its
 * event loop is doing: no heartbeat to miss, so a stalled owner keeps it (a heartbeat lock went
 * stale during a 40 s stall and let a second process open the same files). It is stale only
 * once the process is gone; the process start time tells a reused pid apart on Linux.
 */
interface Owner {
  pid: number;
  hostname: string;
  started: string | null;
  since: string;
}

const fileName = 'liaison.pid';
/** The heartbeat lock of earlier Liaison versions: a fresh one means such a process runs. */
const legacyLock = 'liaison.lock';
const legacyStaleMs = 15_000;

/** The start time of a process, from /proc (Linux); null where that cannot be read. */
function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses; starttime is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function isRunning(owner: Owner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const started = startTimeOf(owner.pid);
  return !(owner.started && started && started !== owner.started);
}

async function readOwner(file: string): Promise<Owner | null | 'unreadable'> {
  try {
    const owner = JSON.parse(await fs.readFile(file, 'utf8')) as Owner;
    return Number.isInteger(owner.pid) && typeof owner.hostname === 'string' ? owner : 'unreadable';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? null : 'unreadable';
  }
}

function inUse(dataDir: string, detail: string): AppError {
  return fail('data_dir_locked', {
    message:
      `The data folder ${dataDir} is in use by another Liaison process (${detail}). ` +
      'Stop that process, or point LIAISON_DATA_DIR at another folder.',
  });
}

async function refuseLegacyHolder(dataDir: string) {
  const stat = await fs.stat(path.join(dataDir, legacyLock)).catch(() => null);
  if (stat && Date.now() - stat.mtimeMs < legacyStaleMs) throw inUse(dataDir, 'an earlier Liaison version');
}

/**
 * Takes the data folder for this process, or throws `data_dir_locked` naming the holder.
 * A crashed holder's lock is taken over at once. Returns the release function.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = path.join(dataDir, fileName);
  const me: Owner = {
    pid: process.pid,
    hostname: os.hostname(),
    started: startTimeOf(process.pid),
    since: new Date().toISOString(),
  };
  // Deciding and writing happen under a short guard, so two processes starting at once cannot
  // both find a dead owner and both take over. The guard is held for milliseconds.
  const releaseGuard = await lockfile
    .lock(file, { realpath: false, stale: 10_000, retries: { retries: 50, minTimeout: 20, maxTimeout: 200 } })
    .catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ELOCKED' ? inUse(dataDir, 'another process is starting on it') : error;
    });
  try {
    await refuseLegacyHolder(dataDir);
    const owner = await readOwner(file);
    if (owner && owner !== 'unreadable') {
      if (owner.hostname !== me.hostname) {
        throw inUse(dataDir, `process ${owner.pid} on host ${owner.hostname}; if it is gone, delete ${file}`);
      }
      if (isRunning(owner)) throw inUse(dataDir, `process ${owner.pid}, since ${owner.since}`);
      console.error(`liaison: process ${owner.pid}, which held ${dataDir}, is gone: taking the folder over`);
    }
    // Written whole or not at all: a crash mid-write never leaves a half record.
    const temp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(temp, JSON.stringify(me));
    await fs.rename(temp, file);
  } finally {
    await releaseGuard();
  }
  return async () => {
    const owner = await readOwner(file);
    if (owner && owner !== 'unreadable' && owner.pid === me.pid && owner.hostname === me.hostname)
      await fs.rm(file, { force: true });
  };
}
