import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import { inScope, type Scope } from '../../platform/scope.js';

// The deliveries of announcements, as their senders and readers see them (the engine claims and records them).

export async function countDeliveries(db: Db, ids: string[]) {
  const counts = new Map<string, { pending: number; sent: number; failed: number; cancelled: number }>();
  if (ids.length === 0) return counts;
  const rows = await db
    .selectFrom('deliveries')
    .select(['announcement_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('announcement_id', 'in', ids)
    .groupBy(['announcement_id', 'status'])
    .execute();
  for (const id of ids) counts.set(id, { pending: 0, sent: 0, failed: 0, cancelled: 0 });
  for (const row of rows) counts.get(row.announcement_id)![row.status] = Number(row.n);
  return counts;
}

export function findDeliveries(
  db: Db,
  scope: Scope,
  filter: { announcementId: string; status?: 'pending' | 'sent' | 'failed'; afterId?: number; limit: number },
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
    ])
    .where('d.announcement_id', '=', filter.announcementId)
    .where(inScope('a.scope_tenant_id', scope))
    .orderBy('d.id')
    .limit(filter.limit + 1);
  if (filter.status) query = query.where('d.status', '=', filter.status);
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
