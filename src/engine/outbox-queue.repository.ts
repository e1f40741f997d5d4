import { sql } from 'kysely';
import type { Db } from '../platform/db/database.js';
import { outcomeColumns, type Recorded } from './delivery-engine.js';

/**
 * Claims due messages for one worker: the row lock (SKIP LOCKED) keeps workers apart, and
 * pushing next_attempt_at forward is the lease: a worker that dies mid-send leaves the
 * message due again once the lease runs out.
 */
export function claimDueMail(db: Db, options: { limit: number; leaseSeconds: number }) {
  return db
    .updateTable('mail_outbox')
    .set({ attempts: sql`attempts + 1`, next_attempt_at: sql`now() + make_interval(secs => ${options.leaseSeconds})` })
    .where(
      'id',
      'in',
      db
        .selectFrom('mail_outbox')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', sql<Date>`now()`)
        .orderBy('next_attempt_at')
        .limit(options.limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
}

/**
 * The outcomes of a batch in one statement, each recorded only by the claim that sent it
 * (same attempt, still pending): a worker whose lease ran out cannot overwrite a later one.
 */
export async function recordMail(
  db: Db,
  outcomes: Recorded<{ id: string; attempts: number }>[],
  transport: 'smtp' | 'mailbox',
) {
  const o = outcomeColumns(outcomes);
  await sql`UPDATE mail_outbox m SET status = o.status, last_error = o.error,
      next_attempt_at = coalesce(o.retry_at, m.next_attempt_at),
      sent_at = CASE WHEN o.status = 'sent' THEN now() END,
      transport = CASE WHEN o.status = 'sent' THEN ${transport} ELSE m.transport END
    FROM unnest(${o.ids}::uuid[], ${o.attempts}::int[], ${o.statuses}::text[], ${o.errors}::text[], ${o.retryAts}::timestamptz[])
      AS o(id, attempts, status, error, retry_at)
    WHERE m.id = o.id AND m.attempts = o.attempts AND m.status = 'pending'`.execute(db);
}
