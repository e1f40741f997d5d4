import { tenantAccess } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit-trail.js';
import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db/database.js';
import type { ContactType } from '../../platform/db/schema.js';
import { contactTypes } from '../../platform/db/schema.people.js';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import { fail, tooManyRequests } from '../../platform/errors.js';
import { recordEvent } from '../../platform/events.js';
import { loadMailTokens, type MailTokens } from '../../platform/mail/mail-tokens.js';
import { systemPrincipal, type Principal } from '../../platform/scope.js';
import { withdrawTypes } from '../contacts/contact.withdraw.js';
import type { ContactService } from '../contacts/contact.service.js';
import { tellDeclined } from './attestation.notify.js';
import * as repo from './attestation.repository.js';
import type { Answer, CampaignInput } from './attestation.schemas.js';
import { campaignView, questionView } from './attestation.views.js';

/** Campaigns one tenant's subtree may get in 24 hours. */
const CAMPAIGNS_PER_DAY = 10;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Re-attestation: campaigns ask contacts whether they still hold their types; the person answers
 * through a single-use link (a POST, never the GET a mail scanner makes). The mails, reminders,
 * expiry, staleness and yearly schedules are the sweep's (attestation.sweep.ts).
 */
export class AttestationService {
  private tokens: Promise<MailTokens> | undefined;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly config: Config,
    private readonly contacts: ContactService,
  ) {}

  /** The installation's signed tokens (the question's links name its row, signed). */
  mailTokens() {
    return (this.tokens ??= loadMailTokens(this.uow.db));
  }

  async start(principal: Principal, input: CampaignInput) {
    return this.uow.run(async (trx, after) => {
      const tenant = await tenantAccess(trx, principal, input.scope_tenant_id, 'write', { field: 'scope_tenant_id' });
      // A campaign writes a row per contact of the subtree: a small request must not repeat that without end.
      const earliest = await repo.campaignsSince(trx, tenant.id, new Date(Date.now() - 86_400_000), CAMPAIGNS_PER_DAY);
      if (earliest) {
        const retryAfter = Math.max(1, Math.ceil((earliest.getTime() + 86_400_000 - Date.now()) / 1000));
        throw tooManyRequests(
          `At most ${CAMPAIGNS_PER_DAY} campaigns a day over one tenant; try again in ${retryAfter} s`,
          retryAfter,
          'attestation',
        );
      }
      const by = { type: principal.kind, id: principal.id };
      const campaign = await startCampaign(trx, this.config, by, tenant.id, input);
      after.wake('attestation');
      return this.view(trx, campaign);
    });
  }

  async get(principal: Principal, id: string) {
    if (!uuid.test(id)) throw fail('attestation_campaign_not_found');
    const campaign = await repo.findCampaign(this.uow.db, principal.read, id);
    if (!campaign) throw fail('attestation_campaign_not_found');
    return this.view(this.uow.db, campaign);
  }

  async list(principal: Principal, tenantId: string) {
    await tenantAccess(this.uow.db, principal, tenantId, 'read', { field: 'tenant_id' });
    const campaigns = await repo.listCampaigns(this.uow.db, principal.read, tenantId, 100);
    const counts = await repo.countsOf(
      this.uow.db,
      campaigns.map((c) => c.id),
    );
    return { items: campaigns.map((c) => campaignView(c, counts)) };
  }

  private async view(db: Db, campaign: Parameters<typeof campaignView>[0]) {
    return campaignView(campaign, await repo.countsOf(db, [campaign.id]));
  }

  /** What the link's page shows: the question and where it stands. Changes nothing. */
  async question(token: string) {
    const request = await repo.findRequest(this.uow.db, await this.requestId(token), { lock: false });
    if (!request) throw fail('token_invalid');
    return questionView(request);
  }

  /** The person's answer: yes confirms; no removes the types asked about (and tells the campaign's author). */
  async answer(token: string, answer: Answer) {
    const id = await this.requestId(token);
    return this.uow.run(async (trx, after) => {
      const request = await repo.findRequest(trx, id, { lock: true });
      if (!request) throw fail('token_invalid');
      if (request.state === 'confirmed' || request.state === 'declined') throw fail('attestation_answered');
      if (request.state === 'expired' || request.expires_at <= new Date()) throw fail('attestation_closed');
      if (request.state === 'withdrawn' || !request.contact_id) throw fail('attestation_withdrawn');
      const actor = { type: 'person', id: request.contact_id } as const;
      const contact = { id: request.contact_id, tenantId: request.tenant_id };
      const entry = { tenantId: request.tenant_id, objectType: 'contact', objectId: contact.id } as const;
      if (answer === 'yes') {
        await repo.closeRequest(trx, id, 'confirmed');
        await repo.markConfirmed(trx, contact.id);
        const data = await this.contacts.get(systemPrincipal(request.tenant_id), contact.id, trx);
        await recordAudit(trx, actor, { ...entry, action: 'attestation_confirmed', after: { types: request.types } });
        await recordEvent(trx, { type: 'contact.attestation_confirmed', tenantId: request.tenant_id, data });
      } else {
        await repo.closeRequest(trx, id, 'declined');
        const withdrawn = await withdrawTypes(trx, actor, contact, request.types);
        if (!withdrawn) throw fail('attestation_withdrawn');
        if (!withdrawn.deleted) await repo.markDeclined(trx, contact.id);
        await recordAudit(trx, actor, { ...entry, action: 'attestation_declined', before: { types: request.types } });
        await recordEvent(trx, {
          type: 'contact.attestation_declined',
          tenantId: request.tenant_id,
          data: { ...withdrawn.before, declined_types: request.types, removed: withdrawn.deleted },
        });
        await tellDeclined(trx, this.config, request, withdrawn.before);
        after.wake('mail');
      }
      return { ...questionView({ ...request, state: answer === 'yes' ? 'confirmed' : 'declined' }) };
    });
  }

  /** A linked user's own sign-in confirms it holds its contact's types: its open question closes as confirmed. */
  async confirmBySignIn(userId: string) {
    await this.uow.run((trx) => repo.confirmUserContact(trx, userId));
  }

  private async requestId(token: string) {
    const named = token.length <= 100 ? (await this.mailTokens()).verify(token, 'attest') : null;
    if (!named || named.kind !== 'a' || !uuid.test(named.id)) throw fail('token_invalid');
    return named.id;
  }
}

/** Inside a transaction: the campaign, its questions, its audit entry (the sweep mails them). */
export async function startCampaign(
  trx: Db,
  config: Config,
  by: { type: 'user' | 'client' | 'system'; id: string | null },
  tenantId: string,
  input: { types?: ContactType[]; older_than_days?: number | null },
) {
  const types = input.types?.length ? contactTypes.filter((t) => input.types!.includes(t)) : [...contactTypes];
  const expiresAt = new Date(Date.now() + config.attestation.linkDays * 86_400_000);
  const campaign = await repo.insertCampaign(trx, {
    tenantId,
    types,
    olderThanDays: input.older_than_days ?? null,
    createdBy: by,
    expiresAt,
  });
  await recordAudit(trx, by, {
    tenantId,
    objectType: 'attestation_campaign',
    objectId: campaign.id,
    action: 'create',
    after: { types, older_than_days: input.older_than_days ?? null, asked: campaign.asked },
  });
  return campaign;
}
