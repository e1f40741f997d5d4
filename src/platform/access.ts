import { sql } from 'kysely';
import type { Db } from './db/database.js';
import { fail } from './errors.js';
import { inScope, type Principal } from './scope.js';

/** What a caller wants to do with a tenant's data. */
export type Need = 'read' | 'write';

/**
 * The one answer to "may this caller read / write this tenant?": the tenant's facts when it
 * may; 404 1005 when the tenant is outside what it can see (an outsider learns nothing, not
 * even that the id exists); 403 1002 when it can see it but its role there is read-only.
 * `field` names the request field that carried the id, when it came in a body or query;
 * `allowDeleted` reaches a deleted tenant too (its trail outlives it).
 */
export async function tenantAccess(
  db: Db,
  principal: Principal,
  tenantId: string,
  need: Need,
  options: { field?: string; allowDeleted?: boolean } = {},
) {
  const { field, allowDeleted = false } = options;
  const tenant = await db
    .selectFrom('tenants as t')
    .select(['t.id', 't.kind', 't.name', 't.language', 't.enabled', 't.parent_id'])
    .select((need === 'write' ? inScope('t.id', principal.write) : sql<boolean>`false`).as('writable'))
    .where('t.id', '=', tenantId)
    .where(inScope('t.id', principal.read))
    .$if(!allowDeleted, (q) => q.where('t.deleted_at', 'is', null))
    .executeTakeFirst();
  if (!tenant)
    throw fail(field === 'parent_id' ? 'parent_not_found' : 'tenant_not_found', field ? { info: field } : {});
  if (need === 'write' && !tenant.writable) {
    throw fail('read_only');
  }
  const { writable: _writable, ...facts } = tenant;
  return facts;
}

/** The same check for a row the caller has already read through its scope (a contact, a user): only the write part is left. */
export async function assertWritable(db: Db, principal: Principal, tenantId: string) {
  await tenantAccess(db, principal, tenantId, 'write');
}

/** The caller's own tenant, whatever its roles (its kind decides what the caller may start). */
export function ownTenant(db: Db, principal: Principal) {
  return db
    .selectFrom('tenants')
    .select(['id', 'kind', 'name', 'language'])
    .where('id', '=', principal.tenantId)
    .executeTakeFirstOrThrow();
}
