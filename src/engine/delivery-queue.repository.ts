import { sql } from 'kysely';
import type { Db } from '../platform/db/database.js';
import { recordEvent } from '../platform/events.js';
import { invalidateBouncedContacts } from '../features/bounces/bounced-contacts.js';
import { outcomeColumns, type Recorded } from './delivery-engine.js';

export interface ClaimedDelivery {
  id: number;
  announcement_id: string;
  address: string;
  language: string;
  contact_ids: string[];
  attempts: number;
  /** The names of the tenants it is sent for (a tenant deleted since: its id). */
  tenant_names: string[];
}

/** Claims due deliveries of announcements that are fully enqueued; the lease is next_attempt_at. */
export function claimDeliveries(db: Db, options: { limit: number; leaseSeconds: number }) {
  return sql<ClaimedDelivery>`
    UPDATE deliveries d SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => ${options.leaseSeconds})
    WHERE d.id IN (
      SELECT q.id FROM deliveries q JOIN announcements a ON a.id = q.announcement_id
      WHERE q.status = 'pending' AND q.next_attempt_at <= now() AND a.status IN ('queued', 'sending')
      ORDER BY q.next_attempt_at LIMIT ${options.limit}
      FOR UPDATE OF q SKIP LOCKED)
    RETURNING d.id, d.announcement_id, d.address, d.language, d.contact_ids, d.attempts,
      ARRAY(SELECT coalesce(t.name, x.id::text) FROM unnest(d.tenant_ids) x(id) LEFT JOIN tenants t ON t.id = x.id) AS tenant_names`
    .execute(db)
    .then((r) => r.rows);
}

export async function markAnnouncementsSending(db: Db, ids: string[]) {
  if (ids.length)
    await db
      .updateTable('announcements')
      .set({ status: 'sending' })
      .where('id', 'in', ids)
      .where('status', '=', 'queued')
      .execute();
}

/**
 * The outcomes of a batch in one statement, each recorded only by the claim that sent it
 * (same attempt, still pending): a worker whose lease ran out mid-send cannot overwrite what
 * another recorded since. A permanent failure turns invalid the contacts behind the address
 * (the bounce rule, shared with the reports that come back later).
 */
export async function recordDeliveries(db: Db, outcomes: Recorded<{ id: number; attempts: number }>[]) {
  const o = outcomeColumns(outcomes);
  await invalidateBouncedContacts(
    sql`recorded AS (
      UPDATE deliveries d SET status = o.status, last_error = o.error,
        next_attempt_at = coalesce(o.retry_at, d.next_attempt_at),
        sent_at = CASE WHEN o.status = 'sent' THEN now() END
      FROM unnest(${o.ids}::bigint[], ${o.attempts}::int[], ${o.statuses}::text[], ${o.errors}::text[], ${o.retryAts}::timestamptz[], ${o.permanent}::boolean[])
        AS o(id, attempts, status, error, retry_at, permanent)
      WHERE d.id = o.id AND d.attempts = o.attempts AND d.status = 'pending'
      RETURNING d.id, d.email, d.contact_ids, o.permanent, o.error)`,
    // The SMTP answer's enhanced status code (RFC 3463), when it gave one, e.g. 550 5.1.1.
    sql`(SELECT id AS delivery_id, email, contact_ids, substring(error from '[245]\\.[0-9]{1,3}\\.[0-9]{1,3}') AS status,
      error AS diagnostic FROM recorded WHERE permanent)`,
  ).execute(db);
}

/**
 * Announcements with nothing left to send are done (all open ones when no ids are given), each
 * (test messages aside) with its announcement.done event for webhooks, in the same transaction.
 */
export async function completeAnnouncements(db: Db, ids?: string[]) {
  if (ids?.length === 0) return;
  await db.transaction().execute(async (trx) => {
    const { rows } = await sql<Record<string, unknown> & { id: string; scope_tenant_id: string; test: boolean }>`
      UPDATE announcements a SET status = 'done', completed_at = now()
      WHERE a.status IN ('queued', 'sending')
        ${ids ? sql`AND a.id IN (${sql.join(ids.map((id) => sql`${id}::uuid`))})` : sql``}
        AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.announcement_id = a.id AND d.status = 'pending')
      RETURNING a.id, a.scope_tenant_id, a.category, a.mandatory, a.recipients, a.status, a.created_at, a.completed_at,
        a.test`.execute(trx);
    for (const { test, ...data } of rows) {
      if (!test) await recordEvent(trx, { type: 'announcement.done', tenantId: data.scope_tenant_id, data });
    }
  });
}

/**
 * Fresh statistics of the deliveries table. Right after a large announcement is enqueued, the
 * planner may still believe few deliveries are pending and claim by sorting every pending row of
 * the announcement (hundreds of milliseconds per claim at 500,000) instead of reading the due
 * index in order (under a millisecond). Autovacuum gets there too, but minutes later.
 */
export async function analyzeDeliveries(db: Db) {
  await sql`ANALYZE deliveries`.execute(db);
}

export function findAnnouncementContent(db: Db, id: string) {
  return db
    .selectFrom('announcements')
    .select(['category', 'subject', 'body', 'test', 'mandatory', 'recipients'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}
