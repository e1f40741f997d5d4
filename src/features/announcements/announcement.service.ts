import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import type { ContactType } from '../../platform/db/schema.js';
import { fail } from '../../platform/errors.js';
import { CursorFields, cursorOf, paged } from '../../platform/http/paging.js';
import type { Principal } from '../../platform/scope.js';
import { sendTestMessage, type TestMessageLimits } from './test-message.js';
import { actorOf, recordAudit } from '../../platform/audit-trail.js';
import type { ContactService } from '../contacts/contact.service.js';
import { toAnnouncement, toContactDelivery, toDelivery } from './announcement.mapping.js';
import { checkNotice } from './announcement.audience.js';
import { createDraft, deleteDraft, requireNotice, sendDraft } from './announcement.drafts.js';
import type { AnnouncementRequest } from './announcement-draft.schemas.js';
import { renderNotice } from './notice.mails.js';
import * as repo from './announcement.repository.js';
import * as deliveries from './delivery.repository.js';
import type { Static } from '@sinclair/typebox';
import type {
  AnnouncementChanges,
  AnnouncementInput,
  DeliveryStatus,
  ListAnnouncementsQuery,
} from './announcement.schemas.js';
import { listAnnouncements } from './announcement.list.js';
import { cancelAnnouncement, editAnnouncement } from './announcement.changes.js';

/** Deliveries by id (the announcements' own cursor, with their filters: announcement.list.ts). */
const deliveryCursor = cursorOf({ afterId: CursorFields.Id });

export class AnnouncementService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly contacts: ContactService,
    private readonly limits: TestMessageLimits,
  ) {}

  private get db() {
    return this.uow.db;
  }

  async preview(principal: Principal, input: AnnouncementInput) {
    const { query, counts, sample } = await checkNotice(this.db, principal, input, 10);
    return {
      recipients: counts.recipients,
      skipped: counts.skipped,
      opted_out: counts.optedOut,
      by_tenant_kind: counts.byKind,
      sample: sample.map((s) => ({
        email: s.address,
        tenant_id: s.tenant_id,
        tenant_name: s.tenant_name,
        inherited: s.inherited,
      })),
      by_language: { en: counts.englishReaders, it: counts.recipients - counts.englishReaders },
      rendered: renderNotice(input, [query.scopeName]),
    };
  }

  /** Accepted at once; the worker enqueues (in chunks, resumably) and sends. A draft is only stored. */
  async create(principal: Principal, request: AnnouncementRequest) {
    const { draft, ...given } = request;
    if (draft) return createDraft(this.uow, principal, request);
    const input = requireNotice(given);
    const { sendAt, query, recipients } = await checkNotice(this.db, principal, input);
    const announcement = await this.uow.run(async (trx, after) => {
      const id = await repo.insertAnnouncement(trx, {
        scope_tenant_id: input.scope_tenant_id,
        category: input.category,
        subject: input.subject,
        body: input.body,
        fallback: input.fallback ?? 'none',
        recipient_rule: input.recipients ?? 'all',
        fallback_ceiling_id: query.ceilingId,
        created_by_type: principal.kind,
        created_by_id: principal.id,
        recipients,
        mandatory: input.mandatory ?? false,
        send_at: sendAt,
      });
      await recordAudit(trx, actorOf(principal), {
        tenantId: input.scope_tenant_id,
        objectType: 'announcement',
        objectId: id,
        action: 'create',
        after: {
          category: input.category,
          subject: input.subject,
          fallback: input.fallback ?? 'none',
          recipients: input.recipients ?? 'all',
          mandatory: input.mandatory ?? false,
          send_at: input.send_at ?? null,
        },
      });
      if (!sendAt) after.wake('notices');
      return (await repo.findAnnouncement(trx, principal.read, id))!;
    });
    return toAnnouncement(announcement);
  }

  async get(principal: Principal, id: string) {
    const row = await repo.findAnnouncement(this.db, principal.read, id);
    if (!row) throw fail('announcement_not_found');
    return toAnnouncement(row, (await deliveries.countDeliveries(this.db, [id])).get(id));
  }

  /** Filtered by state, contact type and subject text, paged (announcement.list.ts). */
  list(principal: Principal, query: Static<typeof ListAnnouncementsQuery>) {
    return listAnnouncements(this.db, principal, query);
  }

  async deliveries(
    principal: Principal,
    id: string,
    query: { status?: DeliveryStatus; recipient?: string; limit?: number; after?: string },
  ) {
    await this.get(principal, id);
    const limit = query.limit ?? 100;
    const afterId = query.after ? deliveryCursor.decode(query.after).afterId : undefined;
    const rows = await deliveries.findDeliveries(this.db, principal.read, {
      announcementId: id,
      status: query.status,
      recipient: query.recipient,
      afterId,
      limit,
    });
    const names = new Map(
      (await repo.findTenantNames(this.db, [...new Set(rows.flatMap((r) => r.tenant_ids))])).map((t) => [t.id, t.name]),
    );
    const items = rows.map((r) => toDelivery(r, names));
    return paged(items, limit, (last) => deliveryCursor.encode({ afterId: Number(last.id) }));
  }

  async contactDeliveries(principal: Principal, contactId: string, query: { limit?: number; after?: string }) {
    await this.contacts.get(principal, contactId);
    const limit = query.limit ?? 100;
    const beforeId = query.after ? deliveryCursor.decode(query.after).afterId : undefined;
    const rows = await deliveries.findDeliveriesOfContact(this.db, principal.read, contactId, { beforeId, limit });
    const items = rows.map(toContactDelivery);
    return paged(items, limit, (last) => deliveryCursor.encode({ afterId: Number(last.id) }));
  }

  /** Changes a scheduled notice; cancels one not done yet (announcement.changes.ts). */
  edit(principal: Principal, id: string, changes: AnnouncementChanges) {
    return editAnnouncement(this.uow, principal, id, changes);
  }

  cancel(principal: Principal, id: string) {
    return cancelAnnouncement(this.uow, principal, id);
  }

  /** A draft sent as a notice, or deleted (announcement.drafts.ts). */
  send(principal: Principal, id: string) {
    return sendDraft(this.uow, principal, id);
  }

  remove(principal: Principal, id: string) {
    return deleteDraft(this.uow, principal, id);
  }

  /** A short notice to one contact, to check that its address receives them (see test-message.ts). */
  sendTestMessage(principal: Principal, contactId: string, type: ContactType) {
    return sendTestMessage({ uow: this.uow, contacts: this.contacts, limits: this.limits }, principal, contactId, type);
  }
}
