import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../platform/db/database.js';
import type { ContactType } from '../../platform/db/schema.js';
import { invalidField, notFound } from '../../platform/errors.js';
import { decodeCursor, paged } from '../../platform/http/paging.js';
import { IdParams, PagedItemsOf, standardErrors, Uuid } from '../../platform/http/common-schemas.js';
import type { Principal } from '../../platform/scope.js';
import { findContacts } from '../contacts/contact.repository.js';
import { toContact } from '../contacts/contact.service.js';
import { Contact, ContactTypeSchema } from '../contacts/contact.schemas.js';
import { findTenant } from '../tenants/tenant.repository.js';
import { findFallbackCeiling } from '../announcements/recipients.repository.js';
import * as repo from './coverage.repository.js';

const EffectiveContact = Type.Intersect([Contact, Type.Object({
  inherited: Type.Boolean({ description: 'true: the tenant has no deliverable contact of the type; these are its nearest ancestor\'s' }),
  deliverable: Type.Boolean({ description: 'false: the address bounced (invalid) and is skipped' }),
})]);

const Uncovered = Type.Object({ id: Uuid, name: Type.String(), kind: Type.String(), parent_id: Uuid, missing_types: Type.Array(ContactTypeSchema) });

export class CoverageService {
  constructor(private readonly db: Db) {}

  async effectiveContacts(principal: Principal, tenantId: string, type: ContactType) {
    // The same ceiling as the caller's own announcement to this tenant would have.
    const ceiling = await findFallbackCeiling(this.db, principal, tenantId);
    if (!ceiling || !(await findTenant(this.db, principal.read, tenantId))) throw notFound('Tenant', 1005);
    const rows = await repo.findEffectiveContacts(this.db, ceiling, tenantId, type);
    if (rows.length === 0) return [];
    const contacts = new Map((await findContacts(this.db, principal.read, { ids: rows.map((r) => r.contact_id), limit: rows.length })).map((c) => [c.id, c]));
    return rows.filter((r) => contacts.has(r.contact_id))
      .map((r) => ({ ...toContact(contacts.get(r.contact_id)!), inherited: r.inherited, deliverable: r.valid }));
  }

  async coverage(principal: Principal, tenantId: string, query: { type?: ContactType; limit?: number; after?: string }) {
    if (!(await findTenant(this.db, principal.read, tenantId))) throw notFound('Tenant', 1005);
    const { total, covered } = await repo.countCoverage(this.db, principal.read, tenantId);
    const limit = query.limit ?? 100;
    const afterId = (query.after ? decodeCursor<{ afterId?: string | null }>(query.after).afterId : undefined) ?? undefined;
    // A cursor of another list would silently restart at the first page.
    if (query.after && !afterId) throw invalidField('after', 'is not a cursor returned by this API');
    const types: ContactType[] = query.type ? [query.type] : ['billing', 'technical', 'management'];
    const rows = await repo.findUncovered(this.db, principal.read, tenantId, { types, afterId, limit });
    return {
      tenants: total,
      types: (['billing', 'technical', 'management'] as const).map((type) => ({ type, covered: covered[type], uncovered: total - covered[type] })),
      missing: paged(rows, limit, (last) => ({ afterId: last.id })),
    };
  }
}

export const coverageRoutes = (coverage: CoverageService): FastifyPluginAsyncTypebox => async (app) => {
  const tags = ['coverage'];
  app.get('/tenants/:id/effective-contacts', {
    schema: {
      tags, summary: 'The contacts a notice of the type would reach for this tenant (own, or inherited from the nearest ancestor)',
      params: IdParams, querystring: Type.Object({ type: ContactTypeSchema }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(EffectiveContact) }), ...standardErrors },
    },
  }, async (request) => ({ items: await coverage.effectiveContacts(request.principal, request.params.id, request.query.type) }));

  app.get('/tenants/:id/contact-coverage', {
    schema: {
      tags, summary: 'Per type, how many tenants of the subtree have a deliverable contact, and (paged) which have none',
      params: IdParams,
      querystring: Type.Object({
        type: Type.Optional(ContactTypeSchema),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        after: Type.Optional(Type.String({ maxLength: 300 })),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          tenants: Type.Integer(),
          types: Type.Array(Type.Object({ type: ContactTypeSchema, covered: Type.Integer(), uncovered: Type.Integer() })),
          missing: PagedItemsOf(Uncovered),
        }),
        ...standardErrors,
      },
    },
  }, (request) => coverage.coverage(request.principal, request.params.id, request.query));
};
