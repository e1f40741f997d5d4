import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrator.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase:
      { kind: 'embedded'; snapshotPath: string } | { kind: 'postgres'; serverUrl: string; template: string };
  }
}

/**
 * Migrates once per run: into a PGlite snapshot (embedded, the default) or into a template
 * database on the server named by DATABASE_URL. Each test file then starts from a copy.
 */
export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (url) {
    const template = `liaison_tpl_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${template}`);
    await admin.query(`CREATE DATABASE ${template}`);
    const templateUrl = new URL(url);
    templateUrl.pathname = `/${template}`;
    const handle = await openDatabase({ databaseUrl: templateUrl.toString(), poolSize: 1 });
    await migrateToLatest(handle.db);
    await handle.close();
    project.provide('testDatabase', { kind: 'postgres', serverUrl: url, template });
    return async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${template}`);
      await admin.end();
    };
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'liaison-test-'));
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = await PGlite.create();
  const handle = await openDatabase({ pglite });
  await migrateToLatest(handle.db);
  await handle.close();
  const snapshot = await pglite.dumpDataDir('none');
  await pglite.close();
  const snapshotPath = path.join(dir, 'migrated.tar');
  await fs.writeFile(snapshotPath, Buffer.from(await snapshot.arrayBuffer()));
  project.provide('testDatabase', { kind: 'embedded', snapshotPath });
  return () => fs.rm(dir, { recursive: true, force: true });
}
