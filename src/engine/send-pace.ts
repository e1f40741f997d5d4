import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.js';

/**
 * The whole deployment's send rate (LIAISON_MAIL_RATE_PER_SECOND), shared by every worker of
 * every process through the one row of send_pace. Before sending a batch, a worker reserves as
 * many slots as it has messages in one statement, which moves next_at past them; reservations
 * never overlap, so all workers together stay at the rate. The database's clock places the slots;
 * the worker waits by its own clock for the time the database says is left, so clocks that
 * disagree between hosts do not matter.
 */
export class SendPace {
  private readonly intervalMs: number;

  constructor(
    private readonly db: Db,
    private readonly perSecond: number,
  ) {
    this.intervalMs = 1000 / perSecond;
  }

  /** The most to claim per batch: about a second of sending, so claims are not held long ahead of their slots. */
  get batchLimit(): number {
    return Math.max(1, Math.ceil(this.perSecond));
  }

  /** Reserves the next `count` slots; answers the local time at which each message may go, in order. */
  async reserve(count: number): Promise<number[]> {
    const { rows } = await sql<{ ends_in_ms: number }>`
      UPDATE send_pace SET next_at = greatest(next_at, clock_timestamp()) + ${count}::int * interval '1 second' / ${this.perSecond}::float8
      WHERE id = 1
      RETURNING (extract(epoch FROM next_at - clock_timestamp()) * 1000)::float8 AS ends_in_ms`.execute(this.db);
    const starts = Date.now() + rows[0].ends_in_ms - count * this.intervalMs;
    return Array.from({ length: count }, (_, i) => starts + i * this.intervalMs);
  }
}

/** Waits until the local time `at` (at once when it has passed). */
export async function waitUntil(at: number | undefined) {
  const wait = at === undefined ? 0 : at - Date.now();
  if (wait > 0) await sleep(wait);
}
