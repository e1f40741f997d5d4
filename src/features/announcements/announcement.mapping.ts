import type { Static } from '@sinclair/typebox';
import type { AnnouncementRow } from './announcement.repository.js';
import type { Announcement } from './announcement.schemas.js';
import type { DeliveryCounts } from './delivery.repository.js';

type AnnouncementView = Static<typeof Announcement>;

const noDeliveries: DeliveryCounts = { pending: 0, sent: 0, failed: 0, cancelled: 0, bounced: 0, complained: 0 };

export function toAnnouncement(row: AnnouncementRow, counts: DeliveryCounts = noDeliveries): AnnouncementView {
  return {
    id: row.id,
    scope_tenant_id: row.scope_tenant_id,
    category: row.category,
    subject: row.subject,
    body: row.body,
    fallback: row.fallback,
    status: row.status,
    mandatory: row.mandatory,
    send_at: row.send_at?.toISOString() ?? null,
    cancelled_at: row.cancelled_at?.toISOString() ?? null,
    recipients: row.recipients,
    test: row.test,
    counts: { ...counts, skipped: row.skipped, opted_out: row.opted_out },
    created_by: { type: row.created_by_type, id: row.created_by_id },
    created_at: row.created_at.toISOString(),
    enqueued_at: row.enqueued_at?.toISOString() ?? null,
    completed_at: row.completed_at?.toISOString() ?? null,
  };
}

/** Bounce and complaint marks of a delivery row, as answers show them. */
export function bounceMarks(row: {
  bounced_at: Date | null;
  bounce_status: string | null;
  complained_at: Date | null;
}) {
  return {
    bounced_at: row.bounced_at?.toISOString() ?? null,
    bounce_status: row.bounce_status,
    complained_at: row.complained_at?.toISOString() ?? null,
  };
}
