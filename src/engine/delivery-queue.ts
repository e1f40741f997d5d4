import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db/database.js';
import type { Metrics } from '../platform/metrics.js';
import { mailboxTransport } from '../platform/mail/mailbox-transport.js';
import { smtpTransport } from '../platform/mail/transport.js';
import { prepareNotice, type PreparedNotice } from '../features/announcements/notice.mails.js';
import { DeliveryEngine, type EngineOptions, type SendQueue } from './delivery-engine.js';
import { messageIdDomain } from './delivery-rules.js';
import { EnqueueStep, type EnqueueOptions } from './enqueue-step.js';
import * as repo from './delivery-queue.repository.js';
import { senderMarks, type SenderMarks } from './sender-marks.js';
import { SendPace } from './send-pace.js';

/** Recipients from which a process refreshes the planner's statistics before it starts sending (see analyzeDeliveries). */
const LARGE_ANNOUNCEMENT = 10_000;

/** Notices (table deliveries): one row per address of an announcement, written by the enqueue step. */
function deliveryQueue(db: Db, marks: SenderMarks | undefined): SendQueue<repo.ClaimedDelivery> {
  /**
   * Each announcement's notice, prepared once per process (its Markdown is rendered once per
   * language) when this process first sends it, which is also when it marks the announcement sending.
   */
  const notices = new Map<string, PreparedNotice>();
  const notice = async (id: string) => {
    if (!notices.has(id)) {
      if (notices.size > 1000) notices.clear();
      await repo.markAnnouncementsSending(db, [id]);
      const content = await repo.findAnnouncementContent(db, id);
      if (content.recipients >= LARGE_ANNOUNCEMENT) await repo.analyzeDeliveries(db);
      notices.set(id, prepareNotice(content));
    }
    return notices.get(id)!;
  };
  const announcementsOf = (batch: repo.ClaimedDelivery[]) => [...new Set(batch.map((d) => d.announcement_id))];
  return {
    kind: 'delivery',
    claim: (options) => repo.claimDeliveries(db, options),
    async render(batch) {
      const prepared = new Map<string, PreparedNotice>();
      for (const id of announcementsOf(batch)) prepared.set(id, await notice(id));
      await marks?.ready();
      return batch.map((delivery) => {
        const tenantNames = [...delivery.tenant_names].sort((a, b) => a.localeCompare(b));
        const message = prepared.get(delivery.announcement_id)!({ language: delivery.language, tenantNames });
        return {
          to: delivery.address,
          subject: message.subject,
          text: message.text,
          html: message.html,
          kind: message.test ? 'test_notice' : 'announcement',
          envelopeFrom: marks?.envelopeFrom('d', delivery.id),
          // A test message or a mandatory notice cannot be unsubscribed from.
          headers: message.test || message.mandatory ? undefined : marks?.unsubscribeHeaders(delivery.id),
        };
      });
    },
    record: (outcomes) => repo.recordDeliveries(db, outcomes),
    // An empty pass closes whatever is left open (e.g. an announcement whose last delivery another process recorded).
    settle: (batch) => repo.completeAnnouncements(db, batch.length ? announcementsOf(batch) : undefined),
  };
}

export type AnnouncementWorkerOptions = EngineOptions &
  EnqueueOptions & {
    /** VERP envelopes and List-Unsubscribe (none when not given: a test's bare worker). */
    marks?: SenderMarks;
  };

/**
 * The engine on the deliveries, with the step that fills them: enqueueing goes chunk by
 * chunk (enqueue-step.ts); sending claims deliveries with SKIP LOCKED, so several processes
 * share one announcement without sending an address twice in normal operation.
 */
export class AnnouncementWorker extends DeliveryEngine<repo.ClaimedDelivery> {
  private readonly enqueuer: EnqueueStep;

  constructor(db: Db, options: AnnouncementWorkerOptions) {
    super(deliveryQueue(db, options.marks), options);
    this.enqueuer = new EnqueueStep(db, options);
  }

  enqueueStep(): Promise<number> {
    return this.enqueuer.run();
  }

  /** When an enqueue step last found nothing to do; while batches come full, it is not asked again sooner than a poll. */
  private enqueueIdleAt = -Infinity;
  private sendingFull = false;

  /**
   * One step of each kind of work. A failing enqueue step is logged and does not hold up
   * sending: an announcement that cannot be enqueued must not stop those already queued.
   */
  override async runOnce(): Promise<number> {
    let enqueued = 0;
    if (!this.sendingFull || Date.now() - this.enqueueIdleAt >= this.options.pollMs) {
      const checkedAt = Date.now();
      enqueued = await this.enqueueStep().catch((err: unknown) => {
        this.options.log.error({ err }, 'enqueueing an announcement failed; it stays resumable');
        return 0;
      });
      if (enqueued === 0) this.enqueueIdleAt = checkedAt;
    }
    const sent = await this.sendStep();
    this.sendingFull = sent >= this.batchLimit;
    return enqueued + sent;
  }
}

/** The worker's settings as configured (the benchmark builds its worker from them too). */
export function announcementWorkerOptions(db: Db, config: Config, log: FastifyBaseLogger): AnnouncementWorkerOptions {
  return {
    transport: config.smtpUrl
      ? smtpTransport(config.smtpUrl, config.mailFrom, {
          maxConnections: config.deliveryConnections,
          dkim: config.dkim,
        })
      : mailboxTransport(db, 'announcement'),
    marks: senderMarks(db, config),
    pace: config.mailRatePerSecond ? new SendPace(db, config.mailRatePerSecond) : undefined,
    log,
    pollMs: config.mailPollMs,
    chunkSize: config.enqueueChunkTenants,
    batchSize: config.deliveryBatchSize,
    lanes: 2,
    maxAttempts: config.mailMaxAttempts,
    retryBaseMs: config.mailRetryBaseMs,
    leaseSeconds: config.deliveryLeaseSeconds,
    messageIdDomain: messageIdDomain(config.publicUrl),
  };
}

export function createAnnouncementWorker(
  db: Db,
  config: Config,
  log: FastifyBaseLogger,
  metrics?: Metrics,
): AnnouncementWorker {
  return new AnnouncementWorker(db, { ...announcementWorkerOptions(db, config, log), metrics });
}
