import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../platform/db/database.js';
import { claimDueMail, markFailed, markRetry, markSent } from '../platform/mail/outbox.repository.js';
import { smtpTransport, type MailTransport } from '../platform/mail/transport.js';
import { BatchLoop } from './batch-loop.js';
import { afterFailure } from './retry-policy.js';
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
  private readonly loop: BatchLoop;

  constructor(private readonly db: Db, private readonly options: MailWorkerOptions) {
    this.loop = new BatchLoop(() => this.runOnce(), { pollMs: options.pollMs, log: options.log, name: 'mail worker' });
  }

  start() { this.loop.start(); }

  /** Asks for a pass soon, e.g. right after a transaction that wrote a message committed. */
  kick() { this.loop.kick(); }

  async stop() {
    await this.loop.stop();
    this.options.transport?.close();
  }

  /** One batch; returns how many messages it handled. */
  async runOnce(): Promise<number> {
    const batch = await claimDueMail(this.db, { limit: this.options.batchSize, leaseSeconds: this.options.leaseSeconds });
    const results = await Promise.allSettled(batch.map(async (mail) => {
      const { transport } = this.options;
      const claim = { id: mail.id, attempts: mail.attempts };
      if (!transport) return markSent(this.db, claim, 'mailbox');
      let failure: unknown;
      try {
        await transport.send({ messageId: `<${mail.id}@${this.options.messageIdDomain}>`, to: mail.to_address, subject: mail.subject, text: mail.text_body, html: mail.html_body });
      } catch (error) {
        failure = error ?? new Error('send failed');
      }
      if (failure === undefined) return markSent(this.db, claim, 'smtp');
      const outcome = afterFailure(failure, mail.attempts, this.options);
      if (outcome.fail) {
        this.options.log.warn({ mail_id: mail.id, kind: mail.kind, attempts: mail.attempts, error: outcome.error }, 'mail failed permanently');
        await markFailed(this.db, claim, outcome.error);
      } else {
        this.options.log.info({ mail_id: mail.id, attempts: mail.attempts, retry_at: outcome.retryAt, error: outcome.error }, 'mail will be retried');
        await markRetry(this.db, claim, outcome.error, outcome.retryAt);
      }
    }));
    // Every message of the batch is recorded before an error (of recording) is raised.
    const rejected = results.find((r) => r.status === 'rejected');
    if (rejected) throw (rejected as PromiseRejectedResult).reason;
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
