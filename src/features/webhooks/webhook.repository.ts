import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { WebhookTable } from '../../platform/db/schema.webhooks.js';
import { inScope, type Scope } from '../../platform/scope.js';

export type WebhookRow = Selectable<WebhookTable>;

export function findWebhook(db: Db, scope: Scope, id: string) {
  return db
    .selectFrom('webhooks as w')
    .selectAll('w')
    .where('w.id', '=', id)
    .where(inScope('w.tenant_id', scope))
    .executeTakeFirst();
}

export function findWebhooksOfTenant(db: Db, scope: Scope, tenantId: string) {
  return db
    .selectFrom('webhooks as w')
    .selectAll('w')
    .where('w.tenant_id', '=', tenantId)
    .where(inScope('w.tenant_id', scope))
    .orderBy('w.created_at')
    .orderBy('w.id')
    .execute();
}

export async function insertWebhook(db: Db, values: Insertable<WebhookTable>) {
  return (await db.insertInto('webhooks').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

/** Optimistic update: changes the row only at `version`; false when stale. */
export async function updateWebhook(
  db: Db,
  scope: Scope,
  id: string,
  version: number,
  patch: Updateable<WebhookTable>,
) {
  const result = await db
    .updateTable('webhooks as w')
    .set({ ...patch, version: sql`w.version + 1`, updated_at: new Date() })
    .where('w.id', '=', id)
    .where('w.version', '=', version)
    .where(inScope('w.tenant_id', scope))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteWebhook(db: Db, scope: Scope, id: string) {
  await db.deleteFrom('webhooks as w').where('w.id', '=', id).where(inScope('w.tenant_id', scope)).execute();
}

const deliveryColumns = [
  'd.id',
  'd.event_id',
  'e.type as event',
  'd.status',
  'd.attempts',
  'd.last_status_code',
  'd.last_error',
  'd.last_attempt_at',
  'd.next_attempt_at',
  'd.created_at',
] as const;

/** Deliveries of a webhook the caller has already read through its scope, newest first. */
export function findDeliveries(db: Db, webhookId: string, limit: number) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .select(deliveryColumns)
    .where('d.webhook_id', '=', webhookId)
    .orderBy('d.created_at', 'desc')
    .orderBy('e.seq', 'desc')
    .limit(limit)
    .execute();
}

export function findDelivery(db: Db, webhookId: string, deliveryId: string) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .select(deliveryColumns)
    .where('d.webhook_id', '=', webhookId)
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
}

/** Due again at once, its schedule started over; the webhook-id stays the same. */
export async function restartDelivery(db: Db, webhookId: string, deliveryId: string) {
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', attempts: 0, next_attempt_at: sql`now()` })
    .where('webhook_id', '=', webhookId)
    .where('id', '=', deliveryId)
    .execute();
}

/** The delivery of an event to one webhook (for the test event). */
export async function deliveryOfEvent(db: Db, webhookId: string) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .select(deliveryColumns)
    .where('d.webhook_id', '=', webhookId)
    .orderBy('e.seq', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
}
