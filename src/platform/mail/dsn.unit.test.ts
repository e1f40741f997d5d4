import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMailReport, severityOf, type MailReport } from './dsn.js';

// The reports as Postfix, Exchange (on premises and Exchange Online), Gmail and Yahoo's
// feedback loop write them (test/fixtures/dsn: written after real samples of each format).

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/dsn/${name}`, import.meta.url));
const parse = (name: string) => parseMailReport(fixture(name));

const verp = 'bounces+d1042-5f0c6a9e3b7d41c28e90a1b2c3d4e5f6@bounce.liaison.test';
const messageId = '<delivery.1042@liaison.test>';
const recipient = 'ghost@example.net';

function deliveryStatus(report: MailReport) {
  expect(report.type).toBe('delivery-status');
  if (report.type !== 'delivery-status') throw new Error('not a delivery-status report');
  return report;
}

describe('delivery status notifications (RFC 3464)', () => {
  it('reads a Postfix bounce: the failed recipient, 5.1.1, the unfolded diagnostic, the original and its sender', async () => {
    const report = deliveryStatus(await parse('postfix-user-unknown.eml'));
    expect(report.recipients).toEqual([
      {
        finalRecipient: recipient,
        originalRecipient: recipient,
        action: 'failed',
        status: '5.1.1',
        diagnostic: `smtp; 550 5.1.1 <${recipient}>: Recipient address rejected: User unknown in virtual mailbox table`,
      },
    ]);
    expect(severityOf(report.recipients[0])).toBe('permanent');
    expect(report.original.messageIds).toEqual([messageId]);
    expect(report.original.recipients).toEqual([recipient]);
    expect(report.original.senders).toEqual([verp]);
  });

  it('reads a Postfix delay warning as transient, with its original from the headers-only part', async () => {
    const report = deliveryStatus(await parse('postfix-delayed.eml'));
    expect(report.recipients).toHaveLength(1);
    expect(report.recipients[0]).toMatchObject({ action: 'delayed', status: '4.4.1', finalRecipient: recipient });
    expect(report.recipients[0].diagnostic).toBe(
      'X-Postfix; connect to mx1.example.net[198.51.100.25]:25: Connection timed out',
    );
    expect(severityOf(report.recipients[0])).toBe('transient');
    expect(report.original.messageIds).toEqual([messageId]);
  });

  it('reads an Exchange Online report: a three-digit detail (5.1.10) and the original in text/rfc822-headers', async () => {
    const report = deliveryStatus(await parse('exchange-online-recipient-not-found.eml'));
    expect(report.recipients).toEqual([
      {
        finalRecipient: recipient,
        originalRecipient: null,
        action: 'failed',
        status: '5.1.10',
        diagnostic: 'smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
      },
    ]);
    expect(severityOf(report.recipients[0])).toBe('permanent');
    expect(report.original.messageIds).toEqual([messageId]);
  });

  it('reads an Exchange 2016 report (mailbox full) with the whole original returned', async () => {
    const report = deliveryStatus(await parse('exchange-2016-mailbox-full.eml'));
    expect(report.recipients[0]).toMatchObject({
      finalRecipient: recipient,
      originalRecipient: recipient,
      action: 'failed',
      status: '5.2.2',
    });
    expect(report.recipients[0].diagnostic).toMatch(/^smtp;554 5\.2\.2 mailbox full; STOREDRV\.Deliver/);
    expect(report.original.messageIds).toEqual([messageId]);
  });

  it("reads Gmail's report: X-Original-Message-ID, the multi-line diagnostic, past the icon and HTML parts", async () => {
    const report = deliveryStatus(await parse('gmail-address-not-found.eml'));
    expect(report.recipients).toHaveLength(1);
    expect(report.recipients[0]).toMatchObject({ finalRecipient: recipient, action: 'failed', status: '5.1.1' });
    expect(report.recipients[0].diagnostic).toMatch(
      /^smtp; 550-5\.1\.1 The email account that you tried to reach does not exist\. Please try 550-5\.1\.1 double-checking/,
    );
    expect(report.original.messageIds).toEqual([messageId]);
  });

  it('derives the status from the diagnostic when Status is missing, and knows what changes nothing', async () => {
    const raw = fixture('postfix-user-unknown.eml').toString().replace('Status: 5.1.1\n', '');
    const [failed] = deliveryStatus(await parseMailReport(raw)).recipients;
    expect(failed.status).toBe('5.1.1');
    const basic = raw.replace(/550 5\.1\.1/g, '550');
    expect(deliveryStatus(await parseMailReport(basic)).recipients[0].status).toBe('5.0.0');
    for (const action of ['delivered', 'relayed', 'expanded']) {
      const [other] = deliveryStatus(
        await parseMailReport(raw.replace('Action: failed', `Action: ${action}`)),
      ).recipients;
      expect(severityOf(other)).toBe('none');
    }
    // Given up after days of 4xx answers (expired in the queue): the address is not known dead.
    expect(severityOf({ ...failed, status: '4.4.7' })).toBe('transient');
  });
});

describe('feedback reports (RFC 5965 ARF)', () => {
  it("reads Yahoo's abuse report: the type, the original's Message-ID and its VERP envelope sender", async () => {
    const report = await parse('arf-yahoo-abuse.eml');
    expect(report).toMatchObject({ type: 'feedback', feedbackType: 'abuse' });
    expect(report.original.messageIds).toEqual([messageId]);
    expect(report.original.senders).toEqual([verp]);
    // The recipient is redacted by the provider: the report names no address of ours.
    expect(report.original.recipients).toEqual(['redacted@yahoo.com']);
  });
});

describe('other mail', () => {
  it('an out-of-office reply or a mailto unsubscribe is no report', async () => {
    expect((await parse('auto-reply.eml')).type).toBe('other');
    expect((await parse('mailto-unsubscribe-apple.eml')).type).toBe('other');
  });

  it('survives a truncated or malformed report without throwing', async () => {
    const cut = fixture('postfix-user-unknown.eml').subarray(0, 1800);
    const report = await parseMailReport(cut);
    expect(['delivery-status', 'other']).toContain(report.type);
    expect((await parseMailReport('not a mail at all')).type).toBe('other');
    const empty = 'Content-Type: multipart/report; report-type=delivery-status; boundary="x"\n\n--x--\n';
    expect(await parseMailReport(empty)).toMatchObject({ type: 'delivery-status', recipients: [] });
  });
});
