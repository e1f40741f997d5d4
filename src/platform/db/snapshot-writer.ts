import fs from 'node:fs/promises';
import path from 'node:path';
import { openDatabase } from './database.js';
import { migrateToLatest } from './migrator.js';
import { migrationDigests, pgliteVersion, snapshotDir, type SnapshotManifest } from './snapshot.js';

/**
 * Initialises and migrates an embedded database in `dir`/pgdata, shuts it down cleanly, and
 * writes beside it what it holds: the folder first starts copy (snapshot.ts).
 */
export async function writeMigratedSnapshot(dir = snapshotDir): Promise<SnapshotManifest> {
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  const building = path.join(dir, 'building');
  // Built without a snapshot of its own (there is none yet, or it is the one being replaced).
  const handle = await openDatabase({ dataDir: building, snapshotDir: path.join(dir, 'none') });
  try {
    await migrateToLatest(handle.db);
  } finally {
    await handle.close();
  }
  await fs.rename(path.join(building, 'pgdata'), path.join(dir, 'pgdata'));
  await fs.rm(building, { recursive: true, force: true });
  const manifest: SnapshotManifest = { pglite: await pgliteVersion(), migrations: await migrationDigests() };
  await fs.writeFile(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
