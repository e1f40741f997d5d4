import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import { IdList, IdParams, PagedItemsOf, standardErrors, VersionQuery } from '../../platform/http/common-schemas.js';
import type { Principal } from '../../platform/scope.js';
import type { TenantService } from './tenant.service.js';
import {
  AllowDeletedQuery,
  ChildrenQuery,
  CreateTenantBody,
  type CreateTenantInput,
  ListTenantsQuery,
  Tenant,
  TenantListItem,
  UpdateTenantBody,
} from './tenant.schemas.js';

export interface TenantsPluginOptions {
  tenants: TenantService;
  /** Creates the tenant and its billing contact in one transaction: a use case above the features (use-cases/create-tenant.ts). */
  createTenant: (principal: Principal, input: CreateTenantInput) => Promise<Static<typeof Tenant>>;
  /** Deletes the tenant with everything living in it: a use case above the features (use-cases/delete-tenant.ts). */
  deleteTenant: (principal: Principal, id: string, version: number) => Promise<void>;
}

export const tenantsPlugin: FastifyPluginAsyncTypebox<TenantsPluginOptions> = async (
  app,
  { tenants, createTenant, deleteTenant },
) => {
  const tags = ['tenants'];

  app.get(
    '/tenants',
    {
      schema: {
        tags,
        summary: 'List tenants by ids, parent or subtree',
        querystring: ListTenantsQuery,
        response: { 200: PagedItemsOf(TenantListItem), ...standardErrors },
      },
    },
    (request) => tenants.list(request.principal, request.query),
  );

  app.post(
    '/tenants',
    {
      schema: {
        tags,
        summary: 'Create a tenant',
        body: CreateTenantBody,
        response: { 201: Tenant, ...standardErrors },
      },
    },
    async (request, reply) => reply.status(201).send(await createTenant(request.principal, request.body)),
  );

  app.get(
    '/tenants/:id',
    {
      schema: {
        tags,
        summary: 'Read a tenant',
        params: IdParams,
        querystring: AllowDeletedQuery,
        response: { 200: Tenant, ...standardErrors },
      },
    },
    (request) => tenants.get(request.principal, request.params.id, { allowDeleted: request.query.allow_deleted }),
  );

  app.put(
    '/tenants/:id',
    {
      schema: {
        tags,
        summary: 'Update a tenant (send the version you read)',
        params: IdParams,
        body: UpdateTenantBody,
        response: { 200: Tenant, ...standardErrors },
      },
    },
    (request) => tenants.update(request.principal, request.params.id, request.body),
  );

  app.delete(
    '/tenants/:id',
    {
      schema: {
        tags,
        summary: 'Delete a disabled tenant without children',
        params: IdParams,
        querystring: VersionQuery,
        response: { 204: { type: 'null' }, ...standardErrors },
      },
    },
    async (request, reply) => {
      await deleteTenant(request.principal, request.params.id, request.query.version);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/tenants/:id/children',
    {
      schema: {
        tags,
        summary: 'Ids of the tenants directly below',
        params: IdParams,
        querystring: ChildrenQuery,
        response: { 200: IdList, ...standardErrors },
      },
    },
    async (request) => ({
      items: await tenants.childIds(request.principal, request.params.id, {
        order: request.query.order,
        allowDeleted: request.query.allow_deleted,
      }),
    }),
  );
};
