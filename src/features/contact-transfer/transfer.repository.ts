import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import { inScope, type Scope } from '../../platform/scope.js';
import { PATH_SEPARATOR } from './transfer.columns.js';

/** A tenant's names from the top of what the scope sees down to it, joined with " / ". */
const pathOf = sql<string>`string_agg(a.name, ${PATH_SEPARATOR} ORDER BY tc.depth DESC)`;

/** The name paths of these tenants, as the scope sees them (an unseen tenant is left out). */
export async function findTenantPaths(db: Db, scope: Scope, tenantIds: string[]) {
  if (tenantIds.length === 0) return [];
  return db
    .selectFrom('tenant_closure as tc')
    .innerJoin('tenants as a', 'a.id', 'tc.ancestor_id')
    .select(['tc.descendant_id as id', pathOf.as('path')])
    .where(sql<boolean>`tc.descendant_id = ANY(${tenantIds}::uuid[])`)
    .where(inScope('tc.ancestor_id', scope))
    .where(inScope('tc.descendant_id', scope))
    .groupBy('tc.descendant_id')
    .execute();
}

/** Every live tenant of the subtree of `rootId` the scope sees, with its name path. */
export function findSubtreePaths(db: Db, scope: Scope, rootId: string) {
  return db
    .selectFrom('tenant_closure as tc')
    .innerJoin('tenants as a', 'a.id', 'tc.ancestor_id')
    .innerJoin('tenants as d', 'd.id', 'tc.descendant_id')
    .select(['tc.descendant_id as id', pathOf.as('path')])
    .where('tc.descendant_id', 'in', (eb) =>
      eb.selectFrom('tenant_closure as below').select('below.descendant_id').where('below.ancestor_id', '=', rootId),
    )
    .where('d.deleted_at', 'is', null)
    .where(inScope('tc.ancestor_id', scope))
    .where(inScope('tc.descendant_id', scope))
    .groupBy('tc.descendant_id')
    .execute();
}
