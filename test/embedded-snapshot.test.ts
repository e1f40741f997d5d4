import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrator.js';
import { migrationDigests, usableSnapshot, type SnapshotManifest } from '../src/platform/db/snapshot.js';
import { writeMigratedSnapshot } from '../src/platform/db/snapshot-writer.js';

/**
 * The embedded database's first start restores the build's migrated snapshot instead of
 * initialising and migrating a data folder, but only a snapshot this code and this PGlite can
 * trust; later starts resume the folder. These tests open PGlite whatever the run's backend.
 */

let root: string;
let snapshot: string;
let manifest: SnapshotManifest;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'liaison-snapshot-'));
  snapshot = path.join(root, 'snapshot');
  manifest = await writeMigratedSnapshot(snapshot);
});
afterAll(() => fs.rm(root, { recursive: true, force: true }));

const appliedMigrations = async (db: Db) => {
  const { rows } = await sql<{
    present: boolean;
  }>`select to_regclass('liaison_migration') is not null as present`.execute(db);
  if (!rows[0].present) return [];
  return (await sql<{ name: string }>`select name from liaison_migration order by name`.execute(db)).rows.map(
    (r) => r.name,
  );
};

/** A copy of the snapshot whose manifest is changed by `edit`. */
async function alteredSnapshot(name: string, edit: (m: SnapshotManifest) => SnapshotManifest) {
  const dir = path.join(root, name);
  await fs.mkdir(dir);
  await fs.cp(path.join(snapshot, 'pgdata'), path.join(dir, 'pgdata'), { recursive: true });
  await fs.writeFile(path.join(dir, 'manifest.json'), JSON.stringify(edit(structuredClone(manifest))));
  return dir;
}

describe('the migrated snapshot of the build', () => {
  it('records the installed PGlite and every migration with the digest of its source', async () => {
    expect(manifest.migrations).toEqual(await migrationDigests());
    expect(manifest.pglite).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('a first start on an empty data folder copies it: migrated before any migration runs, and resumed after', async () => {
    const dataDir = path.join(root, 'data-restored');
    // What a start killed while copying leaves: copied again from the start, never used half done.
    await fs.mkdir(path.join(dataDir, 'pgdata.restoring'), { recursive: true });
    await fs.writeFile(path.join(dataDir, 'pgdata.restoring', 'left-over'), 'x');
    const first = await openDatabase({ dataDir, snapshotDir: snapshot });
    try {
      expect(await appliedMigrations(first.db)).toEqual(Object.keys(await migrationDigests()).sort());
      expect(await migrateToLatest(first.db)).toEqual([]);
      await sql`create table restart_marker (id int)`.execute(first.db);
      expect(await fs.readdir(dataDir)).not.toContain('pgdata.restoring');
      await expect(fs.access(path.join(dataDir, 'pgdata', 'left-over'))).rejects.toThrow();
    } finally {
      await first.close();
    }
    // A restart resumes the folder: never restored over it.
    const again = await openDatabase({ dataDir, snapshotDir: snapshot });
    try {
      const { rows } = await sql<{
        present: boolean;
      }>`select to_regclass('restart_marker') is not null as present`.execute(again.db);
      expect(rows[0].present).toBe(true);
    } finally {
      await again.close();
    }
  });

  it('is not used when a migration it ran has changed since, or is unknown, or PGlite is another version', async () => {
    const changed = await alteredSnapshot('changed', (m) => ({
      ...m,
      migrations: { ...m.migrations, '0001-foundation': '0000000000000000' },
    }));
    const unknown = await alteredSnapshot('unknown', (m) => ({
      ...m,
      migrations: { ...m.migrations, '9999-from-the-future': 'ffffffffffffffff' },
    }));
    const otherPglite = await alteredSnapshot('pglite', (m) => ({ ...m, pglite: '0.0.1' }));
    expect(await usableSnapshot(changed)).toBeUndefined();
    expect(await usableSnapshot(unknown)).toBeUndefined();
    expect(await usableSnapshot(otherPglite)).toBeUndefined();
    expect(await usableSnapshot(path.join(root, 'nowhere'))).toBeUndefined();
    expect(await usableSnapshot(snapshot)).toBe(path.join(snapshot, 'pgdata'));
    // A snapshot that lacks this code's latest migration is still used: the start applies the rest.
    const older = await alteredSnapshot('older', (m) => {
      const names = Object.keys(m.migrations);
      delete m.migrations[names[names.length - 1]];
      return m;
    });
    expect(await usableSnapshot(older)).toBe(path.join(older, 'pgdata'));
  });

  it('an empty data folder without a usable snapshot is initialised and migrated as before', async () => {
    const changed = path.join(root, 'changed');
    const fresh = await openDatabase({ dataDir: path.join(root, 'data-initialised'), snapshotDir: changed });
    try {
      expect(await appliedMigrations(fresh.db)).toEqual([]);
      expect((await migrateToLatest(fresh.db)).length).toBe(Object.keys(await migrationDigests()).length);
    } finally {
      await fresh.close();
    }
  });
});
