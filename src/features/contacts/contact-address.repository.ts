import { sql, type Expression } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import { inScope, type Scope } from '../../platform/scope.js';

/**
 * Serialises contact writes per tenant, so the "one contact per email in a tenant" rule
 * (which spans contacts and their users' addresses) holds under concurrency.
 */
export async function lockTenantContacts(db: Db, tenantId: string) {
  await sql`SELECT pg_advisory_xact_lock(hashtext('liaison.contacts'), hashtext(${tenantId}))`.execute(db);
}

/** Is `email` the address of another contact of the tenant (its own or its user's)? */
export async function isEmailTaken(db: Db, scope: Scope, tenantId: string, email: string, exceptContactId?: string) {
  const emailOf: Expression<string> = sql<string>`lower(CASE WHEN c.user_id IS NULL THEN c.email ELSE u.email END)`;
  let query = db
    .selectFrom('contacts as c')
    .leftJoin('users as u', 'u.id', 'c.user_id')
    .select('c.id')
    .where('c.tenant_id', '=', tenantId)
    .where(inScope('c.tenant_id', scope))
    .where(emailOf, '=', email.toLowerCase());
  if (exceptContactId) query = query.where('c.id', '<>', exceptContactId);
  return Boolean(await query.limit(1).executeTakeFirst());
}
