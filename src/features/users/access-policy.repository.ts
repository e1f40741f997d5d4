import type { Db } from '../../platform/db/database.js';
import { inScope, type Scope } from '../../platform/scope.js';

export function findPolicies(db: Db, scope: Scope, userIds: string[]) {
  if (userIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('access_policies as ap')
    .innerJoin('users as u', 'u.id', 'ap.user_id')
    .selectAll('ap')
    .where('ap.user_id', 'in', userIds)
    .where(inScope('u.tenant_id', scope))
    .orderBy('ap.created_at')
    .orderBy('ap.id')
    .execute();
}

export async function deletePolicies(db: Db, scope: Scope, userId: string, keepIds: string[]) {
  let query = db
    .deleteFrom('access_policies')
    .where('user_id', '=', userId)
    .where(inScope('access_policies.tenant_id', scope));
  if (keepIds.length) query = query.where('id', 'not in', keepIds);
  await query.execute();
}

export async function insertPolicies(
  db: Db,
  rows: {
    user_id: string;
    tenant_id: string;
    role_id: string;
    resource_namespace?: string | null;
    issuer_id: string;
  }[],
) {
  if (rows.length) await db.insertInto('access_policies').values(rows).execute();
}

/** Kinds of the given tenants when they lie in the user's own subtree (where its roles may point). */
export function findTenantsBelow(db: Db, scope: Scope, rootId: string, ids: string[]) {
  return db
    .selectFrom('tenants as t')
    .select(['t.id', 't.kind'])
    .where('t.id', 'in', ids)
    .where('t.deleted_at', 'is', null)
    .where('t.id', 'in', db.selectFrom('tenant_closure').select('descendant_id').where('ancestor_id', '=', rootId))
    .where(inScope('t.id', scope))
    .execute();
}
