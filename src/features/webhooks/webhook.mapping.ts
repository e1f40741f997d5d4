import { invalidField } from '../../platform/errors.js';
import { eventTypes } from '../../platform/events.js';
import type * as repo from './webhook.repository.js';
import type { DeliveryAnswer, WebhookAnswer } from './webhook.schemas.js';

// A webhook and its deliveries as the API shows them (never the secret), and the events a webhook may name.

const known = new Set<string>([...eventTypes, ...eventTypes.map((type) => `${type.split('.')[0]}.*`)]);

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export function toWebhook(row: repo.WebhookRow): WebhookAnswer {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    url: row.url,
    events: row.events,
    description: row.description,
    enabled: row.enabled,
    version: row.version,
    disabled_reason: row.disabled_reason,
    failing_since: iso(row.failing_since),
    previous_secret_expires_at: iso(row.previous_secret_expires_at),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export function toDelivery(row: Awaited<ReturnType<typeof repo.findDelivery>> & {}): DeliveryAnswer {
  return {
    id: row.id,
    message_id: `msg_${row.event_id.replaceAll('-', '')}`,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    last_status_code: row.last_status_code,
    last_error: row.last_error,
    last_attempt_at: iso(row.last_attempt_at),
    next_attempt_at: row.status === 'pending' ? row.next_attempt_at.toISOString() : null,
    created_at: row.created_at.toISOString(),
  };
}

/** The events named, each known (an event type, or `<prefix>.*`), without repeats. */
export function checkEvents(events: string[]) {
  const unknown = events.find((event) => !known.has(event));
  if (unknown) throw invalidField('events', `unknown event ${unknown}; known: ${[...known].join(', ')}`);
  return [...new Set(events)];
}
