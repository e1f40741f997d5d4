import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { standardErrors } from '../../platform/http/common-schemas.js';
import type { ClientService } from './client.service.js';
import { Client, ClientParams, CreateClientBody, CreatedClient, UpdateClientBody } from './client.schemas.js';

export const clientsPlugin: FastifyPluginAsyncTypebox<{ clients: ClientService }> = async (app, { clients }) => {
  const tags = ['clients'];

  app.post(
    '/clients',
    {
      schema: {
        tags,
        summary: 'Create an API client; the secret is shown only in this answer',
        body: CreateClientBody,
        response: { 201: CreatedClient, ...standardErrors },
      },
    },
    async (request, reply) => reply.status(201).send(await clients.create(request.principal, request.body)),
  );

  app.get(
    '/clients/:id',
    {
      schema: {
        tags,
        summary: 'Read an API client (never its secret)',
        params: ClientParams,
        response: { 200: Client, ...standardErrors },
      },
    },
    (request) => clients.get(request.principal, request.params.id),
  );

  app.put(
    '/clients/:id',
    {
      schema: {
        tags,
        summary: 'Rename, enable or disable an API client',
        params: ClientParams,
        body: UpdateClientBody,
        response: { 200: Client, ...standardErrors },
      },
    },
    (request) => clients.update(request.principal, request.params.id, request.body),
  );

  app.delete(
    '/clients/:id',
    {
      schema: {
        tags,
        summary: 'Delete an API client and revoke its tokens',
        params: ClientParams,
        response: { 204: Type.Null(), ...standardErrors },
      },
    },
    async (request, reply) => {
      await clients.remove(request.principal, request.params.id);
      return reply.status(204).send(null);
    },
  );
};
