import { createHash } from 'node:crypto';
import { cpSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { knownMigrations } from './migrator.js';

/**
 * A migrated, empty embedded database, built once with the console (`npm run build:db-snapshot`
 * in `npm install`, scripts/build-db-snapshot.ts): a first start copies its folder instead of
 * initialising PostgreSQL and migrating, seconds of work that are the same on every machine.
 */
// From this file, or from the server bundle three folders deep as well (bin/server-bundle.mjs).
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
export const snapshotDir = path.join(root, 'dist/embedded-db');

export interface SnapshotManifest {
  /** The PGlite that wrote it: another version may not read its files. */
  pglite: string;
  /** The migrations it ran, each with the digest of its source (see migrationDigests). */
  migrations: Record<string, string>;
}

export async function pgliteVersion(): Promise<string> {
  // The package exports no package.json: found beside its entry point.
  let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (!(await fs.stat(path.join(dir, 'package.json')).catch(() => undefined))) dir = path.dirname(dir);
  return (JSON.parse(await fs.readFile(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Each of this code's migrations with a digest of its source file, the same whether the sources
 * or the server bundle run: a snapshot is used only where every migration it ran is unchanged.
 * A migration whose source cannot be read gets no digest, so no snapshot matches it.
 */
export async function migrationDigests(): Promise<Record<string, string>> {
  const digest = async (name: string) => {
    const source = await fs.readFile(path.join(root, 'src/platform/db/migrations', `${name}.ts`)).catch(() => null);
    return source ? createHash('sha256').update(source).digest('hex').slice(0, 16) : 'unreadable';
  };
  const names = knownMigrations();
  return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await digest(name)])));
}

/**
 * The snapshot's data folder, when this code can start from it: written by the installed PGlite,
 * holding no migration this code does not know or has changed since (the ones it lacks are
 * applied after, as on any start). Undefined otherwise: the folder is initialised as before.
 */
export async function usableSnapshot(dir = snapshotDir): Promise<string | undefined> {
  try {
    const manifest = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8')) as SnapshotManifest;
    const known = await migrationDigests();
    const same = Object.entries(manifest.migrations).every(([name, digest]) => known[name] === digest);
    if (manifest.pglite !== (await pgliteVersion()) || !same) return undefined;
    const pgdata = path.join(dir, 'pgdata');
    await fs.access(path.join(pgdata, 'PG_VERSION'));
    return pgdata;
  } catch {
    return undefined;
  }
}

/**
 * Copies the snapshot's data folder to `pgDataDir`, through a sibling renamed at the end, so a
 * start killed midway leaves no half-copied database behind (the next one copies again).
 * Synchronous on purpose: a thousand small files copy in a fraction of a second this way.
 */
export async function restoreSnapshot(snapshot: string, pgDataDir: string) {
  const partial = `${pgDataDir}.restoring`;
  await fs.rm(partial, { recursive: true, force: true });
  cpSync(snapshot, partial, { recursive: true });
  await fs.rename(partial, pgDataDir);
}
