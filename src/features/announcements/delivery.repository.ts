import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import { inScope, type Scope } from '../../platform/scope.js';
import { containing } from '../../platform/db/like.js';
import type { DeliveryStatus } from './announcement.schemas.js';

// The deliveries of announcements, as their senders and readers see them (the engine claims and records them).

export interface DeliveryCounts {
  pending: number;
  sent: number;
  failed: number;
  cancelled: number;
  /** Failed deliveries a relay reported later (a DSN). */
  bounced: number;
  /** Deliveries whose recipient complained (an abuse report). */
  complained: number;
}

/**
 * Delivery counts of each announcement: one grouped scan of the status index, and the few
 * rows marked by a bounce or a complaint.
 */
export async function countDeliveries(db: Db, ids: string[]) {
  const counts = new Map<string, DeliveryCounts>();
  if (ids.length === 0) return counts;
  const [byStatus, marked] = await Promise.all([
    db
      .selectFrom('deliveries')
      .select(['announcement_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('announcement_id', 'in', ids)
      .groupBy(['announcement_id', 'status'])
      .execute(),
    db
      .selectFrom('deliveries')
      .select('announcement_id')
      .select(sql<number>`count(*) FILTER (WHERE status = 'failed' AND bounced_at IS NOT NULL)`.as('bounced'))
      .select(sql<number>`count(*) FILTER (WHERE complained_at IS NOT NULL)`.as('complained'))
      .where('announcement_id', 'in', ids)
      .where((eb) => eb.or([eb('bounced_at', 'is not', null), eb('complained_at', 'is not', null)]))
      .groupBy('announcement_id')
      .execute(),
  ]);
  for (const id of ids) counts.set(id, { pending: 0, sent: 0, failed: 0, cancelled: 0, bounced: 0, complained: 0 });
  for (const row of byStatus) counts.get(row.announcement_id)![row.status] = Number(row.n);
  for (const row of marked) {
    const count = counts.get(row.announcement_id)!;
    count.bounced = Number(row.bounced);
    count.complained = Number(row.complained);
  }
  return counts;
}

/** The deliveries of a cancelled notice not sent yet: never sent now (sent and failed ones stay). */
export async function cancelPendingDeliveries(db: Db, announcementId: string) {
  const result = await db
    .updateTable('deliveries')
    .set({ status: 'cancelled' })
    .where('announcement_id', '=', announcementId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export function findDeliveries(
  db: Db,
  scope: Scope,
  filter: { announcementId: string; status?: DeliveryStatus; recipient?: string; afterId?: number; limit: number },
) {
  let query = db
    .selectFrom('deliveries as d')
    .innerJoin('announcements as a', 'a.id', 'd.announcement_id')
    .select([
      'd.id',
      'd.address',
      'd.language',
      'd.tenant_ids',
      'd.contact_ids',
      'd.status',
      'd.attempts',
      'd.last_error',
      'd.sent_at',
      'd.bounced_at',
      'd.bounce_status',
      'd.complained_at',
    ])
    .where('d.announcement_id', '=', filter.announcementId)
    .where(inScope('a.scope_tenant_id', scope))
    .orderBy('d.id')
    .limit(filter.limit + 1);
  if (filter.status) query = query.where('d.status', '=', filter.status);
  if (filter.recipient) query = query.where('d.address', 'ilike', containing(filter.recipient));
  if (filter.afterId !== undefined) query = query.where('d.id', '>', filter.afterId);
  return query.execute();
}

/** The notices (and test messages) a contact was among the recipients of, newest first. */
export function findDeliveriesOfContact(
  db: Db,
  scope: Scope,
  contactId: string,
  filter: { beforeId?: number; limit: number },
) {
  let query = db
    .selectFrom('deliveries as d')
    .innerJoin('announcements as a', 'a.id', 'd.announcement_id')
    .select([
      'd.id',
      'd.announcement_id',
      'a.category',
      'a.subject',
      'a.test',
      'a.created_at',
      'd.address',
      'd.language',
      'd.status',
      'd.attempts',
      'd.last_error',
      'd.sent_at',
      'd.bounced_at',
      'd.bounce_status',
      'd.complained_at',
    ])
    .select(sql<boolean>`a.body->>'it' IS NOT NULL`.as('italian_body'))
    .where(sql<boolean>`d.contact_ids @> ARRAY[${contactId}::uuid]`)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('contacts as c').select('c.id').where('c.id', '=', contactId).where(inScope('c.tenant_id', scope)),
      ),
    )
    .orderBy('d.id', 'desc')
    .limit(filter.limit + 1);
  if (filter.beforeId !== undefined) query = query.where('d.id', '<', filter.beforeId);
  return query.execute();
}
