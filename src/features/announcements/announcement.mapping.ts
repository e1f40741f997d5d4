import type { Static } from '@sinclair/typebox';
import type { AnnouncementRow } from './announcement.repository.js';
import type { Announcement, ContactDelivery, Delivery } from './announcement.schemas.js';
import type { DeliveryCounts, findDeliveries, findDeliveriesOfContact } from './delivery.repository.js';
import { noticeLanguage, noticeSubject } from './notice.mails.js';

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
    recipient_rule: row.recipient_rule,
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

/** What relays and recipients reported later, as answers show it. */
function bounceMarks(row: { bounced_at: Date | null; bounce_status: string | null; complained_at: Date | null }) {
  return {
    bounced_at: row.bounced_at?.toISOString() ?? null,
    bounce_status: row.bounce_status,
    complained_at: row.complained_at?.toISOString() ?? null,
  };
}

type DeliveryRow = Awaited<ReturnType<typeof findDeliveries>>[number];

/** A delivery of an announcement, with the names of the tenants it was sent for. */
export function toDelivery(r: DeliveryRow, names: Map<string, string>): Static<typeof Delivery> {
  return {
    id: String(r.id),
    email: r.address,
    language: r.language,
    tenants: r.tenant_ids.map((t) => ({ id: t, name: names.get(t) ?? '' })),
    contact_ids: r.contact_ids,
    status: r.status,
    attempts: r.attempts,
    last_error: r.last_error,
    sent_at: r.sent_at?.toISOString() ?? null,
    ...bounceMarks(r),
  };
}

type ContactDeliveryRow = Awaited<ReturnType<typeof findDeliveriesOfContact>>[number];

/** A notice in a contact's history: the subject as sent, in the language it was written in for this person. */
export function toContactDelivery(r: ContactDeliveryRow): Static<typeof ContactDelivery> {
  return {
    id: String(r.id),
    announcement_id: r.announcement_id,
    category: r.category,
    email: r.address,
    subject: noticeSubject(
      r.subject,
      noticeLanguage(r.language, Boolean(r.subject.it) && r.italian_body, Boolean(r.subject.en)),
      r.test,
    ),
    test: r.test,
    status: r.status,
    attempts: r.attempts,
    last_error: r.last_error,
    sent_at: r.sent_at?.toISOString() ?? null,
    ...bounceMarks(r),
    created_at: r.created_at.toISOString(),
  };
}
