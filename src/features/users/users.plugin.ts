import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  IdList,
  IdParams,
  ItemsOf,
  PagedItemsOf,
  standardErrors,
  VersionQuery,
} from '../../platform/http/common-schemas.js';
import { PutAccessPoliciesBody } from './access-policy.schemas.js';
import type { AccessPolicyService } from './access-policy.service.js';
import type { UserService } from './user.service.js';
import {
  AccessPolicy,
  CheckLoginQuery,
  CreateUserBody,
  ListUsersQuery,
  Me,
  TenantUsersQuery,
  UpdateUserBody,
  User,
  UserListItem,
} from './user.schemas.js';

export const usersPlugin: FastifyPluginAsyncTypebox<{ users: UserService; policies: AccessPolicyService }> = async (
  app,
  { users, policies },
) => {
  const tags = ['users'];

  app.get(
    '/users/me',
    {
      schema: {
        operationId: 'getCurrentUser',
        tags,
        summary: 'The signed-in user, with its tenant kind',
        response: { 200: Me, ...standardErrors },
      },
    },
    (request) => users.me(request.principal),
  );

  app.get(
    '/users/check_login',
    {
      schema: {
        operationId: 'checkLogin',
        tags,
        summary: '204 when the login is free, 409 when taken',
        querystring: CheckLoginQuery,
        response: { 204: Type.Null(), ...standardErrors },
      },
    },
    async (request, reply) => {
      await users.assertLoginFree(request.query.username);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/users',
    {
      schema: {
        tags,
        summary: 'List users by ids, tenant or subtree',
        querystring: ListUsersQuery,
        response: { 200: PagedItemsOf(UserListItem), ...standardErrors },
      },
    },
    (request) => users.list(request.principal, request.query),
  );

  // The established API answers 200 (not 201) here; clients depend on it.
  app.post(
    '/users',
    {
      schema: {
        tags,
        summary: 'Create a user (not yet activated)',
        body: CreateUserBody,
        response: { 200: User, ...standardErrors },
      },
    },
    (request) => users.create(request.principal, request.body),
  );

  app.get(
    '/users/:id',
    {
      schema: { tags, summary: 'Read a user', params: IdParams, response: { 200: User, ...standardErrors } },
    },
    (request) => users.get(request.principal, request.params.id),
  );

  app.put(
    '/users/:id',
    {
      schema: {
        tags,
        summary: 'Update a user (send the version you read)',
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: User, ...standardErrors },
      },
    },
    (request) => users.update(request.principal, request.params.id, request.body),
  );

  app.delete(
    '/users/:id',
    {
      schema: {
        tags,
        summary: 'Delete a user',
        params: IdParams,
        querystring: VersionQuery,
        response: { 204: Type.Null(), ...standardErrors },
      },
    },
    async (request, reply) => {
      await users.remove(request.principal, request.params.id, request.query.version);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/users/:id/access_policies',
    {
      schema: {
        tags,
        summary: "The user's roles",
        params: IdParams,
        response: { 200: ItemsOf(AccessPolicy), ...standardErrors },
      },
    },
    async (request) => ({ items: await policies.policies(request.principal, request.params.id) }),
  );

  app.put(
    '/users/:id/access_policies',
    {
      schema: {
        tags,
        summary: "Replace the user's roles",
        params: IdParams,
        body: PutAccessPoliciesBody,
        response: { 200: ItemsOf(AccessPolicy), ...standardErrors },
      },
    },
    async (request) => ({
      items: await policies.replacePolicies(request.principal, request.params.id, request.body.items),
    }),
  );

  app.get(
    '/tenants/:id/users',
    {
      schema: {
        tags: ['tenants', 'users'],
        summary: "Ids of the tenant's users",
        params: IdParams,
        querystring: TenantUsersQuery,
        response: { 200: IdList, ...standardErrors },
      },
    },
    async (request) => ({
      items: await users.idsOfTenant(
        request.principal,
        request.params.id,
        request.query.include_grand_children ?? false,
      ),
    }),
  );
};
