import type { Db } from '../../platform/db/database.js';
import { inScope, type Principal, type Scope } from '../../platform/scope.js';

/** Who did it: a signed-in user or API client, or a person acting through a mailed link. */
export interface AuditActor { type: 'user' | 'client' | 'person' | 'system'; id: string | null }

export const actorOf = (principal: Principal): AuditActor => ({ type: principal.kind, id: principal.id });

export interface AuditEntry {
  tenantId: string;
  objectType: 'tenant' | 'user' | 'contact' | 'access_policies' | 'announcement';
  objectId: string;
  action: string;
  before?: unknown;
  after?: unknown;
}

/** Written inside the transaction of the change, so the trail and the data never disagree. */
export async function recordAudit(db: Db, actor: AuditActor, entry: AuditEntry) {
  await db.insertInto('audit_events').values({
    tenant_id: entry.tenantId, object_type: entry.objectType, object_id: entry.objectId, action: entry.action,
    actor_type: actor.type, actor_id: actor.id,
    before: entry.before === undefined ? null : JSON.stringify(entry.before),
    after: entry.after === undefined ? null : JSON.stringify(entry.after),
  }).execute();
}

export function findAudit(db: Db, scope: Scope, filter: { tenantId: string; objectId?: string; beforeId?: number; limit: number }) {
  let query = db.selectFrom('audit_events as a').selectAll('a')
    .where('a.tenant_id', '=', filter.tenantId)
    .where(inScope('a.tenant_id', scope))
    .orderBy('a.id', 'desc')
    .limit(filter.limit + 1);
  if (filter.objectId) query = query.where('a.object_id', '=', filter.objectId);
  if (filter.beforeId !== undefined) query = query.where('a.id', '<', filter.beforeId);
  return query.execute();
}
