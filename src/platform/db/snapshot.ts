import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { migrationDigests } from './migrator.js';

/**
 * A migrated, empty embedded database, built once with the console (`npm run
 * build:db-snapshot` in `npm install`, scripts/build-db-snapshot.ts): a first start restores it
 * instead of initialising a PostgreSQL data folder and migrating it, seconds of work that are the
 * same on every machine.
 */
export const snapshotDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../dist/embedded-db');

export interface SnapshotManifest {
  /** The PGlite that wrote it: another version may not read its files. */
  pglite: string;
  /** The migrations it ran, each with its digest (see migrationDigests). */
  migrations: Record<string, string>;
}

export async function pgliteVersion(): Promise<string> {
  // The package exports no package.json: found beside its entry point.
  let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (!(await fs.stat(path.join(dir, 'package.json')).catch(() => undefined))) dir = path.dirname(dir);
  return (JSON.parse(await fs.readFile(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The snapshot to start an empty data folder from, when there is one this code can use: written
 * by the installed PGlite, holding no migration this code does not know or has changed since
 * (the ones it lacks are applied after, as on any start). Undefined otherwise: the folder is initialised as before.
 */
export async function usableSnapshot(dir = snapshotDir): Promise<Blob | undefined> {
  try {
    const manifest = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8')) as SnapshotManifest;
    const known = migrationDigests();
    const same = Object.entries(manifest.migrations).every(([name, digest]) => known[name] === digest);
    if (manifest.pglite !== (await pgliteVersion()) || !same) return undefined;
    return new Blob([await fs.readFile(path.join(dir, 'migrated.tar.gz'))]);
  } catch {
    return undefined;
  }
}
