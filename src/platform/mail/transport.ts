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

/** Pooled SMTP through nodemailer; `smtpUrl` like smtp://user:pass@host:587. */
export function smtpTransport(smtpUrl: string, from: string, options: { maxConnections?: number } = {}): MailTransport {
  const url = new URL(smtpUrl);
  const transporter = nodemailer.createTransport({
    pool: true,
    host: url.hostname,
    port: Number(url.port) || (url.protocol === 'smtps:' ? 465 : 587),
    secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    maxConnections: options.maxConnections ?? 5,
    // A local relay without a certificate is common in test and staging set-ups.
    tls: { rejectUnauthorized: url.searchParams.get('tls_reject_unauthorized') !== 'false' },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
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
      });
    },
    close: () => transporter.close(),
  };
}
