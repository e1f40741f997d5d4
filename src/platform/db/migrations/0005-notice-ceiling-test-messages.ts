import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- How far fallback may climb: the announcer's own tenant (the root for the root admin),
    -- fixed when the announcement is made, since the worker enqueues it later. NULL (made
    -- before this column): the scope, as then.
    ALTER TABLE announcements ADD COLUMN fallback_ceiling_id uuid REFERENCES tenants (id);

    -- A test message is an announcement to one contact with one delivery: it is sent, retried,
    -- recorded and bounced like any other. Lists of announcements leave these out.
    ALTER TABLE announcements ADD COLUMN test boolean NOT NULL DEFAULT false;
    -- The caller's rate limit counts its recent test messages.
    CREATE INDEX announcements_test_caller_idx ON announcements (created_by_id, created_at) WHERE test;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Liaison migrations are forward-only');
}
