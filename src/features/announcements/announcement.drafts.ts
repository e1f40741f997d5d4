import { actorOf, recordAudit } from '../../platform/audit-trail.js';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import { fail, invalidFields } from '../../platform/errors.js';
import type { Principal } from '../../platform/scope.js';
import { announcerScope, checkNotice } from './announcement.audience.js';
import { lockForChange } from './announcement.changes.js';
import type { AnnouncementRequest } from './announcement-draft.schemas.js';
import { toAnnouncement } from './announcement.mapping.js';
import * as repo from './announcement.repository.js';
import { assertMayMandate, sendTime } from './announcement.rules.js';
import type { AnnouncementInput } from './announcement.schemas.js';
import { deleteDraft as deleteDraftRow, insertDraft, markDraftSent } from './draft.repository.js';

// Drafts: notices kept unsent on the server. Made by POST /announcements with draft: true, edited
// with PATCH like a scheduled notice, then sent (checked in full, like a POST) or deleted. A draft
// is in no queue: the workers look for scheduled and enqueuing notices only.

/** A notice needs what a draft may lack: 400 naming each missing field. */
export function requireNotice(input: Partial<AnnouncementInput> & { scope_tenant_id: string }): AnnouncementInput {
  const missing = (['category', 'subject', 'body'] as const).filter(
    (field) => !input[field] || (field !== 'category' && Object.keys(input[field]).length === 0),
  );
  if (missing.length) throw invalidFields(missing, missing.map((field) => `${field} is required`).join('; '));
  return input as AnnouncementInput;
}

/** Stored as given, unsent: only the scope is required (the caller must be allowed to announce to it). */
export async function createDraft(uow: UnitOfWork, principal: Principal, input: AnnouncementRequest) {
  const sendAt = sendTime(input.send_at);
  if (input.mandatory) await assertMayMandate(uow.db, principal);
  const { ceilingId } = await announcerScope(uow.db, principal, input.scope_tenant_id);
  return uow.run(async (trx) => {
    const id = await insertDraft(trx, {
      scope_tenant_id: input.scope_tenant_id,
      fallback_ceiling_id: ceilingId,
      category: input.category,
      subject: input.subject,
      body: input.body,
      fallback: input.fallback,
      recipient_rule: input.recipients,
      mandatory: input.mandatory,
      send_at: sendAt,
      created_by_type: principal.kind,
      created_by_id: principal.id,
    });
    await recordAudit(trx, actorOf(principal), {
      tenantId: input.scope_tenant_id,
      objectType: 'announcement',
      objectId: id,
      action: 'create',
      after: {
        status: 'draft',
        category: input.category ?? null,
        subject: input.subject ?? {},
        fallback: input.fallback ?? 'none',
        recipients: input.recipients ?? 'all',
        mandatory: input.mandatory ?? false,
        send_at: input.send_at ?? null,
      },
    });
    return toAnnouncement((await repo.findAnnouncement(trx, principal.read, id))!);
  });
}

async function lockDraft(trx: Parameters<typeof lockForChange>[0], principal: Principal, id: string) {
  const row = await lockForChange(trx, principal, id);
  if (row.status !== 'draft') throw fail('announcement_not_draft', { context: { status: row.status } });
  return row;
}

/**
 * The draft becomes a notice, in one transaction: checked as POST /announcements checks one
 * (400 naming a missing field, the language rules, who may announce, mandatory), then
 * scheduled when its time is still ahead, else enqueued at once.
 */
export async function sendDraft(uow: UnitOfWork, principal: Principal, id: string) {
  return uow.run(async (trx, after) => {
    const row = await lockDraft(trx, principal, id);
    const due = row.send_at && row.send_at.getTime() > Date.now() ? row.send_at.toISOString() : undefined;
    const input = requireNotice({
      scope_tenant_id: row.scope_tenant_id,
      category: row.category || undefined,
      subject: row.subject,
      body: row.body,
      fallback: row.fallback,
      recipients: row.recipient_rule,
      mandatory: row.mandatory,
      ...(due ? { send_at: due } : {}),
    });
    const { sendAt, query, recipients } = await checkNotice(trx, principal, input);
    await markDraftSent(trx, id, { sendAt, recipients, ceilingId: query.ceilingId });
    await recordAudit(trx, actorOf(principal), {
      tenantId: row.scope_tenant_id,
      objectType: 'announcement',
      objectId: id,
      action: 'send',
      before: { status: 'draft' },
      after: { status: sendAt ? 'scheduled' : 'enqueuing', send_at: input.send_at ?? null, recipients },
    });
    if (!sendAt) after.wake('notices');
    return toAnnouncement((await repo.findAnnouncement(trx, principal.read, id))!);
  });
}

/** A draft goes entirely; anything else was sent or scheduled and is cancelled instead (409). */
export async function deleteDraft(uow: UnitOfWork, principal: Principal, id: string) {
  await uow.run(async (trx) => {
    const row = await lockDraft(trx, principal, id);
    await deleteDraftRow(trx, id);
    await recordAudit(trx, actorOf(principal), {
      tenantId: row.scope_tenant_id,
      objectType: 'announcement',
      objectId: id,
      action: 'delete',
      before: { status: 'draft', category: row.category || null, subject: row.subject },
    });
  });
}
