import { tenantAccess } from '../../platform/access.js';
import { recordAudit, type AuditActor } from '../../platform/audit-trail.js';
import type { Db } from '../../platform/db/database.js';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import { fail } from '../../platform/errors.js';
import { wakeIfFanned } from '../../platform/events.js';
import { loadMailTokens, type MailTokens } from '../../platform/mail/mail-tokens.js';
import type { Principal } from '../../platform/scope.js';
import type { ContactService } from '../contacts/contact.service.js';
import { askAgain } from './opt-out.ask-again.js';
import * as repo from './opt-out.repository.js';

type Delivery = NonNullable<Awaited<ReturnType<typeof repo.findDelivery>>>;

export interface OptOutOutcome {
  email: string;
  category: Delivery['category'];
  /** The tenants the delivery was sent for (those still there). */
  tenantIds: string[];
  /** Those of them opted out (or back in) by this call; empty when nothing changed. */
  changed: string[];
}

/** A delivery id from a token or a caller: digits only, else no delivery. */
const deliveryIdOf = (id: number | string) =>
  typeof id === 'number' ? id : /^[0-9]{1,15}$/.test(id) ? Number(id) : undefined;

const keyOf = (d: Delivery): repo.OptOutKey => ({ email: d.email, category: d.category, tenantIds: d.tenant_ids });

/**
 * Each tenant's entry in the audit trail: on its contact of that address when it has one, else
 * on the tenant itself (a tenant reached through an ancestor's contact, by fallback).
 */
async function auditEach(
  db: Db,
  delivery: Delivery,
  tenantIds: string[],
  actor: AuditActor,
  change: { action: string; source?: repo.OptOutSource },
) {
  if (tenantIds.length === 0) return;
  const contacts = new Map((await repo.findContactTenants(db, delivery.contact_ids)).map((c) => [c.tenant_id, c.id]));
  for (const tenantId of tenantIds) {
    const contactId = contacts.get(tenantId);
    await recordAudit(db, actor, {
      tenantId,
      objectType: contactId ? 'contact' : 'tenant',
      objectId: contactId ?? tenantId,
      action: change.action,
      after: {
        email: delivery.email,
        category: delivery.category,
        ...(change.source ? { source: change.source } : {}),
      },
    });
  }
}

/**
 * Opts the address of a delivery out of its announcement's category, for every tenant the
 * delivery was sent for, inside the caller's transaction (a one-click unsubscribe, a mailto
 * unsubscribe or an abuse complaint). Idempotent: tenants already opted out stay as they were.
 * Null: no such delivery.
 */
export async function optOutByDelivery(
  trx: Db,
  deliveryId: number | string,
  source: repo.OptOutSource,
): Promise<OptOutOutcome | null> {
  const id = deliveryIdOf(deliveryId);
  const delivery = id === undefined ? undefined : await repo.findDelivery(trx, id);
  if (!delivery) return null;
  const changed = await repo.insertOptOuts(trx, keyOf(delivery), source, delivery.id);
  const actor: AuditActor = { type: source === 'complaint' ? 'system' : 'person', id: null };
  await auditEach(trx, delivery, changed, actor, { action: 'opt_out', source });
  wakeIfFanned(trx, await repo.recordOptedOutEvents(trx, keyOf(delivery), delivery.contact_ids, changed));
  return { email: delivery.email, category: delivery.category, tenantIds: delivery.tenant_ids, changed };
}

/** The person behind a delivery takes its opt-out back, for every tenant the delivery was sent for. */
async function optInByDelivery(trx: Db, delivery: Delivery) {
  const changed = await repo.deleteOptOuts(trx, keyOf(delivery));
  await auditEach(trx, delivery, changed, { type: 'person', id: null }, { action: 'opt_in' });
}

export class OptOutService {
  private tokens?: Promise<MailTokens>;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly contacts: ContactService,
    private readonly publicUrl: string,
  ) {}

  private get db() {
    return this.uow.db;
  }

  /** The installation's key, loaded once, before any transaction (PGlite has one connection: never the outer handle inside one). */
  private mailTokens() {
    this.tokens ??= loadMailTokens(this.db);
    return this.tokens;
  }

  /** The delivery an unsubscribe token names; 404 for any token that is not ours, whatever the reason. */
  private async deliveryOf(db: Db, token: string) {
    const named = (await this.mailTokens()).verify(token, 'unsubscribe');
    const id = named?.kind === 'd' ? deliveryIdOf(named.id) : undefined;
    const delivery = id === undefined ? undefined : await repo.findDelivery(db, id);
    if (!delivery) throw fail('unsubscribe_link_invalid');
    return delivery;
  }

  /** What the unsubscribe page shows: the address, the category, the tenants, and whether it is opted out of all. */
  async page(token: string, db: Db = this.db) {
    const delivery = await this.deliveryOf(db, token);
    const [optOuts, tenants] = await Promise.all([
      repo.findOptOuts(db, keyOf(delivery)),
      repo.findTenantNames(db, delivery.tenant_ids),
    ]);
    const optedOut = delivery.tenant_ids.length > 0 && optOuts.length === delivery.tenant_ids.length;
    const since = optedOut ? Math.min(...optOuts.map((o) => o.created_at.getTime())) : undefined;
    return {
      email: delivery.email,
      category: delivery.category,
      tenants: tenants.map((t) => ({ name: t.name })),
      opted_out: optedOut,
      since: since === undefined ? null : new Date(since).toISOString(),
    };
  }

  /** From the page (or the one-click POST): out of the category, or back in. */
  async setSubscribed(token: string, subscribed: boolean) {
    await this.mailTokens();
    return this.uow.run(async (trx) => {
      const delivery = await this.deliveryOf(trx, token);
      if (subscribed) await optInByDelivery(trx, delivery);
      else await optOutByDelivery(trx, delivery.id, 'unsubscribe');
      return this.page(token, trx);
    });
  }

  /** The opt-outs of a contact's address in the contact's tenant, for whoever may read the contact. */
  async ofContact(principal: Principal, contactId: string) {
    const contact = await this.contacts.get(principal, contactId);
    await tenantAccess(this.db, principal, contact.tenant_id, 'read');
    const rows = await repo.findOptOutsOfAddress(this.db, contact.tenant_id, contact.email);
    return {
      items: rows.map((r) => ({
        category: r.category,
        tenant_id: r.tenant_id,
        source: r.source,
        created_at: r.created_at.toISOString(),
      })),
    };
  }

  /** Mails the person a link to the unsubscribe page, where they may opt back in (see opt-out.ask-again.ts). */
  async askAgain(principal: Principal, contactId: string, category?: Delivery['category']) {
    const tokens = await this.mailTokens();
    return askAgain({ uow: this.uow, contacts: this.contacts, tokens, publicUrl: this.publicUrl }, principal, {
      contactId,
      category,
    });
  }
}
