import { sql, type RawBuilder, type SqlBool } from 'kysely';

declare const scopeBrand: unique symbol;

/**
 * The roots of the tenant subtrees a caller may act on; empty: nothing is visible. A distinct
 * type, so a list of ids cannot pass for one: scopes come from the caller's roles (auth) or from
 * the named constructors below, never built by hand in a service.
 */
export type Scope = readonly string[] & { readonly [scopeBrand]: true };

/** The subtrees of these tenants. Only auth (from roles) and the functions below call it. */
export const scopeOf = (roots: Iterable<string>): Scope => [...new Set(roots)] as unknown as Scope;

/** The caller's own tenant, whatever its roles: every signed-in user reads its own record. */
export const ownScope = (principal: Principal): Scope => scopeOf([principal.tenantId]);

/** For work no caller drives (a confirmation link opened by its recipient): that tenant's subtree. */
export const systemScope = (tenantId: string): Scope => scopeOf([tenantId]);

/**
 * Work no caller drives, done on a person's behalf (an answer by a mailed link): it reads and
 * writes the tenant's subtree, recorded as `id` (the person, or 'system').
 */
export const systemPrincipal = (tenantId: string, id = 'system'): Principal => ({
  kind: 'user',
  id,
  tenantId,
  read: systemScope(tenantId),
  write: systemScope(tenantId),
});

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
}

/**
 * `column IN (every tenant below one of the scope's roots)`: the one predicate every
 * repository puts on its queries, so nothing outside the caller's subtree is ever read.
 */
export function inScope(column: string, scope: Scope): RawBuilder<SqlBool> {
  if (scope.length === 0) return sql<SqlBool>`false`;
  return sql<SqlBool>`${sql.ref(column)} IN (SELECT descendant_id FROM tenant_closure WHERE ancestor_id IN (${sql.join([...scope])}))`;
}
