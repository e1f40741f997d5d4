import { sql, type Kysely } from 'kysely';

/**
 * What changes a principal already read (auth-changes.ts): a new role; a change to a token, a
 * user's or client's standing, a tenant's place or standing, or the tree. A new token, user,
 * client or tenant changes none (an upsert fires the UPDATE trigger too).
 */
const events: Record<string, string> = {
  access_policies: 'INSERT OR UPDATE OR DELETE OR TRUNCATE',
  access_tokens: 'UPDATE OR DELETE OR TRUNCATE',
  users: 'UPDATE OF enabled, deleted_at, tenant_id OR DELETE OR TRUNCATE',
  api_clients: 'UPDATE OF status, tenant_id OR DELETE OR TRUNCATE',
  tenants: 'UPDATE OF enabled, deleted_at, parent_id OR DELETE OR TRUNCATE',
  tenant_closure: 'UPDATE OR DELETE OR TRUNCATE',
};

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Processes on one server cache principals: a statement changing what they were read from
    -- tells the others when it commits (NOTIFY is delivered only then, a transaction's repeats
    -- folded into one).
    CREATE FUNCTION liaison_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('liaison_auth', '');
      RETURN NULL;
    END $$;
  `.execute(db);
  for (const [table, on] of Object.entries(events)) {
    await sql`CREATE TRIGGER ${sql.raw(`${table}_auth_changed`)} AFTER ${sql.raw(on)} ON ${sql.table(table)}
      FOR EACH STATEMENT EXECUTE FUNCTION liaison_auth_changed()`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('Liaison migrations are forward-only');
}
