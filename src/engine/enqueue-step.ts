import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../platform/db/database.js';
import { enqueueChunk, finishOptOuts } from '../features/announcements/announcement.enqueue.js';
import { backoffMs } from './delivery-rules.js';
import * as repo from './enqueue.repository.js';

export interface EnqueueOptions {
  log: FastifyBaseLogger;
  /** Tenants resolved per enqueue transaction. */
  chunkSize: number;
  retryBaseMs: number;
}

/**
 * Turns announcements into deliveries, one chunk of tenants per transaction under the
 * announcement's row lock, so a crash leaves it resumable from its cursor and concurrent
 * enqueuers take chunks one at a time.
 */
export class EnqueueStep {
  /** Announcements whose last enqueue step failed here, and when to try them again. */
  private readonly failures = new Map<string, { failures: number; retryAt: number }>();

  constructor(
    private readonly db: Db,
    private readonly options: EnqueueOptions,
  ) {}

  /**
   * Resolves the next chunk of one announcement still being enqueued. A chunk that fails
   * rolls back whole (the cursor stays); this process then leaves that announcement aside
   * for the engine's backoff, so one that keeps failing does not block those behind it.
   */
  async run(): Promise<number> {
    const now = Date.now();
    const resting = [...this.failures].filter(([, f]) => f.retryAt > now).map(([id]) => id);
    let current: string | undefined;
    // In a statement of its own: a long chunk transaction must not hold the scheduled rows' locks.
    const started = await repo.startDue(this.db);
    if (started) this.options.log.info({ started }, 'scheduled announcements started');
    try {
      const done = await this.db.transaction().execute(async (trx) => {
        const announcement = await repo.lockEnqueuing(trx, resting);
        if (!announcement) return 0;
        current = announcement.id;
        const { id, scope_tenant_id: scopeId, enqueue_after: after } = announcement;
        const end = await repo.nextChunkEnd(trx, scopeId, after, this.options.chunkSize);
        if (!end) {
          await finishOptOuts(trx, id);
          await repo.finishEnqueue(trx, id);
          this.options.log.info({ announcement_id: id }, 'announcement enqueued');
          return 1;
        }
        const skipped = await enqueueChunk(trx, announcement, repo.chunkTenants(scopeId, after, end));
        await repo.advanceEnqueue(trx, id, end, skipped);
        return 1;
      });
      if (current) this.failures.delete(current);
      return done;
    } catch (error) {
      if (current) {
        const failures = (this.failures.get(current)?.failures ?? 0) + 1;
        this.failures.set(current, { failures, retryAt: Date.now() + backoffMs(failures, this.options.retryBaseMs) });
      }
      throw error;
    }
  }
}
