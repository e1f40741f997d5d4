import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Coverage counts the tenants whose primary contact of a type bounced (a primaries-only
    -- notice skips them). Such contacts are rare: this index holds only them, so the count
    -- walks it and checks each against the subtree instead of reading the subtree's contacts.
    CREATE INDEX contacts_bounced_primary_idx ON contacts (tenant_id)
      WHERE validation_state = 'invalid' AND primary_types <> '{}';
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Liaison migrations are forward-only');
}
