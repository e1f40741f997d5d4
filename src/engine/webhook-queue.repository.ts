import { sql } from 'kysely';
import type { Db } from '../platform/db/database.js';

export interface ClaimedWebhookDelivery {
  id: string;
  webhook_id: string;
  tenant_id: string;
  event_id: string;
  attempts: number;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  body: string;
}

/**
 * Claims due deliveries of enabled webhooks (FOR UPDATE SKIP LOCKED keeps workers apart; pushing
 * next_attempt_at forward is the lease, so a crashed worker's claims come due again). A delivery
 * waits while an earlier event of the same object to the same webhook is still pending: each
 * receiver sees an object's events in order.
 */
export async function claimDueWebhookDeliveries(db: Db, options: { limit: number; leaseSeconds: number }) {
  const { rows } = await sql<ClaimedWebhookDelivery>`
    WITH due AS (
      SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id AND w.enabled
      WHERE d.status = 'pending' AND d.next_attempt_at <= now()
        AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.webhook_id = d.webhook_id
          AND p.object_id = d.object_id AND p.status = 'pending' AND p.seq < d.seq)
      ORDER BY d.next_attempt_at LIMIT ${options.limit}
      FOR UPDATE OF d SKIP LOCKED
    ), claimed AS (
      UPDATE webhook_deliveries d SET attempts = d.attempts + 1, last_attempt_at = now(),
        next_attempt_at = now() + make_interval(secs => ${options.leaseSeconds})
      FROM due WHERE d.id = due.id
      RETURNING d.id, d.webhook_id, d.event_id, d.attempts
    )
    SELECT c.id, c.webhook_id, w.tenant_id, c.event_id, c.attempts, w.url, w.secret, w.previous_secret,
      w.previous_secret_expires_at, e.payload::text AS body
    FROM claimed c JOIN webhooks w ON w.id = c.webhook_id JOIN webhook_events e ON e.id = c.event_id`.execute(db);
  return rows;
}

export interface WebhookOutcome {
  item: ClaimedWebhookDelivery;
  status: 'succeeded' | 'pending' | 'failed';
  code: number | null;
  error: string | null;
  retryAt: Date | null;
}

/**
 * A batch's outcomes in one statement, each recorded only by the claim that sent it (same
 * attempt, still pending), then the endpoints' health: a success clears failing_since, a
 * failure starts it, a 410 disables the endpoint, and so does failing since `disableBefore`.
 * Answers the endpoints disabled for failing, to tell their tenants.
 */
export async function recordWebhookOutcomes(db: Db, outcomes: WebhookOutcome[], disableBefore: Date) {
  if (outcomes.length === 0) return [];
  const column = <T>(pick: (o: WebhookOutcome) => T) => outcomes.map(pick);
  await sql`UPDATE webhook_deliveries d SET status = o.status, last_status_code = o.code, last_error = o.error,
      next_attempt_at = coalesce(o.retry_at, d.next_attempt_at)
    FROM unnest(${column((o) => o.item.id)}::uuid[], ${column((o) => o.item.attempts)}::int[],
      ${column((o) => o.status)}::text[], ${column((o) => o.code)}::int[], ${column((o) => o.error)}::text[],
      ${column((o) => o.retryAt?.toISOString() ?? null)}::timestamptz[]) AS o(id, attempts, status, code, error, retry_at)
    WHERE d.id = o.id AND d.attempts = o.attempts AND d.status = 'pending'`.execute(db);
  const endpoints = (keep: (o: WebhookOutcome) => boolean) => [
    ...new Set(outcomes.filter(keep).map((o) => o.item.webhook_id)),
  ];
  const gone = endpoints((o) => o.code === 410);
  const failing = endpoints((o) => o.status !== 'succeeded' && o.code !== 410);
  const fine = endpoints((o) => o.status === 'succeeded');
  const disable = sql`enabled = false, version = version + 1, updated_at = now()`;
  if (gone.length) {
    await sql`UPDATE webhooks SET ${disable}, disabled_reason = 'gone' WHERE id = ANY (${gone}::uuid[]) AND enabled`.execute(
      db,
    );
  }
  if (fine.length) {
    await sql`UPDATE webhooks SET failing_since = NULL WHERE id = ANY (${fine}::uuid[]) AND failing_since IS NOT NULL`.execute(
      db,
    );
  }
  if (failing.length === 0) return [];
  const { rows } = await sql<{ id: string; tenant_id: string; url: string; enabled: boolean }>`
    UPDATE webhooks SET failing_since = coalesce(failing_since, now()),
      enabled = CASE WHEN failing_since <= ${disableBefore.toISOString()}::timestamptz THEN false ELSE enabled END,
      disabled_reason = CASE WHEN failing_since <= ${disableBefore.toISOString()}::timestamptz THEN 'failing' ELSE disabled_reason END,
      version = CASE WHEN failing_since <= ${disableBefore.toISOString()}::timestamptz THEN version + 1 ELSE version END
    WHERE id = ANY (${failing}::uuid[]) AND enabled
    RETURNING id, tenant_id, url, enabled`.execute(db);
  return rows.filter((row) => !row.enabled);
}

/**
 * Forgets settled history: events older than `before` with no delivery still pending, their
 * deliveries with them (ON DELETE CASCADE). Oldest first along seq, at most `limit` a call, so
 * one call stays short however large the outbox. Answers how many events went.
 */
export async function pruneWebhookHistory(db: Db, before: Date, limit: number) {
  const result = await sql`DELETE FROM webhook_events e WHERE e.seq IN (
      SELECT o.seq FROM webhook_events o WHERE o.created_at < ${before.toISOString()}::timestamptz
        AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = o.id AND d.status = 'pending')
      ORDER BY o.seq LIMIT ${limit})`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
