import type { MailReport, RecipientStatus } from '../../platform/mail/dsn.js';
import { severityOf } from '../../platform/mail/dsn.js';
import type { MailTokenKind, MailTokens } from '../../platform/mail/mail-tokens.js';

/** A message Liaison sent: a notice's delivery (d) or a transactional mail of the outbox (m). */
export interface SentItem {
  kind: MailTokenKind;
  id: string;
}

/**
 * How sure the match is. `token`: an HMAC-signed VERP token named it (the report came to that
 * address, or names it as the original's envelope sender), so nobody but the relay that had
 * the message can have written it. `message-id`: the original's Message-ID names it; ids are
 * guessable, so the report must also name the address the item went to.
 */
export type Match = SentItem & { by: 'token' | 'message-id' };

/** The item a bounce token names, from an address `bounces+<token>@…` (null: none, or not ours). */
export function itemOfVerpAddress(address: string, tokens: MailTokens): SentItem | null {
  const local = /^bounces\+([^@]+)@/i.exec(address.trim());
  return local ? tokens.verify(local[1], 'bounce') : null;
}

/** The item of a Message-ID Liaison wrote (`<delivery.ID@host>`, `<mail.ID@host>`) with this host. */
export function itemOfMessageId(messageId: string, host: string): SentItem | null {
  const match = /^<(delivery|mail)\.([0-9a-f-]{1,36})@([^>]+)>$/i.exec(messageId.trim());
  if (!match || match[3].toLowerCase() !== host.toLowerCase()) return null;
  return { kind: match[1].toLowerCase() === 'delivery' ? 'd' : 'm', id: match[2].toLowerCase() };
}

/** What a report is about, strongest evidence first: the address it came to, a VERP sender it names, a Message-ID. */
export function matchReport(
  report: MailReport,
  receivedFor: SentItem | null,
  tokens: MailTokens,
  messageIdHost: string,
): Match | null {
  if (receivedFor) return { ...receivedFor, by: 'token' };
  for (const sender of report.original.senders) {
    const item = itemOfVerpAddress(sender, tokens);
    if (item) return { ...item, by: 'token' };
  }
  for (const messageId of report.original.messageIds) {
    const item = itemOfMessageId(messageId, messageIdHost);
    if (item) return { ...item, by: 'message-id' };
  }
  return null;
}

/** The addresses a report names as the recipients of the original. */
export function addressesNamed(report: MailReport): Set<string> {
  const named = new Set(report.original.recipients);
  if (report.type === 'delivery-status') {
    for (const r of report.recipients) {
      if (r.finalRecipient) named.add(r.finalRecipient);
      if (r.originalRecipient) named.add(r.originalRecipient);
    }
  }
  return named;
}

const rank = { permanent: 2, transient: 1, none: 0 } as const;

/**
 * The recipient block of a DSN that speaks of `address` (the one the item was sent to); with
 * a token match and no block naming it (a forward rewrote it), the most severe block, since
 * each Liaison message has one recipient.
 */
export function statusFor(
  recipients: RecipientStatus[],
  address: string,
  by: Match['by'],
): RecipientStatus | undefined {
  const named = recipients.filter((r) => r.finalRecipient === address || r.originalRecipient === address);
  const candidates = named.length > 0 || by === 'message-id' ? named : recipients;
  return [...candidates].sort((a, b) => rank[severityOf(b)] - rank[severityOf(a)])[0];
}
