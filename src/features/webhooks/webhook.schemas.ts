import { Type, type Static } from '@sinclair/typebox';
import { NullableTimestamp, Nullable, Timestamp, Uuid, Version } from '../../platform/http/common-schemas.js';

const Url = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: 'https (http only where private targets are allowed)',
});
const Events = Type.Array(Type.String({ maxLength: 100, pattern: '^[a-z_]+\\.([a-z_]+|\\*)$' }), {
  minItems: 1,
  maxItems: 50,
  description: 'Event types (contact.created) or all of a kind (contact.*)',
});
const Description = Nullable(Type.String({ maxLength: 500 }));

export const CreateWebhookBody = Type.Object(
  {
    tenant_id: Uuid,
    url: Url,
    events: Events,
    description: Type.Optional(Description),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const UpdateWebhookBody = Type.Object(
  {
    version: Version,
    url: Type.Optional(Url),
    events: Type.Optional(Events),
    description: Type.Optional(Description),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** The body of an action (rotate, test, redeliver): none, or an empty object. */
export const ActionBody = Type.Object({}, { additionalProperties: false });

export const WebhookParams = Type.Object({ id: Uuid });
export const DeliveryParams = Type.Object({ id: Uuid, delivery_id: Uuid });
export const ListWebhooksQuery = Type.Object({ tenant_id: Uuid }, { additionalProperties: false });
export const DeleteWebhookQuery = Type.Object({ version: Type.Optional(Version) }, { additionalProperties: false });
export const ListDeliveriesQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) },
  { additionalProperties: false },
);

export const Webhook = Type.Object({
  id: Uuid,
  tenant_id: Uuid,
  url: Type.String(),
  events: Type.Array(Type.String()),
  description: Type.Union([Type.String(), Type.Null()]),
  enabled: Type.Boolean(),
  version: Type.Integer(),
  /** Why Liaison turned it off: gone (the endpoint answered 410) or failing (for 5 days). */
  disabled_reason: Type.Union([Type.String(), Type.Null()]),
  failing_since: NullableTimestamp,
  /** Until when the secret before the last rotation still signs beside the current one. */
  previous_secret_expires_at: NullableTimestamp,
  created_at: Timestamp,
  updated_at: Timestamp,
});

/** The answer of create and rotate-secret: the only times the secret is shown. */
export const WebhookWithSecret = Type.Object({ ...Webhook.properties, secret: Type.String() });

export const WebhookDelivery = Type.Object({
  id: Uuid,
  /** The webhook-id header: the same on every attempt. */
  message_id: Type.String(),
  event: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  last_status_code: Type.Union([Type.Integer(), Type.Null()]),
  last_error: Type.Union([Type.String(), Type.Null()]),
  last_attempt_at: NullableTimestamp,
  next_attempt_at: NullableTimestamp,
  created_at: Timestamp,
});

export type CreateWebhookInput = Static<typeof CreateWebhookBody>;
export type UpdateWebhookInput = Static<typeof UpdateWebhookBody>;
export type WebhookAnswer = Static<typeof Webhook>;
export type DeliveryAnswer = Static<typeof WebhookDelivery>;
