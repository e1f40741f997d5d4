import { fail } from '../../platform/errors.js';

export type TokenState = 'valid' | 'expired' | 'used' | 'revoked' | 'unknown';

/** What a link that cannot be used answers, by why. */
export const tokenError = {
  unknown: () => fail('token_invalid'),
  expired: () => fail('token_expired'),
  used: () => fail('token_used'),
  revoked: () => fail('token_revoked'),
};

export function stateOf(row: {
  used_at: Date | null;
  revoked_at: Date | null;
  expires_at: Date;
}): Exclude<TokenState, 'unknown'> {
  if (row.used_at) return 'used';
  if (row.revoked_at) return 'revoked';
  if (row.expires_at <= new Date()) return 'expired';
  return 'valid';
}

/** A resend is refused (429) when the link went out moments ago or too often. */
export function resendRefusal(
  open: { last_sent_at: Date; sends: number; expires_at: Date },
  limits: { maxSends: number; cooldownSeconds: number },
) {
  const secondsUntil = (time: number) => Math.max(Math.ceil((time - Date.now()) / 1000), 1);
  if (open.sends >= limits.maxSends) {
    // The link is spent once it expires; then a new one can be asked for.
    const retryAfter = secondsUntil(open.expires_at.getTime());
    return {
      retryAfter,
      message: `This message was already sent ${limits.maxSends} times; ask again after the link expires, in ${retryAfter} s`,
    };
  }
  const readyAt = open.last_sent_at.getTime() + limits.cooldownSeconds * 1000;
  if (readyAt > Date.now()) {
    const retryAfter = secondsUntil(readyAt);
    return { retryAfter, message: `This message was sent moments ago; try again in ${retryAfter} s` };
  }
  return undefined;
}
