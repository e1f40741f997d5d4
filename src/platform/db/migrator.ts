import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './database.js';
import * as m0001 from './migrations/0001-foundation.js';
import * as m0002 from './migrations/0002-contacts-mail-audit.js';
import * as m0003 from './migrations/0003-announcements.js';
import * as m0004 from './migrations/0004-contact-card.js';
import * as m0005 from './migrations/0005-notice-ceiling-test-messages.js';
import * as m0006 from './migrations/0006-notice-sender.js';
import * as m0007 from './migrations/0007-webhooks.js';
import * as m0008 from './migrations/0008-established-card-roles.js';
import * as m0009 from './migrations/0009-primary-contacts.js';
import * as m0010 from './migrations/0010-coverage-summary.js';
import * as m0011 from './migrations/0011-attestation.js';
import * as m0012 from './migrations/0012-notice-drafts.js';
import * as m0013 from './migrations/0013-bounced-primaries.js';
import * as m0014 from './migrations/0014-auth-notify.js';

// A static list rather than a folder scan: works the same from sources, bundles and tests.
const migrations: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-contacts-mail-audit': m0002,
  '0003-announcements': m0003,
  '0004-contact-card': m0004,
  '0005-notice-ceiling-test-messages': m0005,
  '0006-notice-sender': m0006,
  '0007-webhooks': m0007,
  '0008-established-card-roles': m0008,
  '0009-primary-contacts': m0009,
  '0010-coverage-summary': m0010,
  '0011-attestation': m0011,
  '0012-notice-drafts': m0012,
  '0013-bounced-primaries': m0013,
  '0014-auth-notify': m0014,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** The names of this code's migrations, in order (each is migrations/<name>.ts). */
export const knownMigrations = () => Object.keys(migrations);

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  // The usual start finds nothing to do: two small reads instead of the migrator's locks and introspection.
  const gap = await migrationGap(db);
  if (gap.pending.length === 0 && gap.unknown.length === 0) return [];
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'liaison_migration',
    migrationLockTableName: 'liaison_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).map((r) => r.migrationName);
}

/** How the database's migrations differ from this code's: known ones not applied, applied ones this code does not know. */
export async function migrationGap(db: Db): Promise<{ pending: string[]; unknown: string[] }> {
  // Two cheap statements (the migrator's own listing introspects every table): is there a table, and its names.
  const { rows } = await sql<{
    present: boolean;
  }>`select to_regclass('liaison_migration') is not null as present`.execute(db);
  const applied = rows[0].present
    ? (await sql<{ name: string }>`select name from liaison_migration`.execute(db)).rows.map((r) => r.name)
    : [];
  const known = Object.keys(migrations);
  return {
    pending: known.filter((name) => !applied.includes(name)),
    unknown: applied.filter((name) => !known.includes(name)).sort(),
  };
}
