import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../platform/db/database.js';
import type { QueueState } from '../platform/metrics.js';

/**
 * The send queues' depth and lateness, for metrics: one statement per queue over its partial
 * index of pending rows (the index the claims read), so a scrape costs no more than a claim.
 * The webhook queue is the backlog of enabled endpoints (a disabled one's deliveries wait for
 * it to be enabled again, no worker's work until then).
 */
export async function queueStates(db: Db): Promise<QueueState[]> {
  const read = (queue: string, from: RawBuilder<unknown>) =>
    sql<{ depth: number; age: number | null }>`
      SELECT count(*) AS depth,
        extract(epoch FROM now() - min(next_attempt_at) FILTER (WHERE next_attempt_at <= now()))::float8 AS age
      FROM ${from} WHERE status = 'pending'`
      .execute(db)
      .then(({ rows: [row] }) => ({ queue, depth: row.depth, oldestAgeSeconds: Math.max(0, row.age ?? 0) }));
  // One after the other: the embedded database has a single connection anyway.
  return [
    await read('delivery', sql`deliveries`),
    await read('mail', sql`mail_outbox`),
    await read('webhook', sql`webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id AND w.enabled`),
  ];
}
