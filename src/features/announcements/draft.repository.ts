import type { Db } from '../../platform/db/database.js';
import type { ContactType, LocalizedText } from '../../platform/db/schema.js';

/** A draft: kept unsent, in no queue. Without a category yet it stores '' (migration 0012 allows it only in a draft). */
export async function insertDraft(
  db: Db,
  values: {
    scope_tenant_id: string;
    fallback_ceiling_id: string;
    category?: ContactType;
    subject?: LocalizedText;
    body?: LocalizedText;
    fallback?: 'none' | 'ancestor';
    recipient_rule?: 'all' | 'primary';
    mandatory?: boolean;
    send_at?: Date;
    created_by_type: string;
    created_by_id: string | null;
  },
) {
  const { category, subject, body, fallback, ...rest } = values;
  return (
    await db
      .insertInto('announcements')
      .values({
        ...rest,
        category: category ?? ('' as ContactType),
        subject: JSON.stringify(subject ?? {}),
        body: JSON.stringify(body ?? {}),
        fallback: fallback ?? 'none',
        status: 'draft',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

/**
 * A draft becomes a notice: scheduled for its time, or enqueuing now (created_at stays the
 * draft's). The caller holds its lock and checked it is a draft.
 */
export async function markDraftSent(
  db: Db,
  id: string,
  values: { sendAt?: Date; recipients: number; ceilingId: string },
) {
  await db
    .updateTable('announcements')
    .set({
      status: values.sendAt ? 'scheduled' : 'enqueuing',
      send_at: values.sendAt ?? null,
      recipients: values.recipients,
      fallback_ceiling_id: values.ceilingId,
    })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .execute();
}

/** A draft has no deliveries and nothing refers to it: it goes entirely. */
export async function deleteDraft(db: Db, id: string) {
  await db.deleteFrom('announcements').where('id', '=', id).where('status', '=', 'draft').execute();
}
