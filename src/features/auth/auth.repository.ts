import { sql, type SqlBool } from 'kysely';
import type { Db } from '../../platform/db/database.js';

// Authentication runs before any scope exists: these lookups are by credential only and
// return just what is needed to build a Principal.

/** A live user whose tenant and every ancestor are live and enabled. */
export function findActiveUserByLogin(db: Db, login: string) {
  return db
    .selectFrom('users as u')
    .select(['u.id', 'u.tenant_id', 'u.password_hash', 'u.enabled'])
    .where(sql`lower(u.login)`, '=', login.toLowerCase())
    .where('u.deleted_at', 'is', null)
    .where(tenantChainActive('u.tenant_id'))
    .executeTakeFirst();
}

export function findActiveClient(db: Db, id: string) {
  return db
    .selectFrom('api_clients as c')
    .innerJoin('tenants as t', 't.id', 'c.tenant_id')
    .select(['c.id', 'c.tenant_id', 'c.secret_hash', 'c.status', 't.kind as tenant_kind'])
    .where('c.id', '=', id)
    .where(tenantChainActive('c.tenant_id'))
    .executeTakeFirst();
}

/** The tenant in `column`, and every tenant above it, is enabled and not deleted. */
function tenantChainActive(column: string) {
  return sql<SqlBool>`NOT EXISTS (SELECT 1 FROM tenant_closure tc JOIN tenants anc ON anc.id = tc.ancestor_id
    WHERE tc.descendant_id = ${sql.ref(column)} AND (NOT anc.enabled OR anc.deleted_at IS NOT NULL))`;
}

/** What authenticates a request: its subject, active, with the tenant chain checked and a user's roles. */
export interface PrincipalRow {
  subject_type: 'user' | 'client';
  /** null: the subject is gone, disabled or deleted, or a tenant above it is disabled or deleted. */
  id: string | null;
  tenant_id: string;
  /** A user's roles on tenants not deleted, [tenant_id, role_id] pairs; a client has none. */
  roles: [string, string][];
  last_access_at: Date | null;
  last_access_from_ip: string | null;
  /** The token's expiry (null when found by user id). */
  expires_at: Date | null;
}

/**
 * One statement from a credential to a principal: the unexpired token (or, without one, the
 * subject named), its user (live and enabled) or API client (enabled), its tenant and every
 * ancestor live and enabled, and a user's roles. The service may keep what it read for a bearer
 * token only until any of these tables changes (platform/db/auth-changes.ts): a revoked token, a
 * removed role or a disabled tenant counts from the next request on.
 */
export async function findPrincipal(
  db: Db,
  by: { tokenHash: string } | { userId: string },
): Promise<PrincipalRow | undefined> {
  const subject =
    'tokenHash' in by
      ? sql`SELECT subject_type, subject_id, expires_at FROM access_tokens WHERE token_hash = ${by.tokenHash} AND expires_at > ${new Date()}`
      : sql`SELECT 'user'::text AS subject_type, ${by.userId}::uuid AS subject_id, NULL::timestamptz AS expires_at`;
  const { rows } = await sql<PrincipalRow>`
    WITH s AS (${subject})
    SELECT s.subject_type, s.expires_at, coalesce(u.id, c.id) AS id, coalesce(u.tenant_id, c.tenant_id) AS tenant_id,
      c.last_access_at, c.last_access_from_ip,
      CASE WHEN u.id IS NULL THEN '[]'::json ELSE (
        SELECT coalesce(json_agg(json_build_array(ap.tenant_id, ap.role_id)), '[]'::json)
        FROM access_policies ap JOIN tenants t ON t.id = ap.tenant_id
        WHERE ap.user_id = u.id AND t.deleted_at IS NULL) END AS roles
    FROM s
    LEFT JOIN users u ON s.subject_type = 'user' AND u.id = s.subject_id AND u.deleted_at IS NULL AND u.enabled
    LEFT JOIN api_clients c ON s.subject_type = 'client' AND c.id = s.subject_id AND c.status = 'enabled'
    WHERE ${tenantChainActive('u.tenant_id')} AND ${tenantChainActive('c.tenant_id')}`.execute(db);
  return rows[0];
}

export async function insertToken(
  db: Db,
  row: { token_hash: string; subject_type: 'user' | 'client'; subject_id: string; expires_at: Date },
) {
  await db.insertInto('access_tokens').values(row).execute();
}

export async function deleteExpiredTokens(db: Db) {
  await db.deleteFrom('access_tokens').where('expires_at', '<=', new Date()).execute();
}

export async function touchClient(db: Db, id: string, ip: string) {
  await db
    .updateTable('api_clients')
    .set({ last_access_at: new Date(), last_access_from_ip: ip })
    .where('id', '=', id)
    .execute();
}

/**
 * Counts one sign-in attempt against every key (one statement, keys in a fixed order) and
 * answers the counts in their current windows. Counting before the password is checked
 * means concurrent guesses cannot all pass a check made before any of them was recorded.
 */
export function countAttempt(db: Db, keys: string[], windowSeconds: number) {
  const windowStart = new Date(Date.now() - windowSeconds * 1000);
  return db
    .insertInto('auth_failures')
    .values(keys.map((key) => ({ key, failures: 1, window_started_at: new Date() })))
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: sql`CASE WHEN auth_failures.window_started_at > ${windowStart} THEN auth_failures.failures + 1 ELSE 1 END`,
        window_started_at: sql`CASE WHEN auth_failures.window_started_at > ${windowStart} THEN auth_failures.window_started_at ELSE now() END`,
      }),
    )
    .returning(['key', 'failures', 'window_started_at'])
    .execute();
}

/** A right answer was no guess: the pair's count starts over, the attempt is taken back from the wider counts. */
export async function forgiveAttempt(db: Db, pairKey: string, widerKeys: string[]) {
  await db.deleteFrom('auth_failures').where('key', '=', pairKey).execute();
  await db
    .updateTable('auth_failures')
    .set({ failures: sql`greatest(failures - 1, 0)` })
    .where('key', 'in', widerKeys)
    .execute();
}

/** Windows that ended no longer throttle anyone: drop them so invented logins do not pile up. */
export async function deleteStaleAttempts(db: Db, windowSeconds: number) {
  await db
    .deleteFrom('auth_failures')
    .where('window_started_at', '<', new Date(Date.now() - windowSeconds * 1000))
    .execute();
}

export async function deleteToken(db: Db, tokenHash: string) {
  await db.deleteFrom('access_tokens').where('token_hash', '=', tokenHash).execute();
}
