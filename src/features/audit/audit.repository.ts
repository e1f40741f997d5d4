import type { Db } from '../../platform/db/database.js';
import { inScope, type Scope } from '../../platform/scope.js';

export function findAudit(
  db: Db,
  scope: Scope,
  filter: { tenantId: string; objectId?: string; beforeId?: number; limit: number },
) {
  let query = db
    .selectFrom('audit_events as a')
    .selectAll('a')
    .where('a.tenant_id', '=', filter.tenantId)
    .where(inScope('a.tenant_id', scope))
    .orderBy('a.id', 'desc')
    .limit(filter.limit + 1);
  if (filter.objectId) query = query.where('a.object_id', '=', filter.objectId);
  if (filter.beforeId !== undefined) query = query.where('a.id', '<', filter.beforeId);
  return query.execute();
}
