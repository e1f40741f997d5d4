import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ContactTypeSchema, IdParams, PagedItemsOf, standardErrors, Uuid } from '../../platform/http/common-schemas.js';
import { Contact } from '../contacts/contact.schemas.js';
import type { CoverageService } from './coverage.service.js';
import { ATTENTION_CAP } from './coverage.repository.js';

const EffectiveContact = Type.Intersect([
  Contact,
  Type.Object({
    inherited: Type.Boolean({
      description: "true: the tenant has no deliverable contact of the type; these are its nearest ancestor's",
    }),
    deliverable: Type.Boolean({ description: 'false: the address bounced (invalid) and is skipped' }),
  }),
]);

const Uncovered = Type.Object({
  id: Uuid,
  name: Type.String(),
  kind: Type.String(),
  parent_id: Uuid,
  missing_types: Type.Array(ContactTypeSchema),
});

export const coveragePlugin: FastifyPluginAsyncTypebox<{ coverage: CoverageService }> = async (app, { coverage }) => {
  const tags = ['coverage'];
  app.get(
    '/tenants/:id/effective-contacts',
    {
      schema: {
        tags,
        summary:
          'The contacts a notice of the type would reach for this tenant (own, or inherited from the nearest ancestor)',
        params: IdParams,
        querystring: Type.Object({ type: ContactTypeSchema }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(EffectiveContact) }), ...standardErrors },
      },
    },
    async (request) => ({
      items: await coverage.effectiveContacts(request.principal, request.params.id, request.query.type),
    }),
  );

  app.get(
    '/tenants/:id/contact-coverage',
    {
      schema: {
        operationId: 'getTenantContactCoverage',
        tags,
        summary: 'Per type, how many tenants of the subtree have a deliverable contact, and (paged) which have none',
        params: IdParams,
        querystring: Type.Object(
          {
            type: Type.Optional(ContactTypeSchema),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
            after: Type.Optional(Type.String({ maxLength: 300 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            tenants: Type.Integer(),
            types: Type.Array(
              Type.Object({
                type: ContactTypeSchema,
                covered: Type.Integer(),
                uncovered: Type.Integer(),
                primary_undeliverable: Type.Integer({
                  description: `Tenants whose primary contact of the type bounced (invalid): a notice to primaries only skips them, or with fallback reaches the nearest ancestor's primary; counted up to ${ATTENTION_CAP} (that figure means as many or more)`,
                }),
              }),
            ),
            attestation: Type.Object(
              { stale: Type.Integer(), declined: Type.Integer(), pending: Type.Integer() },
              {
                description: `The subtree's contacts not confirmed for a year (stale), that declined a type, and asked but not yet answered; each counted up to ${ATTENTION_CAP} (that figure means as many or more)`,
              },
            ),
            missing: PagedItemsOf(Uncovered),
          }),
          ...standardErrors,
        },
      },
    },
    (request) => coverage.coverage(request.principal, request.params.id, request.query),
  );
};
