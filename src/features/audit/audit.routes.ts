import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../platform/db/database.js';
import { notFound } from '../../platform/errors.js';
import { decodeCursor, paged } from '../../platform/http/paging.js';
import { PagedItemsOf, standardErrors, Timestamp, Uuid } from '../../platform/http/common-schemas.js';
import { isInScope, type Principal } from '../../platform/scope.js';
import { findAudit } from './audit.repository.js';

const AuditEvent = Type.Object({
  id: Type.String(),
  tenant_id: Uuid,
  object_type: Type.String(),
  object_id: Uuid,
  action: Type.String({ description: 'create, update, delete, email_change_requested, email_change_confirmed, …' }),
  actor: Type.Object({ type: Type.String(), id: Type.Union([Uuid, Type.Null()]) }),
  before: Type.Unknown(),
  after: Type.Unknown(),
  created_at: Timestamp,
});

const AuditQuery = Type.Object({
  tenant_id: Uuid,
  object_id: Type.Optional(Uuid),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  after: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false });

export class AuditService {
  constructor(private readonly db: Db) {}

  /** A tenant's trail, newest first; only within the caller's scope. */
  async list(principal: Principal, query: { tenant_id: string; object_id?: string; limit?: number; after?: string }) {
    if (!(await isInScope(this.db, principal.read, query.tenant_id))) throw notFound('Tenant', 1005);
    const limit = query.limit ?? 100;
    const beforeId = query.after ? Number(decodeCursor<{ before: number }>(query.after).before) : undefined;
    const rows = await findAudit(this.db, principal.read, { tenantId: query.tenant_id, objectId: query.object_id, beforeId: Number.isSafeInteger(beforeId) ? beforeId : undefined, limit });
    const items = rows.map((r) => ({
      id: String(r.id), tenant_id: r.tenant_id, object_type: r.object_type, object_id: r.object_id, action: r.action,
      actor: { type: r.actor_type, id: r.actor_id }, before: r.before ?? null, after: r.after ?? null, created_at: r.created_at.toISOString(),
    }));
    return paged(items, limit, (last) => ({ before: Number(last.id) }));
  }
}

export const auditRoutes = (audit: AuditService): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/audit', {
    schema: { tags: ['audit'], summary: 'Who changed what in a tenant, newest first', querystring: AuditQuery, response: { 200: PagedItemsOf(AuditEvent), ...standardErrors } },
  }, (request) => audit.list(request.principal, request.query));
};
