import { isPermanent } from '../platform/mail/transport.js';

export type FailureOutcome =
  | { fail: true; permanent: boolean; error: string }
  | { fail: false; retryAt: Date; error: string };

/**
 * What a failed send leads to: a permanent (5xx) answer or the last allowed attempt fails
 * the message; anything else is retried after an exponential backoff (capped at 1 hour).
 */
export function afterFailure(error: unknown, attempts: number, policy: { maxAttempts: number; retryBaseMs: number }): FailureOutcome {
  const text = String((error as Error)?.message ?? error).slice(0, 500);
  const permanent = isPermanent(error);
  if (permanent || attempts >= policy.maxAttempts) return { fail: true, permanent, error: text };
  const delay = Math.min(policy.retryBaseMs * 2 ** (attempts - 1), 3_600_000);
  return { fail: false, retryAt: new Date(Date.now() + delay), error: text };
}
