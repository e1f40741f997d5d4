import { isPermanent } from '../platform/mail/transport.js';

/** The longest wait between two tries of anything the engine retries. */
export const maxBackoffMs = 3_600_000;

/** How long to wait after the `failures`-th failure in a row: doubling from `baseMs`, capped. */
export function backoffMs(failures: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** (failures - 1), maxBackoffMs);
}

export interface RetryPolicy {
  maxAttempts: number;
  retryBaseMs: number;
}

export type FailureOutcome =
  { status: 'failed'; permanent: boolean; error: string } | { status: 'retry'; retryAt: Date; error: string };

/**
 * What a failed send leads to: a permanent (5xx) answer or the last allowed attempt fails
 * the message; anything else is tried again after the backoff.
 */
export function afterFailure(error: unknown, attempts: number, policy: RetryPolicy, now = Date.now()): FailureOutcome {
  const text = String((error as Error | undefined)?.message ?? error).slice(0, 500);
  const permanent = isPermanent(error);
  if (permanent || attempts >= policy.maxAttempts) return { status: 'failed', permanent, error: text };
  return { status: 'retry', retryAt: new Date(now + backoffMs(attempts, policy.retryBaseMs)), error: text };
}

/**
 * The Message-ID of an item of a queue: the same on every attempt, so a receiver can drop the
 * copy a crash-and-retry may send, and distinct across queues (`kind`) whose ids may collide.
 */
export function messageId(kind: string, id: string | number, domain: string): string {
  return `<${kind}.${id}@${domain}>`;
}

/** The host of the public address names this installation in Message-IDs. */
export const messageIdDomain = (publicUrl: string) => new URL(publicUrl).hostname || 'liaison';
