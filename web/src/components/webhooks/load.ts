import { api, ok } from '../../api/client';

export const listWebhooks = (tenantId: string) =>
  ok(api.GET('/api/2/webhooks', { params: { query: { tenant_id: tenantId } } })).then((page) => page.items);
export type Webhook = Awaited<ReturnType<typeof listWebhooks>>[number];

export const getWebhook = (id: string) => ok(api.GET('/api/2/webhooks/{id}', { params: { path: { id } } }));

export const listDeliveries = (id: string, limit = 20) =>
  ok(api.GET('/api/2/webhooks/{id}/deliveries', { params: { path: { id }, query: { limit } } })).then(
    (page) => page.items,
  );
export type Delivery = Awaited<ReturnType<typeof listDeliveries>>[number];

export interface WebhookInput {
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
}

export const createWebhook = (tenantId: string, input: WebhookInput) =>
  ok(api.POST('/api/2/webhooks', { body: { tenant_id: tenantId, ...input } }));

export const updateWebhook = (hook: Webhook, input: Partial<WebhookInput>) =>
  ok(api.PUT('/api/2/webhooks/{id}', { params: { path: { id: hook.id } }, body: { version: hook.version, ...input } }));

export const deleteWebhook = (hook: Webhook) =>
  ok(api.DELETE('/api/2/webhooks/{id}', { params: { path: { id: hook.id }, query: { version: hook.version } } }));

export const rotateSecret = (hook: Webhook) =>
  ok(api.POST('/api/2/webhooks/{id}/rotate-secret', { params: { path: { id: hook.id } }, body: {} }));

export const sendTest = (hook: Webhook) =>
  ok(api.POST('/api/2/webhooks/{id}/test', { params: { path: { id: hook.id } }, body: {} }));

export const redeliver = (hook: Webhook, delivery: Delivery) =>
  ok(
    api.POST('/api/2/webhooks/{id}/deliveries/{delivery_id}/redeliver', {
      params: { path: { id: hook.id, delivery_id: delivery.id } },
      body: {},
    }),
  );

/** What a delivery's badge says: delivered, failed, retrying (an attempt failed, another is due) or waiting. */
export type DeliveryState = 'delivered' | 'failed' | 'retrying' | 'waiting';
export const stateOf = (d: Delivery): DeliveryState =>
  d.status === 'succeeded' ? 'delivered' : d.status === 'failed' ? 'failed' : d.attempts > 0 ? 'retrying' : 'waiting';
