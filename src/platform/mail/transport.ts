import { readFileSync } from 'node:fs';
import net from 'node:net';
import nodemailer from 'nodemailer';

export interface MailMessage {
  /** The same on every attempt of one queued item, so a receiver can drop the copy a crash-and-retry may send. */
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** What the built-in mailbox files it under (e.g. test_notice); SMTP ignores it. */
  kind?: string;
  /** The envelope sender (MAIL FROM) when it is not the From address: a VERP bounce address. */
  envelopeFrom?: string;
  /** Extra header fields, e.g. List-Unsubscribe and List-Unsubscribe-Post. */
  headers?: Record<string, string>;
}

export interface MailTransport {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** A failure the next attempt cannot fix (an SMTP 5xx answer). */
export function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** nodemailer's DKIM default list of signed fields (RFC 4871 §5.5), which covers List-*. */
const DEFAULT_SIGNED =
  'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:' +
  'Content-ID:Content-Description:Resent-Date:Resent-From:Resent-Sender:Resent-To:Resent-Cc:Resent-Message-ID:' +
  'In-Reply-To:References:List-Id:List-Help:List-Unsubscribe:List-Subscribe:List-Post:List-Owner:List-Archive';

export interface SmtpOptions {
  maxConnections?: number;
  /** DKIM-signs every message (relaxed/relaxed) with the key in privateKeyFile. */
  dkim?: { domain: string; selector: string; privateKeyFile: string };
}

/**
 * A TCP connection with Nagle's algorithm off. SMTP is a conversation of small writes; with
 * Nagle on, each command after the first waits for the server's delayed ACK (~40 ms on Linux),
 * which capped a pooled connection at a few dozen messages a second. With it off, each of the
 * dozen or so writes nodemailer makes per message would leave as a packet of its own: the writes
 * of one tick are corked and leave together at the end of it (one system call, one packet),
 * which sends half again as many messages a second into a local relay. Exported for the
 * benchmark, whose bare nodemailer baseline gets the same socket.
 */
export function noDelaySocket(
  options: { host?: string; port?: number },
  callback: (err: Error | null, socketOptions?: { connection: net.Socket }) => void,
) {
  const socket = net.connect({ host: options.host, port: options.port ?? 25 });
  socket.setNoDelay(true);
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  socket.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(() => {
        corked = false;
        socket.uncork();
      });
    }
    return write(...args);
  }) as typeof socket.write;
  const failed = (err: Error) => callback(err);
  socket.once('error', failed);
  socket.once('connect', () => {
    socket.off('error', failed);
    callback(null, { connection: socket });
  });
}

/** Pooled SMTP through nodemailer; `smtpUrl` like smtp://user:pass@host:587. */
export function smtpTransport(smtpUrl: string, from: string, options: SmtpOptions = {}): MailTransport {
  const url = new URL(smtpUrl);
  const dkim = options.dkim && {
    domainName: options.dkim.domain,
    keySelector: options.dkim.selector,
    privateKey: readFileSync(options.dkim.privateKeyFile, 'utf8'),
    // nodemailer signs relaxed/relaxed; its default header list already covers From, Subject,
    // Date, Message-ID and List-*; List-Unsubscribe-Post is added (RFC 8058 §4 asks for it).
    headerFieldNames: `${DEFAULT_SIGNED}:List-Unsubscribe-Post`,
  };
  const transporter = nodemailer.createTransport({
    pool: true,
    host: url.hostname,
    port: Number(url.port) || (url.protocol === 'smtps:' ? 465 : 587),
    secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    maxConnections: options.maxConnections ?? 5,
    // A connection is reused for many messages rather than reopened after nodemailer's default 100.
    maxMessages: Infinity,
    // A local relay without a certificate is common in test and staging set-ups.
    tls: { rejectUnauthorized: url.searchParams.get('tls_reject_unauthorized') !== 'false' },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    getSocket: noDelaySocket,
    dkim,
  });
  return {
    async send(message) {
      await transporter.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: message.messageId,
        headers: message.headers,
        envelope: message.envelopeFrom ? { from: message.envelopeFrom, to: message.to } : undefined,
      });
    },
    close: () => transporter.close(),
  };
}
