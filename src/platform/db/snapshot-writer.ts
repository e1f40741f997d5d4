import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { openDatabase } from './database.js';
import { migrateToLatest, migrationDigests } from './migrator.js';
import { pgliteVersion, snapshotDir, type SnapshotManifest } from './snapshot.js';

/** Migrates a new in-memory embedded database and writes it, with what it ran, where first starts look (snapshot.ts). */
export async function writeMigratedSnapshot(dir = snapshotDir): Promise<SnapshotManifest> {
  const pglite = await PGlite.create();
  try {
    const handle = await openDatabase({ pglite });
    await migrateToLatest(handle.db);
    await handle.close();
    const tarball = await pglite.dumpDataDir('gzip');
    const manifest: SnapshotManifest = { pglite: await pgliteVersion(), migrations: migrationDigests() };
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'migrated.tar.gz'), Buffer.from(await tarball.arrayBuffer()));
    await fs.writeFile(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  } finally {
    await pglite.close();
  }
}
