import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { AuditActor, AuditEntry } from './audit-trail.js';
import type { Db } from './db/database.js';
import type { DomainEvent } from './events.js';
import { wakeOnCommit } from './db/unit-of-work.js';

// The audit trail and the outbox of a bulk write (an import's chunk): the rows recordAudit and
// recordEvent write one statement each, written for many changes in one statement each.

/** recordAudit for many entries at once (sent as one JSON document: no statement of thousands of parameters). */
export async function recordAudits(db: Db, actor: AuditActor, entries: AuditEntry[]) {
  if (entries.length === 0) return;
  const rows = entries.map((entry) => ({
    tenant_id: entry.tenantId,
    object_type: entry.objectType,
    object_id: entry.objectId,
    action: entry.action,
    actor_type: actor.type,
    actor_id: actor.id,
    before: entry.before ?? null,
    after: entry.after ?? null,
  }));
  await sql`INSERT INTO audit_events (tenant_id, object_type, object_id, action, actor_type, actor_id, before, after)
    SELECT tenant_id, object_type, object_id, action, actor_type, actor_id, before, after
    FROM jsonb_populate_recordset(NULL::audit_events, ${JSON.stringify(rows)}::jsonb)`.execute(db);
}

/** The fields of `after` whose values differ from `before` (as recordEvent's payload says them). */
function changedFields(before: object, after: object): string[] {
  const was = before as Record<string, unknown>;
  return Object.entries(after)
    .filter(
      ([key, value]) => !['version', 'updated_at'].includes(key) && JSON.stringify(was[key]) !== JSON.stringify(value),
    )
    .map(([key]) => key);
}

/**
 * recordEvent for many events at once: each stored with the payload recordEvent gives it, only
 * when a webhook of its tenant or an ancestor wants it, and fanned out to those webhooks.
 */
export async function recordEvents(db: Db, all: DomainEvent[]) {
  if (all.length === 0) return;
  // Most tenants have no webhook above them: their events are not built at all.
  const { rows: watched } = await sql<{ tenant_id: string }>`
    SELECT DISTINCT c.descendant_id AS tenant_id FROM tenant_closure c JOIN webhooks w ON w.tenant_id = c.ancestor_id
    WHERE w.enabled AND c.descendant_id = ANY (${[...new Set(all.map((e) => e.tenantId))]}::uuid[])`.execute(db);
  const wanted = new Set(watched.map((w) => w.tenant_id));
  const events = all.filter((event) => wanted.has(event.tenantId));
  if (events.length === 0) return;
  const timestamp = new Date().toISOString();
  const rows = events.map((event, ord) => ({
    id: randomUUID(),
    ord,
    type: event.type,
    tenant_id: event.tenantId,
    object_id: event.objectId ?? String((event.data as { id?: unknown }).id),
    payload: {
      type: event.type,
      timestamp,
      data: { ...event.data, tenant_id: event.tenantId },
      ...(event.before ? { changed: changedFields(event.before, event.data) } : {}),
    },
  }));
  const { rows: fanned } = await sql<{ fanned: number }>`
    WITH s AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS s(id uuid, ord int, type text, tenant_id uuid, object_id text, payload jsonb)
    ), w AS (
      SELECT s.id AS event_id, w.id FROM s JOIN tenant_closure c ON c.descendant_id = s.tenant_id
        JOIN webhooks w ON w.tenant_id = c.ancestor_id
      WHERE w.enabled AND (s.type = ANY (w.events) OR split_part(s.type, '.', 1) || '.*' = ANY (w.events))
    ), e AS (
      INSERT INTO webhook_events (id, type, tenant_id, object_id, payload)
      SELECT s.id, s.type, s.tenant_id, s.object_id, s.payload FROM s
      WHERE s.id IN (SELECT event_id FROM w) ORDER BY s.ord
      RETURNING id, seq, object_id
    ), d AS (
      INSERT INTO webhook_deliveries (webhook_id, event_id, seq, object_id)
      SELECT w.id, e.id, e.seq, e.object_id FROM e JOIN w ON w.event_id = e.id
      RETURNING 1
    )
    SELECT count(*)::int AS fanned FROM d`.execute(db);
  if (fanned[0].fanned > 0) wakeOnCommit(db, 'webhooks');
}
