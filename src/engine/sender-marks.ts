import type { Db } from '../platform/db/database.js';
import {
  loadMailTokens,
  unsubscribeUrl,
  verpAddress,
  type MailTokenKind,
  type MailTokens,
} from '../platform/mail/mail-tokens.js';

export interface SenderSettings {
  publicUrl: string;
  /** Set: envelopes are VERP addresses at this domain, and mailto unsubscribes go there. */
  bounceDomain?: string;
  /** The inbound listener runs (it reads the mailto unsubscribes). */
  inboundSmtpPort?: number;
}

/** What a sent message carries so that its answers find their way back: bounces and unsubscribes. */
export interface SenderMarks {
  /** Loads the signing key once; the other methods are synchronous after it. */
  ready(): Promise<void>;
  /** The VERP envelope sender of an item (undefined: the From address, bounces are not heard). */
  envelopeFrom(kind: MailTokenKind, id: string | number): string | undefined;
  /** List-Unsubscribe (https, and mailto when inbound SMTP runs) with RFC 8058's one-click field. */
  unsubscribeHeaders(deliveryId: string | number): Record<string, string>;
}

export function senderMarks(db: Db, settings: SenderSettings): SenderMarks {
  let loading: Promise<MailTokens> | undefined;
  let tokens: MailTokens | undefined;
  const key = () => {
    if (!tokens) throw new Error('senderMarks: ready() first');
    return tokens;
  };
  return {
    async ready() {
      loading ??= loadMailTokens(db);
      tokens = await loading;
    },
    envelopeFrom: (kind, id) =>
      settings.bounceDomain ? verpAddress(key(), kind, id, settings.bounceDomain) : undefined,
    unsubscribeHeaders(deliveryId) {
      const token = key().sign('d', deliveryId, 'unsubscribe');
      const targets = [`<${unsubscribeUrl(settings.publicUrl, token)}>`];
      if (settings.bounceDomain && settings.inboundSmtpPort !== undefined) {
        targets.push(`<mailto:unsubscribe+${token}@${settings.bounceDomain}?subject=unsubscribe>`);
      }
      return { 'List-Unsubscribe': targets.join(', '), 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
    },
  };
}
