import { sql, type RawBuilder } from 'kysely';
import type { Db } from './db/database.js';
import { wakeOnCommit } from './db/unit-of-work.js';

// Events are written by every feature, inside the transaction of each change, like the audit
// trail: the outbox row exists exactly when the change does (a rollback leaves none, a commit
// loses none). Webhooks deliver them after commit (src/engine/webhook-queue.ts).

/**
 * Every event a webhook can subscribe to (each is written somewhere: add a type here only with
 * its recordEvent call); `<prefix>.*` patterns match those of a prefix, and later ones too.
 */
export const eventTypes = [
  'contact.created',
  'contact.updated',
  'contact.deleted',
  'contact.email_change_requested',
  'contact.email_confirmed',
  'contact.invalid',
  'contact.opted_out',
  'contact.attestation_confirmed',
  'contact.attestation_declined',
  'contact.attestation_stale',
  'user.created',
  'user.updated',
  'user.deleted',
  'tenant.created',
  'tenant.updated',
  'tenant.deleted',
  'announcement.done',
] as const;

type EventType = (typeof eventTypes)[number] | 'webhook.test';

export interface DomainEvent {
  type: EventType;
  /** The tenant the object belongs to: webhooks of it and of its ancestors receive the event. */
  tenantId: string;
  /** Default: data.id. */
  objectId?: string;
  /** The object as the API shows it. */
  data: object;
  /** For updates: the object before, from which the payload's `changed` (the fields that changed) is taken. */
  before?: object;
}

/** The fields of `after` whose values differ from `before` (bookkeeping fields left out). */
function changedFields(before: object, after: object): string[] {
  const was = before as Record<string, unknown>;
  return Object.entries(after)
    .filter(
      ([key, value]) => !['version', 'updated_at'].includes(key) && JSON.stringify(was[key]) !== JSON.stringify(value),
    )
    .map(([key]) => key);
}

/**
 * Writes the event to the outbox in the caller's transaction and fans it out there and then
 * (at write time, not in the dispatcher): one delivery per enabled webhook of the event's
 * tenant or an ancestor (tenant_closure) whose patterns match. A webhook made later never
 * receives earlier events, so an event no webhook wants is not stored at all (most changes, in
 * most tenants), and the dispatcher only ever reads deliveries. `to` sends the event to that
 * one webhook, whatever its patterns (a test event).
 */
export async function recordEvent(db: Db, event: DomainEvent, options: { to?: string } = {}) {
  const payload = {
    type: event.type,
    timestamp: new Date().toISOString(),
    data: { ...event.data, tenant_id: event.tenantId },
    ...(event.before ? { changed: changedFields(event.before, event.data) } : {}),
  };
  const objectId = event.objectId ?? String((event.data as { id?: unknown }).id);
  const pattern = `${event.type.split('.')[0]}.*`;
  const endpoints = options.to
    ? sql`SELECT w.id FROM webhooks w WHERE w.id = ${options.to}`
    : sql`SELECT w.id FROM webhooks w JOIN tenant_closure c ON c.ancestor_id = w.tenant_id
        WHERE c.descendant_id = ${event.tenantId} AND w.enabled
          AND (${event.type} = ANY (w.events) OR ${pattern} = ANY (w.events))`;
  const { rows } = await sql<{ fanned: number }>`
    WITH w AS (${endpoints}), e AS (
      INSERT INTO webhook_events (type, tenant_id, object_id, payload)
      SELECT ${event.type}::text, ${event.tenantId}::uuid, ${objectId}::text, ${JSON.stringify(payload)}::jsonb
      WHERE EXISTS (SELECT 1 FROM w)
      RETURNING id, seq
    ), d AS (
      INSERT INTO webhook_deliveries (webhook_id, event_id, seq, object_id)
      SELECT w.id, e.id, e.seq, ${objectId} FROM e, w
      RETURNING 1
    )
    SELECT count(*)::int AS fanned FROM d`.execute(db);
  if (rows[0].fanned > 0) wakeOnCommit(db, 'webhooks');
}

/**
 * recordEvent for every row of a change one statement makes to many objects, in that statement:
 * the common table expressions to put after the one named `source` (columns tenant_id uuid,
 * object_id text, data jsonb: the object as the API shows it), fanning out alike. The statement
 * may count `event_deliveries` (one row per delivery written) and pass it to wakeIfFanned.
 */
export function eventSteps(type: EventType, source: string): RawBuilder<unknown> {
  const pattern = `${type.split('.')[0]}.*`;
  const timestamp = new Date().toISOString();
  return sql`event_targets AS (
      SELECT s.tenant_id, s.object_id, s.data, w.id AS webhook_id
      FROM ${sql.table(source)} s JOIN tenant_closure c ON c.descendant_id = s.tenant_id
        JOIN webhooks w ON w.tenant_id = c.ancestor_id
      WHERE w.enabled AND (${type} = ANY (w.events) OR ${pattern} = ANY (w.events))),
    event_rows AS (
      INSERT INTO webhook_events (type, tenant_id, object_id, payload)
      SELECT DISTINCT ON (tenant_id, object_id) ${type}::text, tenant_id, object_id,
        jsonb_build_object('type', ${type}::text, 'timestamp', ${timestamp}::text,
          'data', data || jsonb_build_object('tenant_id', tenant_id))
      FROM event_targets
      RETURNING id, seq, tenant_id, object_id),
    event_deliveries AS (
      INSERT INTO webhook_deliveries (webhook_id, event_id, seq, object_id)
      SELECT t.webhook_id, e.id, e.seq, e.object_id FROM event_rows e JOIN event_targets t USING (tenant_id, object_id)
      RETURNING 1)`;
}

/** After a statement with eventSteps: wakes the dispatcher once the transaction commits, when it wrote deliveries. */
export function wakeIfFanned(db: Db, fanned: number) {
  if (fanned > 0) wakeOnCommit(db, 'webhooks');
}
