import { isIPv6 } from 'node:net';
import type { Db } from '../../platform/db/database.js';
import { tooManyRequests } from '../../platform/errors.js';
import * as repo from './auth.repository.js';

/**
 * The address a throttle counts: an IPv4 address as it is (also when it arrives IPv4-mapped),
 * an IPv6 one by its /64, since one host is routinely given a whole /64 to pick from.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1];
  const bare = ip.split('%')[0];
  if (!isIPv6(bare)) return ip;
  // The URL parser writes an IPv6 address in one canonical form (embedded IPv4 as hex).
  const [head, tail] = new URL(`http://[${bare}]`).hostname.slice(1, -1).split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).join(':')}::/64`;
}

export interface Attempt {
  /** The attempt proved right: it was no guess. */
  forgive(): Promise<void>;
}

/**
 * Failed sign-ins are bounded three ways, so that no one address can lock a person out
 * from another:
 * - per subject (login or API client) and address, `limit`: the bound a guesser meets;
 * - per address over every subject, 4× the limit: against one password sprayed over many logins;
 * - per subject from everywhere, 10× the limit: slower, against guessing from many addresses.
 * An attempt refused with 429 counts against none of them, so hammering from one address
 * adds at most `limit` to the subject's own count.
 */
export class SignInThrottle {
  constructor(
    private readonly db: Db,
    private readonly limit: number,
    private readonly windowSeconds: number,
  ) {}

  /**
   * Counts the attempt as a failure until it proves right, before the secret is checked, so
   * concurrent guesses cannot all pass a check made before any of them was recorded.
   */
  async attempt(subject: string, ip: string): Promise<Attempt> {
    const address = `ip:${addressKey(ip)}`;
    const pair = `${subject}|${address}`;
    const limits = new Map([
      [pair, this.limit],
      [address, this.limit * 4],
      [subject, this.limit * 10],
    ]);
    // Counted and checked in one transaction (rows locked in a fixed key order): a refused
    // attempt rolls back, and two at once cannot both take the last free place.
    await this.db.transaction().execute(async (trx) => {
      const rows = await repo.countAttempt(trx, [...limits.keys()].sort(), this.windowSeconds);
      const blocked = rows.find((r) => r.failures > limits.get(r.key)!);
      if (blocked) throw this.tooMany(new Date(blocked.window_started_at));
    });
    return { forgive: () => repo.forgiveAttempt(this.db, pair, [address, subject]) };
  }

  private tooMany(windowStartedAt: Date) {
    // The window began on the database's clock: bounded to the window, whatever the two clocks say.
    const left = Math.ceil((windowStartedAt.getTime() + this.windowSeconds * 1000 - Date.now()) / 1000);
    const retryAfter = Math.min(this.windowSeconds, Math.max(1, left));
    return tooManyRequests('Too many failed sign-in attempts; try again later', retryAfter, 'auth');
  }
}
