import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { BounceService } from '../features/bounces/bounce.service.js';
import { itemOfVerpAddress, type SentItem } from '../features/bounces/bounce.matching.js';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db/database.js';
import { UnitOfWork } from '../platform/db/unit-of-work.js';
import type { Metrics } from '../platform/metrics.js';
import { parseMailReport, type MailReport } from '../platform/mail/dsn.js';
import { loadMailTokens, type MailTokens } from '../platform/mail/mail-tokens.js';
import { messageIdDomain } from './delivery-rules.js';

/** Who a message to the bounce domain is for. */
type Recipient =
  | { purpose: 'report'; item: SentItem | null }
  | { purpose: 'unsubscribe'; deliveryId: string }
  | { refused: 'foreign' | 'unknown' };

/**
 * bounces+<token>@ (a DSN or ARF about the item the token names), unsubscribe+<token>@ (a
 * mailto unsubscribe), and bounces@ or postmaster@ (reports matched by what they say: the
 * address to register for a provider's feedback loop). Tokens are checked here, so a forged
 * one is refused before any data.
 */
function recipientOf(address: string, domain: string, tokens: MailTokens): Recipient {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at).toLowerCase();
  if (at < 0 || address.slice(at + 1).toLowerCase() !== domain) return { refused: 'foreign' };
  if (local === 'bounces' || local === 'postmaster') return { purpose: 'report', item: null };
  if (local.startsWith('bounces+')) {
    const item = itemOfVerpAddress(address, tokens);
    return item ? { purpose: 'report', item } : { refused: 'unknown' };
  }
  if (local.startsWith('unsubscribe+')) {
    const named = tokens.verify(local.slice('unsubscribe+'.length), 'unsubscribe');
    return named?.kind === 'd' ? { purpose: 'unsubscribe', deliveryId: named.id } : { refused: 'unknown' };
  }
  return { refused: 'unknown' };
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/** What one sender may ask of the listener: SIZE is advertised (552 beyond it). */
const limits = {
  maxMessageBytes: 1024 * 1024,
  maxClients: 20,
  messagesPerConnection: 100,
  recipientsPerMessage: 10,
  socketTimeoutMs: 60_000,
};

/**
 * The SMTP listener of the bounce domain: relays hand it the reports they send to a message's
 * VERP envelope sender, providers their complaints, and mail clients their mailto
 * unsubscribes. No AUTH, no relaying, limits on size, clients, messages and recipients.
 */
export class InboundSmtp {
  private readonly server: SMTPServer;
  private tokens?: MailTokens;

  constructor(
    private readonly bounces: BounceService,
    private readonly options: { db: Db; host: string; port: number; domain: string; log: FastifyBaseLogger },
  ) {
    this.server = new SMTPServer({
      name: options.domain,
      banner: 'Liaison bounce listener',
      disabledCommands: ['AUTH', 'STARTTLS'],
      authOptional: true,
      size: limits.maxMessageBytes,
      rejectOversized: true,
      maxClients: limits.maxClients,
      socketTimeout: limits.socketTimeoutMs,
      closeTimeout: 10_000,
      logger: false,
      onMailFrom: (_address, session, callback) => {
        if (session.transaction > limits.messagesPerConnection) {
          return callback(smtpError(421, 'Too many messages on one connection, reconnect'));
        }
        callback();
      },
      onRcptTo: (address, session, callback) => this.onRcptTo(address, session, callback),
      onData: (stream, session, callback) => this.onData(stream, session, callback),
    });
    this.server.on('error', (err) => options.log.warn({ err }, 'inbound SMTP connection error'));
  }

  /** The port it listens on (a test's random one included). */
  get port(): number {
    return (this.server.server.address() as AddressInfo).port;
  }

  async listen() {
    this.tokens = await loadMailTokens(this.options.db);
    await new Promise<void>((resolve, reject) => {
      this.server.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.server.off('error', reject);
        resolve();
      });
    });
    this.options.log.info(
      { host: this.options.host, port: this.port, domain: this.options.domain },
      'inbound SMTP is listening',
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private recipient(address: string) {
    return recipientOf(address, this.options.domain, this.tokens!);
  }

  private onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback: (err?: Error) => void) {
    if (session.envelope.rcptTo.length >= limits.recipientsPerMessage) {
      return callback(smtpError(452, 'Too many recipients'));
    }
    const recipient = this.recipient(address.address);
    if ('refused' in recipient) {
      this.options.log.info({ to: address.address, why: recipient.refused }, 'inbound SMTP refused a recipient');
      return callback(
        recipient.refused === 'foreign'
          ? smtpError(550, 'Relay access denied: only the bounce domain is served here')
          : smtpError(550, 'No such bounce address'),
      );
    }
    callback();
  }

  private onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) {
    const chunks: Buffer[] = [];
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      // Past the limit the rest is drained, not kept: the server answers 552 at the end.
      if (bytes <= limits.maxMessageBytes) chunks.push(chunk);
    });
    stream.on('end', () => {
      if (stream.sizeExceeded) return callback();
      const to = [...new Set(session.envelope.rcptTo.map((r) => r.address))];
      this.receive(Buffer.concat(chunks), to).then(
        () => callback(),
        (err) => {
          this.options.log.error({ err, to }, 'inbound SMTP could not apply a message; the sender will retry');
          callback(smtpError(451, 'Temporary failure, try again later'));
        },
      );
    });
  }

  /** Applies a received message for each of its recipients. */
  private async receive(raw: Buffer, to: string[]) {
    const log = this.options.log;
    let report: Promise<MailReport> | undefined;
    for (const address of to) {
      const recipient = this.recipient(address);
      if ('refused' in recipient) continue;
      if (recipient.purpose === 'unsubscribe') {
        const outcome = await this.bounces.unsubscribeByMail(recipient.deliveryId);
        log.info(
          { to: address, delivery: recipient.deliveryId, optedOut: outcome?.changed ?? null },
          'mailto unsubscribe',
        );
        continue;
      }
      report ??= parseMailReport(raw);
      const parsed = await report;
      const outcome = await this.bounces.receiveReport(parsed, recipient.item);
      log[outcome.applied === 'nothing' ? 'warn' : 'info'](
        { to: address, report: parsed.type, ...outcome },
        'inbound report',
      );
    }
  }
}

/** The listener as configured: when LIAISON_INBOUND_SMTP_PORT and LIAISON_BOUNCE_DOMAIN are both set. */
export function createInboundSmtp(db: Db, config: Config, log: FastifyBaseLogger, metrics?: Metrics) {
  if (config.inboundSmtpPort === undefined) return undefined;
  if (!config.bounceDomain) {
    log.warn('LIAISON_INBOUND_SMTP_PORT is set without LIAISON_BOUNCE_DOMAIN: no inbound SMTP listener');
    return undefined;
  }
  const bounces = new BounceService(new UnitOfWork(db), messageIdDomain(config.publicUrl), metrics);
  return new InboundSmtp(bounces, {
    db,
    host: config.inboundSmtpHost,
    port: config.inboundSmtpPort,
    domain: config.bounceDomain,
    log,
  });
}
