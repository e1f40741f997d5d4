import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- A draft: a notice kept unsent on the server, edited until it is sent (it then becomes
    -- scheduled or enqueuing) or deleted. Workers never pick one up (they look for scheduled
    -- and enqueuing only). A draft may have no category yet: it is stored as '' (the column is
    -- NOT NULL); its subject and body may be {} (no language yet).
    ALTER TABLE announcements DROP CONSTRAINT announcements_status_check;
    ALTER TABLE announcements ADD CONSTRAINT announcements_status_check
      CHECK (status IN ('draft', 'scheduled', 'enqueuing', 'queued', 'sending', 'done', 'cancelled'));
    ALTER TABLE announcements DROP CONSTRAINT announcements_category_check;
    ALTER TABLE announcements ADD CONSTRAINT announcements_category_check
      CHECK (category IN ('billing', 'technical', 'management') OR (status = 'draft' AND category = ''));
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Liaison migrations are forward-only');
}
