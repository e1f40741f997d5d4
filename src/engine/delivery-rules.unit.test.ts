import { describe, expect, it } from 'vitest';
import { afterFailure, backoffMs, maxBackoffMs, messageId, messageIdDomain } from './delivery-rules.js';

// The rules every queue of the engine shares: pure logic, no database.

const smtpError = (responseCode: number) =>
  Object.assign(new Error(`${responseCode} mailbox says no`), { responseCode });
const policy = { maxAttempts: 5, retryBaseMs: 1000 };
const now = Date.parse('2030-01-01T00:00:00Z');

describe('the retry policy', () => {
  it('fails a permanent (5xx) answer at once, whatever the attempt', () => {
    for (const code of [500, 550, 554, 599]) {
      expect(afterFailure(smtpError(code), 1, policy, now)).toEqual({
        status: 'failed',
        permanent: true,
        error: `${code} mailbox says no`,
      });
    }
  });

  it('retries a temporary failure with a delay that doubles from the base', () => {
    const delays = [1, 2, 3, 4].map((attempt) => {
      const outcome = afterFailure(smtpError(451), attempt, policy, now);
      if (outcome.status !== 'retry') throw new Error(`attempt ${attempt} was not retried`);
      expect(outcome.error).toBe('451 mailbox says no');
      return outcome.retryAt.getTime() - now;
    });
    expect(delays).toEqual([1000, 2000, 4000, 8000]);
  });

  it('treats errors without an SMTP answer (a refused connection, a timeout) as temporary', () => {
    expect(afterFailure(new Error('connect ECONNREFUSED'), 1, policy, now)).toMatchObject({ status: 'retry' });
    expect(afterFailure(smtpError(421), 1, policy, now)).toMatchObject({ status: 'retry' });
    expect(afterFailure('a bare string', 1, policy, now)).toMatchObject({ status: 'retry', error: 'a bare string' });
  });

  it('fails a temporary failure on the last allowed attempt, as not permanent', () => {
    expect(afterFailure(smtpError(451), 5, policy, now)).toEqual({
      status: 'failed',
      permanent: false,
      error: '451 mailbox says no',
    });
    expect(afterFailure(smtpError(451), 1, { maxAttempts: 1, retryBaseMs: 10 }, now)).toMatchObject({
      status: 'failed',
      permanent: false,
    });
  });

  it('caps the delay, for sends and for enqueue steps alike', () => {
    expect(backoffMs(1, 5000)).toBe(5000);
    expect(backoffMs(10, 5000)).toBe(2_560_000);
    expect(backoffMs(11, 5000)).toBe(maxBackoffMs);
    expect(backoffMs(60, 5000)).toBe(maxBackoffMs);
    const late = afterFailure(smtpError(451), 30, { maxAttempts: 50, retryBaseMs: 5000 }, now);
    expect(late).toMatchObject({ status: 'retry', retryAt: new Date(now + maxBackoffMs) });
  });

  it('keeps at most 500 characters of an error', () => {
    const outcome = afterFailure(new Error('x'.repeat(2000)), 1, policy, now);
    expect(outcome.error).toHaveLength(500);
  });
});

describe('the Message-ID rule', () => {
  it('is the same for every attempt of an item and differs between items and between queues', () => {
    expect(messageId('delivery', 42, 'liaison.example')).toBe('<delivery.42@liaison.example>');
    expect(messageId('delivery', 42, 'liaison.example')).toBe(messageId('delivery', 42, 'liaison.example'));
    const ids = [
      messageId('delivery', 42, 'd'),
      messageId('delivery', 43, 'd'),
      messageId('mail', 42, 'd'),
      messageId('delivery', 4, 'd'),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('names the installation by the host of its public address', () => {
    expect(messageIdDomain('https://contacts.example.com:8443/base')).toBe('contacts.example.com');
    expect(messageIdDomain('http://127.0.0.1:3000')).toBe('127.0.0.1');
  });
});
