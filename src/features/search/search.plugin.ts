import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { standardErrors, Uuid } from '../../platform/http/common-schemas.js';
import type { SearchService } from './search.service.js';

const SearchQuery = Type.Object(
  {
    tenant: Type.Optional(Uuid),
    text: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  },
  { additionalProperties: false },
);

const SearchHit = Type.Object({
  obj_type: Type.Union([Type.Literal('tenant'), Type.Literal('user')]),
  id: Uuid,
  parent_id: Uuid,
  path: Type.Array(Type.String()),
  kind: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  login: Type.Optional(Type.String()),
  first_name: Type.Optional(Type.String()),
  last_name: Type.Optional(Type.String()),
});

export const searchPlugin: FastifyPluginAsyncTypebox<{ search: SearchService }> = async (app, { search }) => {
  app.get(
    '/search',
    {
      schema: {
        operationId: 'search',
        tags: ['search'],
        summary: 'Find tenants and users in a subtree',
        querystring: SearchQuery,
        response: { 200: Type.Object({ items: Type.Array(SearchHit) }), ...standardErrors },
      },
    },
    async (request) => ({
      items: await search.search(request.principal, {
        tenant: request.query.tenant,
        text: request.query.text,
        limit: request.query.limit ?? 50,
      }),
    }),
  );
};
