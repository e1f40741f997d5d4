import type { Db } from '../../platform/db/database.js';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import type { Metrics } from '../../platform/metrics.js';
import { severityOf, type MailReport, type RecipientStatus } from '../../platform/mail/dsn.js';
import { loadMailTokens, type MailTokens } from '../../platform/mail/mail-tokens.js';
import { optOutByDelivery } from '../opt-outs/opt-out.service.js';
import { addressesNamed, matchReport, statusFor, type Match, type SentItem } from './bounce.matching.js';
import * as repo from './bounce.repository.js';

/** What a report changed, for the log: nothing (and why), or what it did to which item. */
export type ReportOutcome =
  | { applied: 'bounce' | 'delay' | 'complaint'; item: SentItem; by: Match['by']; status?: string }
  | { applied: 'nothing'; reason: string; item?: SentItem };

const deliveryIdOf = (item: SentItem) => (/^[0-9]{1,15}$/.test(item.id) ? Number(item.id) : undefined);
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * What comes back after a message left: bounces (DSN), complaints (ARF) and mailto
 * unsubscribes, read by the inbound SMTP listener. Each report is applied in one transaction;
 * one that names no message of ours, or names it without proof, changes nothing.
 */
export class BounceService {
  private tokens?: Promise<MailTokens>;

  constructor(
    private readonly uow: UnitOfWork,
    /** The host of this installation's Message-IDs (see the engine's messageId). */
    private readonly messageIdHost: string,
    /** Where applied bounces and complaints are counted (none: not counted). */
    private readonly metrics?: Metrics,
  ) {}

  /**
   * A report that arrived for the VERP address of `receivedFor` (its token already verified),
   * or for the bounce mailbox itself (null: matched by what the report says of the original).
   */
  async receiveReport(report: MailReport, receivedFor: SentItem | null): Promise<ReportOutcome> {
    if (report.type === 'other') return { applied: 'nothing', reason: 'not a delivery status or feedback report' };
    this.tokens ??= loadMailTokens(this.uow.db);
    const match = matchReport(report, receivedFor, await this.tokens, this.messageIdHost);
    if (!match) return { applied: 'nothing', reason: 'names no message of ours' };
    const outcome = await this.uow.run(async (trx): Promise<ReportOutcome> => {
      const address = await this.addressOf(trx, match);
      if (address === undefined) return { applied: 'nothing', reason: 'no such message', item: match };
      if (match.by === 'message-id' && !addressesNamed(report).has(address)) {
        return {
          applied: 'nothing',
          reason: 'the Message-ID matches but the report names another address',
          item: match,
        };
      }
      if (report.type === 'feedback') return this.complaint(trx, match, report.feedbackType);
      const status = statusFor(report.recipients, address, match.by);
      if (!status) return { applied: 'nothing', reason: 'no recipient status for the address', item: match };
      return this.deliveryStatus(trx, match, status);
    });
    // Counted once committed: a report whose transaction failed changed nothing.
    if (outcome.applied === 'bounce' || outcome.applied === 'complaint') {
      this.metrics?.countReport(match.kind === 'd' ? 'delivery' : 'mail', outcome.applied);
    }
    return outcome;
  }

  /** A mailto unsubscribe (RFC 2369) to the address of a delivery's unsubscribe token. */
  async unsubscribeByMail(deliveryId: string) {
    return this.uow.run((trx) => optOutByDelivery(trx, deliveryId, 'mailto'));
  }

  /** The address the item was sent to (lower-cased); undefined when there is no such item. */
  private async addressOf(trx: Db, item: SentItem): Promise<string | undefined> {
    if (item.kind === 'd') {
      const id = deliveryIdOf(item);
      const delivery = id === undefined ? undefined : await repo.findDelivery(trx, id);
      return delivery && delivery.status !== 'cancelled' ? delivery.email : undefined;
    }
    const mail = uuidPattern.test(item.id) ? await repo.findMail(trx, item.id) : undefined;
    return mail?.to_address.toLowerCase();
  }

  private async deliveryStatus(trx: Db, match: Match, recipient: RecipientStatus): Promise<ReportOutcome> {
    const severity = severityOf(recipient);
    const status = recipient.status ?? '';
    const item: SentItem = { kind: match.kind, id: match.id };
    if (severity === 'none') return { applied: 'nothing', reason: `action ${recipient.action}`, item };
    if (severity === 'transient') {
      // Transactional mail has nowhere to note a delay; the relay keeps trying either way.
      if (match.kind === 'd' && status) await repo.recordDelay(trx, Number(match.id), status);
      return { applied: 'delay', item, by: match.by, status };
    }
    const diagnostic = (recipient.diagnostic ?? `status ${status}`).slice(0, 500);
    if (match.kind === 'm') {
      await repo.recordMailBounce(trx, match.id, diagnostic);
      return { applied: 'bounce', item, by: match.by, status };
    }
    // The delivery fails; the contacts still using the address turn invalid, each audited.
    await repo.recordPermanentBounce(trx, Number(match.id), { status, diagnostic });
    return { applied: 'bounce', item, by: match.by, status };
  }

  /** An abuse complaint: the delivery is marked, and the address opted out of the category for its tenants. */
  private async complaint(trx: Db, match: Match, feedbackType: string): Promise<ReportOutcome> {
    const item: SentItem = { kind: match.kind, id: match.id };
    if (feedbackType !== 'abuse') return { applied: 'nothing', reason: `feedback type ${feedbackType}`, item };
    // Transactional mail (a confirmation, an activation) has no category to leave.
    if (match.kind === 'm') return { applied: 'nothing', reason: 'a complaint about transactional mail', item };
    await repo.recordComplaint(trx, Number(match.id));
    await optOutByDelivery(trx, match.id, 'complaint');
    return { applied: 'complaint', item, by: match.by };
  }
}
