import { tenantAccess } from '../../platform/access.js';
import type { Db } from '../../platform/db/database.js';
import { CursorFields, cursorOf, paged } from '../../platform/http/paging.js';
import type { Principal } from '../../platform/scope.js';
import { findAudit } from './audit.repository.js';

/** Newest first: the next page starts after the last id seen, below it. */
const cursor = cursorOf({ afterId: CursorFields.Id });

export class AuditService {
  constructor(private readonly db: Db) {}

  /** A tenant's trail, newest first; only within the caller's scope. */
  async list(principal: Principal, query: { tenant_id: string; object_id?: string; limit?: number; after?: string }) {
    await tenantAccess(this.db, principal, query.tenant_id, 'read', { allowDeleted: true });
    const limit = query.limit ?? 100;
    const beforeId = query.after ? cursor.decode(query.after).afterId : undefined;
    const rows = await findAudit(this.db, principal.read, {
      tenantId: query.tenant_id,
      objectId: query.object_id,
      beforeId,
      limit,
    });
    const items = rows.map((r) => ({
      id: String(r.id),
      tenant_id: r.tenant_id,
      object_type: r.object_type,
      object_id: r.object_id,
      action: r.action,
      actor: { type: r.actor_type, id: r.actor_id },
      before: r.before ?? null,
      after: r.after ?? null,
      created_at: r.created_at.toISOString(),
    }));
    return paged(items, limit, (last) => cursor.encode({ afterId: Number(last.id) }));
  }
}
