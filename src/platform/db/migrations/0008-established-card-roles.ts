import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- The roles of the platform's other products (backup_user, protection_ro_admin in the
    -- namespace backup, …) are kept as given and returned; they grant nothing in Liaison.
    ALTER TABLE access_policies
      DROP CONSTRAINT access_policies_role_check,
      ADD CONSTRAINT access_policies_role_check CHECK (role_id ~ '^[a-z][a-z0-9_]{0,63}$'),
      ADD COLUMN resource_namespace text,
      DROP CONSTRAINT access_policies_unique;
    CREATE UNIQUE INDEX access_policies_unique ON access_policies (user_id, tenant_id, role_id, coalesce(resource_namespace, ''));

    -- A user's contact card beyond the person (address, website, industry, …): the user's own.
    ALTER TABLE users ADD COLUMN card jsonb NOT NULL DEFAULT '{}'::jsonb;
    -- The card's account number field, on contacts as on the other cards.
    ALTER TABLE contacts ADD COLUMN aan text;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Liaison migrations are forward-only');
}
