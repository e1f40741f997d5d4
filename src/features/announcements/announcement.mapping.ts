import type { Static } from '@sinclair/typebox';
import type { AnnouncementRow } from './announcement.repository.js';
import type { Announcement } from './announcement.schemas.js';

type AnnouncementView = Static<typeof Announcement>;

export function toAnnouncement(row: AnnouncementRow, counts = { pending: 0, sent: 0, failed: 0 }): AnnouncementView {
  return {
    id: row.id,
    scope_tenant_id: row.scope_tenant_id,
    category: row.category,
    subject: row.subject,
    body: row.body,
    fallback: row.fallback,
    status: row.status,
    recipients: row.recipients,
    test: row.test,
    counts: { ...counts, skipped: row.skipped },
    created_by: { type: row.created_by_type, id: row.created_by_id },
    created_at: row.created_at.toISOString(),
    enqueued_at: row.enqueued_at?.toISOString() ?? null,
    completed_at: row.completed_at?.toISOString() ?? null,
  };
}
