import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Timestamp } from './schema.people.js';

// The tables of webhooks: endpoints, the event outbox and deliveries (migration 0007).

export interface WebhookTable {
  id: Generated<string>;
  tenant_id: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: Generated<boolean>;
  version: Generated<number>;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Timestamp | null;
  disabled_reason: string | null;
  failing_since: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface WebhookEventTable {
  id: Generated<string>;
  seq: ColumnType<string, never, never>;
  type: string;
  tenant_id: string;
  object_id: string;
  payload: ColumnType<unknown, string, never>;
  created_at: CreatedAt;
}

export interface WebhookDeliveryTable {
  id: Generated<string>;
  webhook_id: string;
  event_id: string;
  seq: ColumnType<string, string | number, never>;
  object_id: string;
  status: Generated<'pending' | 'succeeded' | 'failed'>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  last_attempt_at: Timestamp | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: CreatedAt;
}
