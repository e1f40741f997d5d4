import { tenantAccess } from '../../platform/access.js';
import { actorOf, recordAudit } from '../../platform/audit-trail.js';
import type { Db } from '../../platform/db/database.js';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import { fail } from '../../platform/errors.js';
import type { Principal } from '../../platform/scope.js';
import { toAnnouncement } from './announcement.mapping.js';
import * as repo from './announcement.repository.js';
import { assertMayMandate, sendTime } from './announcement.rules.js';
import { assertEnglishNotNeeded, checkWritten } from './announcement.languages.js';
import type { AnnouncementChanges } from './announcement.schemas.js';
import { cancelPendingDeliveries, countDeliveries } from './delivery.repository.js';
import { countRecipients, subtreeOf } from './recipients.repository.js';
import { finishOptOuts } from './announcement.enqueue.js';

// What may happen to a notice after it was accepted: edited while it waits for its time, or cancelled.

/**
 * The announcement, locked, when the caller may change it: it must see it (404 otherwise), may
 * write its scope (the access funnel: 403 when read-only) and stand at or above the tenant that
 * sent it (its fallback ceiling), so a customer's admin cannot stop its provider's notice.
 */
export async function lockForChange(trx: Db, principal: Principal, id: string) {
  const row = await repo.lockAnnouncement(trx, principal.read, id);
  if (!row) throw fail('announcement_not_found');
  await tenantAccess(trx, principal, row.scope_tenant_id, 'write');
  await tenantAccess(trx, principal, row.fallback_ceiling_id ?? row.scope_tenant_id, 'write').catch(() => {
    throw fail('announcement_not_yours');
  });
  return row;
}

/**
 * Changes a scheduled notice or a draft (409 once it started or was cancelled); a scheduled
 * notice's recipient count follows its category. A draft is checked only when it is sent.
 */
export async function editAnnouncement(
  uow: UnitOfWork,
  principal: Principal,
  id: string,
  changes: AnnouncementChanges,
) {
  const sendAt = sendTime(changes.send_at);
  return uow.run(async (trx) => {
    const row = await lockForChange(trx, principal, id);
    if (row.status !== 'scheduled' && row.status !== 'draft')
      throw fail('announcement_not_scheduled', { context: { status: row.status } });
    const draft = row.status === 'draft';
    if (changes.mandatory !== undefined && changes.mandatory !== row.mandatory) await assertMayMandate(trx, principal);
    const category = changes.category ?? row.category;
    const fallback = changes.fallback ?? row.fallback;
    const mandatory = changes.mandatory ?? row.mandatory;
    const { recipients: rule = row.recipient_rule, ...rest } = changes;
    const written = draft
      ? { en: true }
      : checkWritten({ subject: changes.subject ?? row.subject, body: changes.body ?? row.body });
    // A mandatory notice also reaches the addresses that opted out: its count changes with it.
    // Without English, who reads what is asked again (the contacts may have changed since).
    const recount =
      !draft &&
      (!written.en ||
        category !== row.category ||
        fallback !== row.fallback ||
        mandatory !== row.mandatory ||
        rule !== row.recipient_rule);
    const counted = recount
      ? await countRecipients(trx, {
          ceilingId: row.fallback_ceiling_id ?? row.scope_tenant_id,
          category,
          fallback: fallback === 'ancestor',
          tenants: subtreeOf(row.scope_tenant_id),
          mandatory,
          primaryOnly: rule === 'primary',
        })
      : undefined;
    if (counted) assertEnglishNotNeeded(written, counted.englishReaders);
    const recipients = counted?.recipients;
    await repo.updateScheduled(trx, id, { ...rest, recipient_rule: rule, send_at: sendAt, recipients });
    const before = Object.fromEntries(Object.keys(changes).map((key) => [key, auditValue(row, key)]));
    await recordAudit(trx, actorOf(principal), {
      tenantId: row.scope_tenant_id,
      objectType: 'announcement',
      objectId: id,
      action: 'update',
      before,
      after: changes,
    });
    return toAnnouncement((await repo.findAnnouncement(trx, principal.read, id))!);
  });
}

/**
 * Stops a notice: its pending deliveries are cancelled in the same transaction, so no worker
 * claims them again (those sent or failed stay as they are). A done or cancelled one: 409.
 */
export async function cancelAnnouncement(uow: UnitOfWork, principal: Principal, id: string) {
  return uow.run(async (trx) => {
    const row = await lockForChange(trx, principal, id);
    if (row.status === 'done' || row.status === 'cancelled')
      throw fail('announcement_finished', { context: { status: row.status } });
    await repo.markCancelled(trx, id);
    // Stopped while enqueueing: the rows held for opted-out addresses go, counted as opted out.
    await finishOptOuts(trx, id);
    const cancelled = await cancelPendingDeliveries(trx, id);
    await recordAudit(trx, actorOf(principal), {
      tenantId: row.scope_tenant_id,
      objectType: 'announcement',
      objectId: id,
      action: 'cancel',
      before: { status: row.status },
      after: { status: 'cancelled', deliveries_cancelled: cancelled },
    });
    const after = (await repo.findAnnouncement(trx, principal.read, id))!;
    return toAnnouncement(after, (await countDeliveries(trx, [id])).get(id));
  });
}

function auditValue(row: repo.AnnouncementRow, key: string) {
  if (key === 'send_at') return row.send_at?.toISOString() ?? null;
  return row[key as keyof repo.AnnouncementRow] ?? null;
}
