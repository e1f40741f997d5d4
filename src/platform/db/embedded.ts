import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { lockDataDir } from './data-dir-lock.js';
import { restoreSnapshot, usableSnapshot } from './snapshot.js';

export interface EmbeddedServer {
  /** Directory holding the unix socket; node-postgres takes it as `host`. */
  socketDir: string;
  close(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder holding the database files; omit for an in-memory database. */
  dataDir?: string;
  /** A data-dir dump (from `dumpDataDir`) to start from, used by tests. */
  loadDataDir?: Blob;
  /** An instance the caller owns (and closes): used to snapshot a migrated database. */
  pglite?: PGlite;
  /** Where a new data folder's migrated snapshot is looked for (default: the build's, see snapshot.ts). */
  snapshotDir?: string;
}

const exists = (file: string) =>
  fs.access(file).then(
    () => true,
    () => false,
  );

/**
 * Runs PGlite behind a PostgreSQL wire-protocol socket so the very same `pg` driver and
 * Kysely dialect serve both backends. PGlite is single-connection: the pool on top of it
 * must hold exactly one client. The socket lives in a private 0700 temp folder, so no
 * other local user can reach the database.
 */
export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedServer> {
  let release: (() => Promise<void>) | undefined;
  let pgDataDir: string | undefined;
  if (options.dataDir) {
    await fs.mkdir(options.dataDir, { recursive: true });
    release = await lockDataDir(options.dataDir);
    pgDataDir = path.join(options.dataDir, 'pgdata');
  }
  try {
    // A data folder's first start copies the migrated snapshot of the build, when there is one.
    if (pgDataDir && !options.loadDataDir && !(await exists(pgDataDir))) {
      const snapshot = await usableSnapshot(options.snapshotDir);
      if (snapshot) await restoreSnapshot(snapshot, pgDataDir);
    }
    const db = options.pglite ?? (await PGlite.create({ dataDir: pgDataDir, loadDataDir: options.loadDataDir }));
    const socketDir = await fs.mkdtemp(path.join(os.tmpdir(), 'liaison-pg-'));
    await fs.chmod(socketDir, 0o700);
    const server = new PGLiteSocketServer({ db, path: path.join(socketDir, '.s.PGSQL.5432') });
    await server.start();
    return {
      socketDir,
      async close() {
        await server.stop();
        if (!options.pglite) await db.close();
        await fs.rm(socketDir, { recursive: true, force: true });
        await release?.();
      },
    };
  } catch (error) {
    await release?.();
    throw error;
  }
}
