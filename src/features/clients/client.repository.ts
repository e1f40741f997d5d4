import type { Db } from '../../platform/db/database.js';
import type { ApiClientTable } from '../../platform/db/schema.js';
import type { Insertable, Updateable } from 'kysely';
import { inScope, type Scope } from '../../platform/scope.js';

export function findClient(db: Db, scope: Scope, id: string) {
  return db
    .selectFrom('api_clients as c')
    .selectAll('c')
    .where('c.id', '=', id)
    .where(inScope('c.tenant_id', scope))
    .executeTakeFirst();
}

export async function insertClient(db: Db, values: Insertable<ApiClientTable>) {
  return (await db.insertInto('api_clients').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateClient(db: Db, scope: Scope, id: string, patch: Updateable<ApiClientTable>) {
  await db
    .updateTable('api_clients as c')
    .set(patch)
    .where('c.id', '=', id)
    .where(inScope('c.tenant_id', scope))
    .execute();
}

/** Removes the client and revokes every token it holds. */
export async function deleteClient(db: Db, scope: Scope, id: string) {
  await db.deleteFrom('access_tokens').where('subject_type', '=', 'client').where('subject_id', '=', id).execute();
  await db.deleteFrom('api_clients').where('id', '=', id).where(inScope('api_clients.tenant_id', scope)).execute();
}

export async function deleteClientsOfTenant(db: Db, scope: Scope, tenantId: string) {
  const clients = await db
    .selectFrom('api_clients')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where(inScope('api_clients.tenant_id', scope))
    .execute();
  for (const client of clients) await deleteClient(db, scope, client.id);
}
