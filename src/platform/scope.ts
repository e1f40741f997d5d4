import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Database } from './db/schema.js';
import { AppError } from './errors.js';

/** The roots of the tenant subtrees a caller may act on. Empty: nothing is visible. */
export type Scope = readonly string[];

/** Who is calling, resolved once per request by the auth hook. */
export interface Principal {
  kind: 'user' | 'client';
  /** The user's id, or the API client's client_id. */
  id: string;
  /** The tenant the user or client belongs to. */
  tenantId: string;
  /** Subtrees the caller may read (admin roles, readonly included). */
  read: Scope;
  /** Subtrees the caller may change (partner and company admins, API clients). */
  write: Scope;
  /** True when the caller administers the root tenant. */
  isRootAdmin: boolean;
}

/**
 * `column IN (every tenant below one of the scope's roots)`: the one predicate every
 * repository puts on its queries, so nothing outside the caller's subtree is ever read.
 */
export function inScope(column: string, scope: Scope): RawBuilder<SqlBool> {
  if (scope.length === 0) return sql<SqlBool>`false`;
  return sql<SqlBool>`${sql.ref(column)} IN (SELECT descendant_id FROM tenant_closure WHERE ancestor_id IN (${sql.join([...scope])}))`;
}

export function isInScope(db: Kysely<Database>, scope: Scope, tenantId: string): Promise<boolean> {
  return db.selectFrom('tenants').select('id').where('id', '=', tenantId).where(inScope('tenants.id', scope))
    .executeTakeFirst().then(Boolean);
}

/**
 * For a tenant the caller can already see: refuses (403) when its role there is read-only.
 * Call after the scoped read, so outsiders still get 404 and learn nothing.
 */
export async function requireWrite(db: Kysely<Database>, principal: Principal, tenantId: string): Promise<void> {
  if (!(await isInScope(db, principal.write, tenantId))) {
    throw new AppError(1002, 'Access denied: your role may read this tenant but not change it', { domain: 'AccountServer' });
  }
}
