import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { NewUser, UserUpdate } from '../../platform/db/schema.js';
import { inScope, type Scope } from '../../platform/scope.js';
import type { UserOrder } from './user.schemas.js';

function selectUsers(db: Db, scope: Scope) {
  return (
    db
      .selectFrom('users as u')
      .leftJoin('contacts as c', 'c.user_id', 'u.id')
      .selectAll('u')
      // The Users list's "Contact types" column: the types of the contact linked to the user.
      .select(sql<string[]>`coalesce(c.types, '{}'::text[])`.as('contact_types'))
      .where(inScope('u.tenant_id', scope))
  );
}

export type UserRecord = Awaited<ReturnType<ReturnType<typeof selectUsers>['executeTakeFirstOrThrow']>>;

export function findUser(db: Db, scope: Scope, id: string) {
  return selectUsers(db, scope).where('u.id', '=', id).where('u.deleted_at', 'is', null).executeTakeFirst();
}

/**
 * Locks the user's row until the transaction ends, so changes of what hangs off the user
 * (its roles) run one after another rather than interleaved. Answers whether it exists.
 */
export async function lockUser(db: Db, scope: Scope, id: string): Promise<boolean> {
  const row = await db
    .selectFrom('users as u')
    .select('u.id')
    .where('u.id', '=', id)
    .where('u.deleted_at', 'is', null)
    .where(inScope('u.tenant_id', scope))
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

/** Text sort keys of the Users list; keyset paging compares (key, id). */
const sortKeys = {
  login: sql<string>`lower(u.login)`,
  name: sql<string>`lower(u.lastname || ' ' || u.firstname)`,
  contact_types: sql<string>`coalesce(array_to_string(c.types, ','), '')`,
  status: sql<string>`CASE WHEN u.enabled THEN '1' ELSE '0' END || CASE WHEN u.activated THEN '1' ELSE '0' END`,
};

export interface UserFilter {
  order?: UserOrder;
  afterKey?: string;
  ids?: string[];
  tenantId?: string;
  subtreeRootId?: string;
  updatedSince?: string;
  afterId?: string;
  limit: number;
}

export function findUsers(db: Db, scope: Scope, filter: UserFilter) {
  const desc = filter.order?.startsWith('-') ?? false;
  const key = filter.order ? sortKeys[filter.order.replace('-', '') as keyof typeof sortKeys] : sql<string>`''`;
  let query = selectUsers(db, scope).select(key.as('sort_key')).where('u.deleted_at', 'is', null);
  // (PostgreSQL refuses a constant in ORDER BY: without an order, the id alone sorts.)
  if (filter.order) query = query.orderBy(key, desc ? 'desc' : 'asc');
  query = query.orderBy('u.id', desc ? 'desc' : 'asc').limit(filter.limit + 1);
  if (filter.ids) query = query.where('u.id', 'in', filter.ids);
  if (filter.tenantId) query = query.where('u.tenant_id', '=', filter.tenantId);
  if (filter.subtreeRootId) {
    query = query.where(
      'u.tenant_id',
      'in',
      db.selectFrom('tenant_closure').select('descendant_id').where('ancestor_id', '=', filter.subtreeRootId),
    );
  }
  if (filter.updatedSince) query = query.where('u.updated_at', '>=', new Date(filter.updatedSince));
  if (filter.afterId) {
    query = query.where(
      desc
        ? sql<boolean>`(${key}, u.id) < (${filter.afterKey ?? ''}, ${filter.afterId}::uuid)`
        : sql<boolean>`(${key}, u.id) > (${filter.afterKey ?? ''}, ${filter.afterId}::uuid)`,
    );
  }
  return query.execute();
}

export async function findUserIdsOfTenant(
  db: Db,
  scope: Scope,
  tenantId: string,
  options: { includeGrandChildren: boolean },
) {
  let query = db
    .selectFrom('users as u')
    .select('u.id')
    .where('u.deleted_at', 'is', null)
    .where(inScope('u.tenant_id', scope))
    .orderBy(sql`lower(u.login)`);
  query = options.includeGrandChildren
    ? query.where(
        'u.tenant_id',
        'in',
        db.selectFrom('tenant_closure').select('descendant_id').where('ancestor_id', '=', tenantId),
      )
    : query.where('u.tenant_id', '=', tenantId);
  return (await query.execute()).map((r) => r.id);
}

export async function isLoginTaken(db: Db, login: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where(sql`lower(login)`, '=', login.toLowerCase())
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Boolean(row);
}

export async function insertUser(db: Db, values: NewUser) {
  return (await db.insertInto('users').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

export function updateUser(db: Db, scope: Scope, id: string, version: number, patch: UserUpdate) {
  return db
    .updateTable('users as u')
    .set({ ...patch, version: sql`u.version + 1`, updated_at: new Date() })
    .where('u.id', '=', id)
    .where('u.version', '=', version)
    .where('u.deleted_at', 'is', null)
    .where(inScope('u.tenant_id', scope))
    .returning('u.id')
    .executeTakeFirst();
}

/** Signs the user out everywhere: used when it is deleted or disabled. */
export async function deleteTokensOf(db: Db, userId: string) {
  await db.deleteFrom('access_tokens').where('subject_type', '=', 'user').where('subject_id', '=', userId).execute();
}

/** With a deleted tenant go its users, their roles and their sessions. */
export async function deleteUsersOfTenant(db: Db, scope: Scope, tenantId: string) {
  const users = await db
    .updateTable('users as u')
    .set({ deleted_at: new Date(), updated_at: new Date(), version: sql`u.version + 1` })
    .where('u.tenant_id', '=', tenantId)
    .where('u.deleted_at', 'is', null)
    .where(inScope('u.tenant_id', scope))
    .returning('u.id')
    .execute();
  const ids = users.map((u) => u.id);
  if (ids.length === 0) return ids;
  await db.deleteFrom('access_policies').where('user_id', 'in', ids).execute();
  await db.deleteFrom('access_tokens').where('subject_type', '=', 'user').where('subject_id', 'in', ids).execute();
  return ids;
}

/** A write whose cause already checked the version (a contact edit, a confirmed link), within the scope. */
export async function patchUser(db: Db, scope: Scope, id: string, patch: UserUpdate) {
  await db
    .updateTable('users')
    .set({ ...patch, updated_at: new Date(), version: sql`version + 1` })
    .where('id', '=', id)
    .where(inScope('users.tenant_id', scope))
    .execute();
}
