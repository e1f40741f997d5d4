import { simpleParser, type Attachment } from 'mailparser';

// Reports that mail systems send back about a message: delivery status notifications (RFC 3464,
// multipart/report; report-type=delivery-status) and feedback reports (RFC 5965 ARF,
// report-type=feedback-report). Only the machine-readable parts are read: the human text of a
// bounce differs by vendor and language, its fields do not.

/** One recipient's block of a delivery-status part. */
export interface RecipientStatus {
  /** Final-Recipient's address, lower-cased (null when absent or not an Internet address). */
  finalRecipient: string | null;
  /** Original-Recipient's address (the one the sender gave), lower-cased. */
  originalRecipient: string | null;
  /** failed, delayed, delivered, relayed or expanded (lower-cased as given). */
  action: string;
  /** The enhanced status code, e.g. 5.1.1: Status, else the one the diagnostic gives. */
  status: string | null;
  /** Diagnostic-Code, unfolded, e.g. `smtp; 550 5.1.1 user unknown`. */
  diagnostic: string | null;
}

/** What a report says about the message it is about (all addresses lower-cased). */
interface OriginalMessage {
  /** Message-IDs of the original, with their angle brackets. */
  messageIds: string[];
  /** Where the original was sent (ARF Original-Rcpt-To, the original's To). */
  recipients: string[];
  /** Its envelope sender as the report names it (ARF Original-Mail-From, X-Postfix-Sender, Return-Path). */
  senders: string[];
}

export type MailReport =
  | { type: 'delivery-status'; recipients: RecipientStatus[]; original: OriginalMessage }
  | { type: 'feedback'; feedbackType: string; original: OriginalMessage }
  | { type: 'other'; original: OriginalMessage };

type Fields = Map<string, string[]>;

/** Header-style fields (RFC 5322 syntax: folded lines, `Name: value`), names lower-cased. */
function parseFields(block: string): Fields {
  const fields: Fields = new Map();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line
      .slice(colon + 1)
      .replace(/\s+/g, ' ')
      .trim();
    fields.set(name, [...(fields.get(name) ?? []), value]);
  }
  return fields;
}

const first = (fields: Fields, name: string) => fields.get(name)?.[0] ?? null;

/** A delivery-status or feedback part: groups of fields separated by blank lines. */
const fieldGroups = (text: string) =>
  text
    .split(/\r?\n[ \t]*\r?\n/)
    .filter((group) => group.trim())
    .map(parseFields);

/** The header block of a message (message/rfc822) or a headers-only part (text/rfc822-headers). */
const headerBlock = (text: string) => parseFields(text.split(/\r?\n\r?\n/)[0]);

const addressPattern = /[^\s<>"(),;:]+@[^\s<>"(),;:]+/;

/** `rfc822; Ada@Example.com` or `<ada@example.com>` → ada@example.com (null: not an Internet address). */
function addressOf(value: string | null): string | null {
  if (!value) return null;
  const typed = /^([a-z0-9-]+)\s*;(.*)$/i.exec(value);
  if (typed && typed[1].toLowerCase() !== 'rfc822') return null;
  const found = addressPattern.exec(typed ? typed[2] : value);
  return found ? found[0].toLowerCase() : null;
}

const messageIdsIn = (value: string | null) => value?.match(/<[^<>\s]+>/g) ?? [];

/** Status, else an enhanced code in the diagnostic, else its basic reply code (550 → 5.0.0). */
function statusOf(status: string | null, diagnostic: string | null): string | null {
  const given = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(status ?? '');
  if (given) return given[1];
  const enhanced = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(diagnostic ?? '');
  if (enhanced) return enhanced[1];
  const basic = /\b([245])\d\d\b/.exec(diagnostic ?? '');
  return basic ? `${basic[1]}.0.0` : null;
}

function recipientStatus(fields: Fields): RecipientStatus {
  const diagnostic = first(fields, 'diagnostic-code');
  return {
    finalRecipient: addressOf(first(fields, 'final-recipient')),
    originalRecipient: addressOf(first(fields, 'original-recipient')),
    action: (first(fields, 'action') ?? '').toLowerCase().split(/[\s(]/)[0],
    status: statusOf(first(fields, 'status'), diagnostic),
    diagnostic,
  };
}

const unique = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => Boolean(v)))];

/**
 * Reads a report out of a raw message. Whatever is not a delivery-status or feedback report
 * (an out-of-office reply, spam, a bounce in prose only) is `other`, with what could be found.
 */
export async function parseMailReport(raw: Buffer | string): Promise<MailReport> {
  const mail = await simpleParser(raw, {
    // The report's parts as they are: its fields and the returned original (even an inline one).
    keepDeliveryStatus: true,
    ignoreEmbedded: true,
    checksumAlgo: false,
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
  });
  const contentType = mail.headers.get('content-type') as
    { value?: string; params?: Record<string, string> } | undefined;
  const reportType =
    contentType?.value?.toLowerCase() === 'multipart/report' ? contentType.params?.['report-type']?.toLowerCase() : '';
  const parts = (type: string) =>
    mail.attachments.filter((a: Attachment) => a.contentType.toLowerCase() === type).map((a) => a.content.toString());

  const originals = [...parts('message/rfc822'), ...parts('text/rfc822-headers')].map(headerBlock);
  const original: OriginalMessage = {
    messageIds: unique(originals.flatMap((h) => messageIdsIn(first(h, 'message-id')))),
    recipients: unique(originals.flatMap((h) => (h.get('to') ?? []).map(addressOf))),
    senders: unique(originals.map((h) => addressOf(first(h, 'return-path')))),
  };

  if (reportType === 'delivery-status') {
    const [perMessage, ...perRecipient] = parts('message/delivery-status').flatMap(fieldGroups);
    original.messageIds = unique([
      ...original.messageIds,
      ...messageIdsIn(perMessage ? first(perMessage, 'x-original-message-id') : null),
    ]);
    original.senders = unique([...original.senders, addressOf(perMessage && first(perMessage, 'x-postfix-sender'))]);
    // A report with a per-message block only has no recipients: nothing to act on.
    const recipients = perRecipient.map(recipientStatus).filter((r) => r.action);
    return { type: 'delivery-status', recipients, original };
  }
  if (reportType === 'feedback-report') {
    const [report] = parts('message/feedback-report').map(parseFields);
    if (report) {
      original.recipients = unique([...(report.get('original-rcpt-to') ?? []).map(addressOf), ...original.recipients]);
      original.senders = unique([addressOf(first(report, 'original-mail-from')), ...original.senders]);
      return { type: 'feedback', feedbackType: (first(report, 'feedback-type') ?? '').toLowerCase(), original };
    }
  }
  return { type: 'other', original };
}

/**
 * What a recipient's status means for the address: `permanent` (Action failed with a 5.x.x
 * status: the address is dead), `transient` (delayed, or failed for a reason that may pass,
 * e.g. 4.4.7 expired in a queue), or `none` (delivered, relayed, expanded).
 */
export function severityOf(recipient: RecipientStatus): 'permanent' | 'transient' | 'none' {
  if (recipient.action === 'failed') return recipient.status?.startsWith('5.') ? 'permanent' : 'transient';
  if (recipient.action === 'delayed') return 'transient';
  return 'none';
}
