import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ItemsOf, standardErrors } from '../../platform/http/common-schemas.js';
import type { WebhookService } from './webhook.service.js';
import {
  ActionBody,
  CreateWebhookBody,
  DeleteWebhookQuery,
  DeliveryParams,
  ListDeliveriesQuery,
  ListWebhooksQuery,
  UpdateWebhookBody,
  Webhook,
  WebhookDelivery,
  WebhookParams,
  WebhookWithSecret,
} from './webhook.schemas.js';

export const webhooksPlugin: FastifyPluginAsyncTypebox<{ webhooks: WebhookService }> = async (app, { webhooks }) => {
  const tags = ['webhooks'];

  app.post(
    '/webhooks',
    {
      schema: {
        tags,
        summary: "Create a webhook for a tenant's subtree; the signing secret is shown only in this answer",
        body: CreateWebhookBody,
        response: { 201: WebhookWithSecret, ...standardErrors },
      },
    },
    async (request, reply) => reply.status(201).send(await webhooks.create(request.principal, request.body)),
  );

  app.get(
    '/webhooks',
    {
      schema: {
        tags,
        summary: 'List the webhooks of a tenant',
        querystring: ListWebhooksQuery,
        response: { 200: ItemsOf(Webhook), ...standardErrors },
      },
    },
    async (request) => ({ items: await webhooks.list(request.principal, request.query.tenant_id) }),
  );

  app.get(
    '/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Read a webhook (never its secret)',
        params: WebhookParams,
        response: { 200: Webhook, ...standardErrors },
      },
    },
    (request) => webhooks.get(request.principal, request.params.id),
  );

  app.put(
    '/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Change a webhook (send the version you read); enabling it again clears its failures',
        params: WebhookParams,
        body: UpdateWebhookBody,
        response: { 200: Webhook, ...standardErrors },
      },
    },
    (request) => webhooks.update(request.principal, request.params.id, request.body),
  );

  app.delete(
    '/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Delete a webhook and its deliveries',
        params: WebhookParams,
        querystring: DeleteWebhookQuery,
        response: { 204: Type.Null(), ...standardErrors },
      },
    },
    async (request, reply) => {
      await webhooks.remove(request.principal, request.params.id, request.query.version);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/webhooks/:id/rotate-secret',
    {
      schema: {
        tags,
        operationId: 'rotateWebhookSecret',
        summary: 'A new signing secret, shown once; the old one keeps signing beside it for 24 hours',
        params: WebhookParams,
        body: ActionBody,
        response: { 200: WebhookWithSecret, ...standardErrors },
      },
    },
    (request) => webhooks.rotateSecret(request.principal, request.params.id),
  );

  app.post(
    '/webhooks/:id/test',
    {
      schema: {
        tags,
        operationId: 'testWebhook',
        summary: 'Send a webhook.test event to this webhook',
        params: WebhookParams,
        body: ActionBody,
        response: { 202: WebhookDelivery, ...standardErrors },
      },
    },
    async (request, reply) => reply.status(202).send(await webhooks.sendTest(request.principal, request.params.id)),
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        summary: "A webhook's recent deliveries, newest first: event, attempts, last status code, next attempt",
        params: WebhookParams,
        querystring: ListDeliveriesQuery,
        response: { 200: ItemsOf(WebhookDelivery), ...standardErrors },
      },
    },
    async (request) => ({
      items: await webhooks.deliveries(request.principal, request.params.id, request.query.limit ?? 50),
    }),
  );

  app.post(
    '/webhooks/:id/deliveries/:delivery_id/redeliver',
    {
      schema: {
        tags,
        operationId: 'redeliverWebhookDelivery',
        summary: 'Send a delivery again now, with the same webhook-id, its retry schedule started over',
        params: DeliveryParams,
        body: ActionBody,
        response: { 202: WebhookDelivery, ...standardErrors },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(await webhooks.redeliver(request.principal, request.params.id, request.params.delivery_id)),
  );
};
