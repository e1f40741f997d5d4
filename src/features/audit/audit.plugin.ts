import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PagedItemsOf, standardErrors, Timestamp, Uuid } from '../../platform/http/common-schemas.js';
import type { AuditService } from './audit.service.js';

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

const AuditQuery = Type.Object(
  {
    tenant_id: Uuid,
    object_id: Type.Optional(Uuid),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    after: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const auditPlugin: FastifyPluginAsyncTypebox<{ audit: AuditService }> = async (app, { audit }) => {
  app.get(
    '/audit',
    {
      schema: {
        operationId: 'listAuditEvents',
        tags: ['audit'],
        summary: 'Who changed what in a tenant, newest first',
        querystring: AuditQuery,
        response: { 200: PagedItemsOf(AuditEvent), ...standardErrors },
      },
    },
    (request) => audit.list(request.principal, request.query),
  );
};
