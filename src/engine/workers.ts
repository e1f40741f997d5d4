import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db/database.js';
import type { Wakers } from '../platform/db/unit-of-work.js';
import type { Metrics } from '../platform/metrics.js';
import { createAnnouncementWorker, type AnnouncementWorker } from './delivery-queue.js';
import { createInboundSmtp, type InboundSmtp } from './inbound-smtp.js';
import { createMailWorker, type MailWorker } from './outbox-queue.js';
import { BatchLoop } from './batch-loop.js';
import { UnitOfWork } from '../platform/db/unit-of-work.js';
import { attestationPass } from '../features/attestation/attestation.sweep.js';
import { createWebhookWorker, type WebhookWorker } from './webhook-queue.js';

/** The background work of a process: the mail outbox and announcements. */
export class Workers {
  mailWorker: MailWorker | undefined;
  announcementWorker: AnnouncementWorker | undefined;
  webhookWorker: WebhookWorker | undefined;
  /** Re-attestation's mails, reminders, expiry, staleness and yearly campaigns. */
  attestation: BatchLoop | undefined;
  /** The bounce domain's SMTP listener, when LIAISON_INBOUND_SMTP_PORT is set (see listen). */
  inbound: InboundSmtp | undefined;

  /** @param metrics where the engine counts what it sends (the app serving /metrics shares it). */
  constructor(private readonly metrics?: Metrics) {}

  /** Nudges usable before the workers exist (services are built first). */
  readonly wakers: Wakers = {
    mail: () => this.mailWorker?.kick(),
    notices: () => this.announcementWorker?.kick(),
    webhooks: () => this.webhookWorker?.kick(),
    attestation: () => this.attestation?.kick(),
  };

  start(db: Db, config: Config, log: FastifyBaseLogger) {
    this.mailWorker = createMailWorker(db, config, log.child({ component: 'mail-worker' }), this.metrics);
    this.announcementWorker = createAnnouncementWorker(
      db,
      config,
      log.child({ component: 'announcement-worker' }),
      this.metrics,
    );
    this.webhookWorker = createWebhookWorker(db, config, log.child({ component: 'webhook-worker' }));
    this.attestation = new BatchLoop(attestationPass(new UnitOfWork(db, this.wakers), config), {
      pollMs: config.attestation.pollMs,
      log: log.child({ component: 'attestation' }),
      name: 'attestation',
    });
    this.attestation.start();
    this.mailWorker.start();
    this.webhookWorker.start();
    this.announcementWorker.start();
  }

  /** Opens the inbound SMTP listener when configured; fails when its port cannot be had. */
  async listen(db: Db, config: Config, log: FastifyBaseLogger) {
    this.inbound = createInboundSmtp(db, config, log.child({ component: 'inbound-smtp' }), this.metrics);
    await this.inbound?.listen();
  }

  async stop() {
    await Promise.all([
      this.mailWorker?.stop(),
      this.announcementWorker?.stop(),
      this.webhookWorker?.stop(),
      this.attestation?.stop(),
      this.inbound?.close(),
    ]);
  }
}
