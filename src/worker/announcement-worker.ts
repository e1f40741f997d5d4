import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.js';
import { smtpTransport, type MailTransport } from '../platform/mail/transport.js';
import { afterFailure } from './retry-policy.js';
import { mailboxTransport } from '../platform/mail/mailbox-transport.js';
import type { Config } from '../platform/config.js';
import * as repo from '../features/announcements/announcement.repository.js';
import { insertDeliveries } from '../features/announcements/recipients.repository.js';
import { prepareNotice, type PreparedNotice } from '../features/announcements/notice.mails.js';
import { BatchLoop } from './batch-loop.js';

export interface AnnouncementWorkerOptions {
  transport: MailTransport;
  log: FastifyBaseLogger;
  pollMs: number;
  /** Tenants resolved per enqueue transaction. */
  chunkSize: number;
  /** Deliveries claimed (and sent concurrently) per pass. */
  batchSize: number;
  maxAttempts: number;
  retryBaseMs: number;
  leaseSeconds: number;
  messageIdDomain: string;
}

/**
 * Turns announcements into deliveries and deliveries into messages. Enqueueing goes one
 * chunk of tenants per transaction under the announcement's row lock, so a crash leaves it
 * resumable from its cursor; sending claims deliveries with SKIP LOCKED, so several
 * processes share one announcement without sending an address twice in normal operation.
 */
export class AnnouncementWorker {
  private readonly loop: BatchLoop;
  /** Each announcement's notice, prepared once per process: its Markdown is rendered once per language. */
  private readonly notices = new Map<string, PreparedNotice>();
  /** Announcements whose last enqueue step failed here, and when to try them again. */
  private readonly enqueueFailures = new Map<string, { failures: number; retryAt: number }>();

  constructor(private readonly db: Db, private readonly options: AnnouncementWorkerOptions) {
    this.loop = new BatchLoop(() => this.runOnce(), { pollMs: options.pollMs, log: options.log, name: 'announcement worker' });
  }

  start() { this.loop.start(); }
  kick() { this.loop.kick(); }
  async stop() {
    await this.loop.stop();
    this.options.transport.close();
  }

  /**
   * One step of each kind of work; returns how much it did (0: idle). A failing step is
   * logged and does not hold up the other: an announcement that cannot be enqueued must not
   * stop the sending of those already queued.
   */
  async runOnce(): Promise<number> {
    const enqueued = await this.enqueueStep().catch((err: unknown) => {
      this.options.log.error({ err }, 'enqueueing an announcement failed; it stays resumable');
      return 0;
    });
    const sent = await this.sendStep();
    return enqueued + sent;
  }

  /**
   * Resolves the next chunk of one announcement still being enqueued. A chunk that fails
   * rolls back whole (the cursor stays); this worker then leaves that announcement aside for
   * a growing while, so one that keeps failing does not block the announcements behind it.
   */
  async enqueueStep(): Promise<number> {
    const now = Date.now();
    const resting = [...this.enqueueFailures].filter(([, f]) => f.retryAt > now).map(([id]) => id);
    let current: string | undefined;
    try {
      const done = await this.db.transaction().execute(async (trx) => {
        const announcement = await repo.lockEnqueuing(trx, resting);
        if (!announcement) return 0;
        current = announcement.id;
        const end = await repo.nextChunkEnd(trx, announcement.scope_tenant_id, announcement.enqueue_after, this.options.chunkSize);
        if (!end) {
          await repo.finishEnqueue(trx, announcement.id);
          this.options.log.info({ announcement_id: announcement.id }, 'announcement enqueued');
          return 1;
        }
        const tenants = sql`SELECT s.descendant_id FROM tenant_closure s WHERE s.ancestor_id = ${announcement.scope_tenant_id}::uuid
          AND (${announcement.enqueue_after}::uuid IS NULL OR s.descendant_id > ${announcement.enqueue_after}::uuid) AND s.descendant_id <= ${end}::uuid`;
        const skipped = await insertDeliveries(trx, announcement.id, {
          ceilingId: announcement.fallback_ceiling_id ?? announcement.scope_tenant_id, category: announcement.category, fallback: announcement.fallback === 'ancestor', tenants,
        });
        await repo.advanceEnqueue(trx, announcement.id, end, skipped);
        return 1;
      });
      if (current) this.enqueueFailures.delete(current);
      return done;
    } catch (error) {
      if (current) {
        const failures = (this.enqueueFailures.get(current)?.failures ?? 0) + 1;
        this.enqueueFailures.set(current, { failures, retryAt: Date.now() + Math.min(this.options.retryBaseMs * 2 ** (failures - 1), 600_000) });
      }
      throw error;
    }
  }

  async sendStep(): Promise<number> {
    const batch = await repo.claimDeliveries(this.db, { limit: this.options.batchSize, leaseSeconds: this.options.leaseSeconds });
    const ids = [...new Set(batch.map((d) => d.announcement_id))];
    if (batch.length === 0) {
      await repo.completeAnnouncements(this.db);
      return 0;
    }
    await repo.markAnnouncementsSending(this.db, ids);
    const names = new Map((await repo.findTenantNames(this.db, [...new Set(batch.flatMap((d) => d.tenant_ids))])).map((t) => [t.id, t.name]));
    const notices = new Map<string, PreparedNotice>();
    for (const id of ids) notices.set(id, await this.notice(id));
    // Every send of the batch finishes and is recorded before an error is raised: a failed
    // record must not leave the others sending while the worker stops under them.
    const results = await Promise.allSettled(batch.map(async (delivery) => {
      const tenantNames = delivery.tenant_ids.map((id) => names.get(id) ?? id).sort((a, b) => a.localeCompare(b));
      const message = notices.get(delivery.announcement_id)!({ language: delivery.language, tenantNames });
      const claim = { id: delivery.id, attempts: delivery.attempts };
      let failure: unknown;
      try {
        await this.options.transport.send({
          messageId: `<delivery-${delivery.id}-${delivery.announcement_id}@${this.options.messageIdDomain}>`,
          to: delivery.address, subject: message.subject, text: message.text, html: message.html, kind: message.test ? 'test_notice' : 'announcement',
        });
      } catch (error) {
        failure = error ?? new Error('send failed');
      }
      if (failure === undefined) return repo.markDeliverySent(this.db, claim);
      const outcome = afterFailure(failure, delivery.attempts, this.options);
      if (outcome.fail) await repo.markDeliveryFailed(this.db, claim, outcome.error, delivery.contact_ids, outcome.permanent);
      else await repo.markDeliveryRetry(this.db, claim, outcome.error, outcome.retryAt);
    }));
    await repo.completeAnnouncements(this.db, ids);
    const rejected = results.find((r) => r.status === 'rejected');
    if (rejected) throw (rejected as PromiseRejectedResult).reason;
    return batch.length;
  }

  private async notice(id: string) {
    if (!this.notices.has(id)) {
      if (this.notices.size > 1000) this.notices.clear();
      this.notices.set(id, prepareNotice(await repo.findAnnouncementContent(this.db, id)));
    }
    return this.notices.get(id)!;
  }
}

export function createAnnouncementWorker(db: Db, config: Config, log: FastifyBaseLogger): AnnouncementWorker {
  return new AnnouncementWorker(db, {
    transport: config.smtpUrl
      ? smtpTransport(config.smtpUrl, config.mailFrom, { maxConnections: config.deliveryConnections })
      : mailboxTransport(db, 'announcement'),
    log,
    pollMs: config.mailPollMs,
    chunkSize: config.enqueueChunkTenants,
    batchSize: config.deliveryBatchSize,
    maxAttempts: config.mailMaxAttempts,
    retryBaseMs: config.mailRetryBaseMs,
    leaseSeconds: config.deliveryLeaseSeconds,
    messageIdDomain: new URL(config.publicUrl).hostname || 'liaison',
  });
}
