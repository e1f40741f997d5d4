import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db/database.js';
import { mailboxTransport } from '../platform/mail/mailbox-transport.js';
import { smtpTransport } from '../platform/mail/transport.js';
import { prepareNotice, type PreparedNotice } from '../features/announcements/notice.mails.js';
import { DeliveryEngine, type EngineOptions, type SendQueue } from './delivery-engine.js';
import { messageIdDomain } from './delivery-rules.js';
import { EnqueueStep, type EnqueueOptions } from './enqueue-step.js';
import * as repo from './delivery-queue.repository.js';
import { senderMarks, type SenderMarks } from './sender-marks.js';

/** Notices (table deliveries): one row per address of an announcement, written by the enqueue step. */
function deliveryQueue(db: Db, marks: SenderMarks | undefined): SendQueue<repo.ClaimedDelivery> {
  /** Each announcement's notice, prepared once per process: its Markdown is rendered once per language. */
  const notices = new Map<string, PreparedNotice>();
  const notice = async (id: string) => {
    if (!notices.has(id)) {
      if (notices.size > 1000) notices.clear();
      notices.set(id, prepareNotice(await repo.findAnnouncementContent(db, id)));
    }
    return notices.get(id)!;
  };
  const announcementsOf = (batch: repo.ClaimedDelivery[]) => [...new Set(batch.map((d) => d.announcement_id))];
  return {
    kind: 'delivery',
    claim: (options) => repo.claimDeliveries(db, options),
    async render(batch) {
      const ids = announcementsOf(batch);
      await repo.markAnnouncementsSending(db, ids);
      const prepared = new Map<string, PreparedNotice>();
      for (const id of ids) prepared.set(id, await notice(id));
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

  /**
   * One step of each kind of work. A failing enqueue step is logged and does not hold up
   * sending: an announcement that cannot be enqueued must not stop those already queued.
   */
  override async runOnce(): Promise<number> {
    const enqueued = await this.enqueueStep().catch((err: unknown) => {
      this.options.log.error({ err }, 'enqueueing an announcement failed; it stays resumable');
      return 0;
    });
    return enqueued + (await this.sendStep());
  }
}

export function createAnnouncementWorker(db: Db, config: Config, log: FastifyBaseLogger): AnnouncementWorker {
  return new AnnouncementWorker(db, {
    transport: config.smtpUrl
      ? smtpTransport(config.smtpUrl, config.mailFrom, {
          maxConnections: config.deliveryConnections,
          dkim: config.dkim,
        })
      : mailboxTransport(db, 'announcement'),
    marks: senderMarks(db, config),
    log,
    pollMs: config.mailPollMs,
    chunkSize: config.enqueueChunkTenants,
    batchSize: config.deliveryBatchSize,
    maxAttempts: config.mailMaxAttempts,
    retryBaseMs: config.mailRetryBaseMs,
    leaseSeconds: config.deliveryLeaseSeconds,
    messageIdDomain: messageIdDomain(config.publicUrl),
  });
}
