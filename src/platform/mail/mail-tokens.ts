import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/database.js';

/**
 * What a mail token names: d, a delivery of a notice (its bounces, and its List-Unsubscribe);
 * m, a transactional mail of the outbox (its bounces); a, an attestation question (its answer links).
 */
export type MailTokenKind = 'd' | 'm' | 'a';
type Purpose = 'bounce' | 'unsubscribe' | 'attest';

export interface MailTokens {
  /** `<kind><id>-<mac>`, lower case: usable as the local part of an address and in a URL path. */
  sign(kind: MailTokenKind, id: string | number, purpose?: Purpose): string;
  /** The item a token names, or null when it is malformed or its MAC is not ours. */
  verify(token: string, purpose?: Purpose): { kind: MailTokenKind; id: string } | null;
}

const shape = /^([dma])([0-9a-f-]{1,36})-([0-9a-f]{32})$/;

/**
 * Tokens signed with this installation's key (HMAC-SHA256, 128 bits kept): unguessable, they
 * name their item without a lookup table, and a token for one purpose is worthless for another.
 */
function mailTokens(key: Buffer): MailTokens {
  const mac = (purpose: string, kind: string, id: string) =>
    createHmac('sha256', key).update(`${purpose}:${kind}${id}`).digest('hex').slice(0, 32);
  return {
    sign: (kind, id, purpose = 'bounce') => `${kind}${String(id)}-${mac(purpose, kind, String(id))}`,
    verify(token, purpose = 'bounce') {
      const match = shape.exec(token.toLowerCase());
      if (!match) return null;
      const [, kind, id, given] = match;
      const expected = Buffer.from(mac(purpose, kind, id), 'hex');
      const actual = Buffer.from(given, 'hex');
      return timingSafeEqual(expected, actual) ? { kind: kind as MailTokenKind, id } : null;
    },
  };
}

/** The installation's mail-token key, created on first use (every process of one database shares it). */
export async function loadMailTokens(db: Db): Promise<MailTokens> {
  await db
    .insertInto('server_secrets')
    .values({ name: 'mail-tokens', secret: randomBytes(32).toString('hex') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('server_secrets')
    .select('secret')
    .where('name', '=', 'mail-tokens')
    .executeTakeFirstOrThrow();
  return mailTokens(Buffer.from(row.secret, 'hex'));
}

/** The envelope sender of an item when bounces are heard (VERP): bounces+<token>@<domain>. */
export const verpAddress = (tokens: MailTokens, kind: MailTokenKind, id: string | number, domain: string) =>
  `bounces+${tokens.sign(kind, id)}@${domain}`;

/** The public page and one-click endpoint (RFC 8058) of an unsubscribe token. */
export const unsubscribeUrl = (publicUrl: string, token: string) => `${publicUrl}/unsubscribe/${token}`;
