import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { NewTenant, TenantUpdate } from '../../platform/db/schema.js';
import { inScope, type Scope } from '../../platform/scope.js';
import type { ChildOrder } from './tenant.schemas.js';

function selectTenants(db: Db, scope: Scope) {
  return db
    .selectFrom('tenants as t')
    .selectAll('t')
    .select(
      sql<boolean>`EXISTS (SELECT 1 FROM tenants c WHERE c.parent_id = t.id AND c.id <> t.id AND c.deleted_at IS NULL)`.as(
        'has_children',
      ),
    )
    .where(inScope('t.id', scope));
}

export type TenantRecord = Awaited<ReturnType<ReturnType<typeof selectTenants>['executeTakeFirstOrThrow']>>;

export function findTenant(db: Db, scope: Scope, id: string, options: { allowDeleted?: boolean } = {}) {
  let query = selectTenants(db, scope).where('t.id', '=', id);
  if (!options.allowDeleted) query = query.where('t.deleted_at', 'is', null);
  return query.executeTakeFirst();
}

export interface TenantFilter {
  ids?: string[];
  parentId?: string;
  subtreeRootId?: string;
  updatedSince?: string;
  afterId?: string;
  limit: number;
  allowDeleted: boolean;
}

/** Keyset-paged by id; fetches one row more than `limit` so the caller knows a next page exists. */
export function findTenants(db: Db, scope: Scope, filter: TenantFilter) {
  let query = selectTenants(db, scope)
    .orderBy('t.id')
    .limit(filter.limit + 1);
  if (filter.ids) query = query.where('t.id', 'in', filter.ids);
  if (filter.parentId)
    query = query.where('t.parent_id', '=', filter.parentId).where(sql<boolean>`t.id <> t.parent_id`);
  if (filter.subtreeRootId) {
    query = query.where(
      't.id',
      'in',
      db.selectFrom('tenant_closure').select('descendant_id').where('ancestor_id', '=', filter.subtreeRootId),
    );
  }
  if (filter.updatedSince) query = query.where('t.updated_at', '>=', new Date(filter.updatedSince));
  if (filter.afterId) query = query.where('t.id', '>', filter.afterId);
  if (!filter.allowDeleted) query = query.where('t.deleted_at', 'is', null);
  return query.execute();
}

const childOrder: Record<ChildOrder, [string, 'asc' | 'desc']> = {
  name: ['lower_name', 'asc'],
  '-name': ['lower_name', 'desc'],
  status: ['enabled', 'desc'],
  '-status': ['enabled', 'asc'],
  created_at: ['created_at', 'asc'],
  '-created_at': ['created_at', 'desc'],
};

export async function findChildIds(
  db: Db,
  scope: Scope,
  parentId: string,
  options: { order: ChildOrder; allowDeleted: boolean },
) {
  const [column, direction] = childOrder[options.order];
  let query = db
    .selectFrom('tenants as t')
    .select(['t.id', sql<string>`lower(t.name)`.as('lower_name'), 't.enabled', 't.created_at'])
    .where('t.parent_id', '=', parentId)
    .where(sql<boolean>`t.id <> t.parent_id`)
    .where(inScope('t.id', scope))
    .orderBy(sql.ref(column), direction)
    .orderBy('t.id');
  if (!options.allowDeleted) query = query.where('t.deleted_at', 'is', null);
  return (await query.execute()).map((r) => r.id);
}

/** Inserts the tenant and its closure rows (one per ancestor, plus itself). */
export async function insertTenant(db: Db, values: NewTenant & { id: string }) {
  await db.insertInto('tenants').values(values).execute();
  await sql`
    INSERT INTO tenant_closure (ancestor_id, descendant_id, depth)
    SELECT ancestor_id, ${values.id}::uuid, depth + 1 FROM tenant_closure
    WHERE descendant_id = ${values.parent_id}::uuid AND ${values.parent_id}::uuid <> ${values.id}::uuid
    UNION ALL SELECT ${values.id}::uuid, ${values.id}::uuid, 0`.execute(db);
}

/** Optimistic update: changes the row only at `version`; undefined when missing or stale. */
export async function updateTenant(db: Db, scope: Scope, id: string, version: number, patch: TenantUpdate) {
  return db
    .updateTable('tenants as t')
    .set({ ...patch, version: sql`t.version + 1`, updated_at: new Date() })
    .where('t.id', '=', id)
    .where('t.version', '=', version)
    .where('t.deleted_at', 'is', null)
    .where(inScope('t.id', scope))
    .returning('t.id')
    .executeTakeFirst();
}

export async function hasLiveChildren(db: Db, scope: Scope, id: string): Promise<boolean> {
  const row = await db
    .selectFrom('tenants')
    .select('id')
    .where('parent_id', '=', id)
    .where(sql<boolean>`id <> parent_id`)
    .where('deleted_at', 'is', null)
    .where(inScope('tenants.id', scope))
    .limit(1)
    .executeTakeFirst();
  return Boolean(row);
}

export function findRootTenant(db: Db) {
  return db.selectFrom('tenants').select(['id']).where('kind', '=', 'root').executeTakeFirst();
}

/** Each tenant's valid contacts of each type, from the summary the database keeps (coverage_own). */
export async function contactCounts(db: Db, ids: string[]) {
  if (ids.length === 0) return new Map<string, { billing: number; technical: number; management: number }>();
  const rows = await db
    .selectFrom('coverage_own')
    .select(['tenant_id', 'billing', 'technical', 'management'])
    .where('tenant_id', 'in', ids)
    .execute();
  return new Map(rows.map(({ tenant_id, ...counts }) => [tenant_id, counts]));
}
