import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db/database.js';
import type { Metrics } from '../platform/metrics.js';
import { smtpTransport, type MailTransport } from '../platform/mail/transport.js';
import { DeliveryEngine, type EngineOptions, type SendQueue } from './delivery-engine.js';
import { messageIdDomain } from './delivery-rules.js';
import { claimDueMail, recordMail } from './outbox-queue.repository.js';
import { senderMarks, type SenderMarks } from './sender-marks.js';
import { SendPace } from './send-pace.js';

type OutboxItem = Awaited<ReturnType<typeof claimDueMail>>[number];

/** Transactional mail (table mail_outbox), written by services inside their transactions. */
function outboxQueue(db: Db, via: 'smtp' | 'mailbox', marks: SenderMarks | undefined): SendQueue<OutboxItem> {
  return {
    kind: 'mail',
    claim: (options) => claimDueMail(db, options),
    async render(batch) {
      await marks?.ready();
      return batch.map((mail) => ({
        to: mail.to_address,
        subject: mail.subject,
        text: mail.text_body,
        html: mail.html_body,
        // Transactional mail (confirmations, activations) never carries List-Unsubscribe.
        envelopeFrom: marks?.envelopeFrom('m', mail.id),
      }));
    },
    record: (outcomes) => recordMail(db, outcomes, via),
  };
}

/** Without an SMTP server the outbox row itself is the built-in mailbox: sending it is recording it. */
const keptInMailbox: MailTransport = { send: async () => {}, close: () => {} };

export interface MailWorkerOptions extends Omit<EngineOptions, 'transport'> {
  /** null: no SMTP server configured, messages go to the built-in mailbox. */
  transport: MailTransport | null;
  /** VERP envelopes (none when not given). */
  marks?: SenderMarks;
}

/** The engine on the outbox: sends after commit what services wrote. */
export class MailWorker extends DeliveryEngine<OutboxItem> {
  constructor(db: Db, options: MailWorkerOptions) {
    super(outboxQueue(db, options.transport ? 'smtp' : 'mailbox', options.marks), {
      ...options,
      transport: options.transport ?? keptInMailbox,
    });
  }
}

/** The worker as configured: SMTP when SMTP_URL is set, else the built-in mailbox. */
export function createMailWorker(db: Db, config: Config, log: FastifyBaseLogger, metrics?: Metrics): MailWorker {
  return new MailWorker(db, {
    metrics,
    transport: config.smtpUrl ? smtpTransport(config.smtpUrl, config.mailFrom, { dkim: config.dkim }) : null,
    marks: senderMarks(db, config),
    // Transactional mail counts against the relay's quota too.
    pace: config.mailRatePerSecond ? new SendPace(db, config.mailRatePerSecond) : undefined,
    log,
    pollMs: config.mailPollMs,
    batchSize: 20,
    maxAttempts: config.mailMaxAttempts,
    retryBaseMs: config.mailRetryBaseMs,
    leaseSeconds: 300,
    messageIdDomain: messageIdDomain(config.publicUrl),
  });
}
