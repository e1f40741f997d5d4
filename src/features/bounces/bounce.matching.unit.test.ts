import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MailReport, RecipientStatus } from '../../platform/mail/dsn.js';
import { loadMailTokens } from '../../platform/mail/mail-tokens.js';
import { addressesNamed, itemOfMessageId, itemOfVerpAddress, matchReport, statusFor } from './bounce.matching.js';

// Which message a report is about, and how sure that is: pure rules, no database.

/** Mail tokens with a key of their own (loadMailTokens reads it from a one-row table). */
async function tokens() {
  const secret = randomBytes(32).toString('hex');
  const row = { executeTakeFirstOrThrow: async () => ({ secret }) };
  const db = {
    insertInto: () => ({ values: () => ({ onConflict: () => ({ execute: async () => [] }) }) }),
    selectFrom: () => ({ select: () => ({ where: () => row }) }),
  };
  return loadMailTokens(db as never);
}

const failed = (address: string, status = '5.1.1'): RecipientStatus => ({
  finalRecipient: address,
  originalRecipient: null,
  action: 'failed',
  status,
  diagnostic: `smtp; 550 ${status} no such user`,
});

const dsn = (recipients: RecipientStatus[], original: Partial<MailReport['original']> = {}): MailReport => ({
  type: 'delivery-status',
  recipients,
  original: { messageIds: [], recipients: [], senders: [], ...original },
});

describe('matching a report to a sent message', () => {
  it('reads the VERP address only with a token of this installation for bounces', async () => {
    const ours = await tokens();
    const theirs = await tokens();
    const token = ours.sign('d', 42);
    expect(itemOfVerpAddress(`bounces+${token}@bounce.example`, ours)).toEqual({ kind: 'd', id: '42' });
    expect(itemOfVerpAddress(`Bounces+${token.toUpperCase()}@Bounce.Example`, ours)).toEqual({ kind: 'd', id: '42' });
    expect(itemOfVerpAddress(`bounces+${token}@bounce.example`, theirs)).toBeNull();
    expect(itemOfVerpAddress(`bounces+${ours.sign('d', 42, 'unsubscribe')}@bounce.example`, ours)).toBeNull();
    expect(itemOfVerpAddress(`bounces+d43-${token.split('-')[1]}@bounce.example`, ours)).toBeNull();
    expect(itemOfVerpAddress('bounces@bounce.example', ours)).toBeNull();
  });

  it("reads Liaison's own Message-IDs, for this host only", () => {
    expect(itemOfMessageId('<delivery.1042@liaison.test>', 'liaison.test')).toEqual({ kind: 'd', id: '1042' });
    const uuid = '0b9f6c1e-3c9a-4f5e-9d7b-2a4c6e8f0a1b';
    expect(itemOfMessageId(`<mail.${uuid}@Liaison.Test>`, 'liaison.test')).toEqual({ kind: 'm', id: uuid });
    expect(itemOfMessageId('<delivery.1042@elsewhere.test>', 'liaison.test')).toBeNull();
    expect(itemOfMessageId('<test_notice.1042@liaison.test>', 'liaison.test')).toBeNull();
    expect(itemOfMessageId('<20261201.5B1C2D3E4F@relay.example.org>', 'liaison.test')).toBeNull();
  });

  it('prefers the address the report came to, then a VERP sender it names, then a Message-ID', async () => {
    const t = await tokens();
    const report = dsn([failed('ada@example.net')], {
      messageIds: ['<delivery.3@liaison.test>'],
      senders: [`bounces+${t.sign('d', 2)}@bounce.example`],
    });
    expect(matchReport(report, { kind: 'd', id: '1' }, t, 'liaison.test')).toEqual({ kind: 'd', id: '1', by: 'token' });
    expect(matchReport(report, null, t, 'liaison.test')).toEqual({ kind: 'd', id: '2', by: 'token' });
    const forgedSender = { ...report, original: { ...report.original, senders: ['bounces+d2-00@bounce.example'] } };
    expect(matchReport(forgedSender, null, t, 'liaison.test')).toEqual({ kind: 'd', id: '3', by: 'message-id' });
    expect(matchReport(dsn([failed('ada@example.net')]), null, t, 'liaison.test')).toBeNull();
  });

  it('knows the addresses a report names, and picks the recipient block of the address sent to', () => {
    const report = dsn([failed('ada@example.net'), { ...failed('bob@example.net', '4.2.2'), action: 'delayed' }], {
      recipients: ['carol@example.net'],
    });
    expect([...addressesNamed(report)].sort()).toEqual(['ada@example.net', 'bob@example.net', 'carol@example.net']);
    if (report.type !== 'delivery-status') throw new Error('a DSN');
    expect(statusFor(report.recipients, 'bob@example.net', 'message-id')?.status).toBe('4.2.2');
    // Matched by Message-ID, a report that does not name the address says nothing about it.
    expect(statusFor(report.recipients, 'dan@example.net', 'message-id')).toBeUndefined();
    // Matched by token (one recipient per message), a forward may have rewritten it: the most severe block.
    expect(statusFor(report.recipients, 'dan@example.net', 'token')?.status).toBe('5.1.1');
  });
});
