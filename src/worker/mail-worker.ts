import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../platform/db/database.js';
import { claimDueMail, markFailed, markRetry, markSent } from '../platform/mail/outbox.repository.js';
import { isPermanent, smtpTransport, type MailTransport } from '../platform/mail/transport.js';
import type { Config } from '../platform/config.js';

export interface MailWorkerOptions {
  /** null: no SMTP server configured, messages go to the built-in mailbox. */
  transport: MailTransport | null;
  log: FastifyBaseLogger;
  pollMs: number;
  batchSize: number;
  maxAttempts: number;
  retryBaseMs: number;
  leaseSeconds: number;
  messageIdDomain: string;
}

/**
 * Sends the outbox after commit. Claims batches with row locks, so several processes
 * against one PostgreSQL share the work; each message is recorded as sent, retried with
 * exponential backoff on temporary failures, or failed on a permanent (5xx) answer.
 */
export class MailWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly db: Db, private readonly options: MailWorkerOptions) {}

  start() {
    this.stopped = false;
    this.schedule(0);
  }

  async stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    this.options.transport?.close();
  }

  /** Asks for a pass soon, e.g. right after a transaction that wrote a message committed. */
  kick() {
    if (!this.stopped && !this.running) this.schedule(0);
  }

  private schedule(delay: number) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.drain().finally(() => {
        this.running = undefined;
        if (!this.stopped) this.schedule(this.options.pollMs);
      });
    }, delay);
  }

  private async drain() {
    try {
      while (!this.stopped && (await this.runOnce()) > 0) { /* keep going while there is work */ }
    } catch (err) {
      this.options.log.error({ err }, 'mail worker pass failed');
    }
  }

  /** One batch; returns how many messages it handled. */
  async runOnce(): Promise<number> {
    const batch = await claimDueMail(this.db, { limit: this.options.batchSize, leaseSeconds: this.options.leaseSeconds });
    await Promise.all(batch.map(async (mail) => {
      const { transport } = this.options;
      if (!transport) return markSent(this.db, mail.id, 'mailbox');
      try {
        await transport.send({ messageId: `<${mail.id}@${this.options.messageIdDomain}>`, to: mail.to_address, subject: mail.subject, text: mail.text_body, html: mail.html_body });
        await markSent(this.db, mail.id, 'smtp');
      } catch (error) {
        const message = String((error as Error).message ?? error).slice(0, 500);
        if (isPermanent(error) || mail.attempts >= this.options.maxAttempts) {
          this.options.log.warn({ mail_id: mail.id, kind: mail.kind, attempts: mail.attempts, error: message }, 'mail failed permanently');
          await markFailed(this.db, mail.id, message);
        } else {
          const delay = Math.min(this.options.retryBaseMs * 2 ** (mail.attempts - 1), 3_600_000);
          this.options.log.info({ mail_id: mail.id, attempts: mail.attempts, retry_in_ms: delay, error: message }, 'mail will be retried');
          await markRetry(this.db, mail.id, message, new Date(Date.now() + delay));
        }
      }
    }));
    return batch.length;
  }
}

/** The worker as configured: SMTP when SMTP_URL is set, else the built-in mailbox. */
export function createMailWorker(db: Db, config: Config, log: FastifyBaseLogger): MailWorker {
  return new MailWorker(db, {
    transport: config.smtpUrl ? smtpTransport(config.smtpUrl, config.mailFrom) : null,
    log,
    pollMs: config.mailPollMs,
    batchSize: 20,
    maxAttempts: config.mailMaxAttempts,
    retryBaseMs: config.mailRetryBaseMs,
    leaseSeconds: 300,
    messageIdDomain: new URL(config.publicUrl).hostname || 'liaison',
  });
}
