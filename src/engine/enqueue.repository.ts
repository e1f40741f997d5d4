import { sql } from 'kysely';
import type { Db } from '../platform/db/database.js';

/** Scheduled notices whose time has come start: from now on they are enqueued like any other. */
export async function startDue(db: Db) {
  const result = await db
    .updateTable('announcements')
    .set({ status: 'enqueuing' })
    .where('status', '=', 'scheduled')
    .where('send_at', '<=', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Locks the next announcement still being enqueued (but those in `skip`); concurrent enqueuers skip it. */
export function lockEnqueuing(db: Db, skip: string[] = []) {
  let query = db.selectFrom('announcements').selectAll().where('status', '=', 'enqueuing');
  if (skip.length) query = query.where('id', 'not in', skip);
  return query.orderBy('created_at').limit(1).forUpdate().skipLocked().executeTakeFirst();
}

/** The last tenant id of the next chunk of the scope after `after` (undefined: none left). */
export async function nextChunkEnd(db: Db, scopeId: string, after: string | null, size: number) {
  const { rows } = await sql<{ last: string | null }>`
    SELECT descendant_id AS last FROM (
      SELECT descendant_id FROM tenant_closure WHERE ancestor_id = ${scopeId}::uuid
        AND (${after}::uuid IS NULL OR descendant_id > ${after}::uuid)
      ORDER BY descendant_id LIMIT ${size}) chunk
    ORDER BY descendant_id DESC LIMIT 1`.execute(db);
  return rows[0]?.last ?? undefined;
}

/** The tenants of the scope after `after` up to `end`: one chunk, as a subquery. */
export function chunkTenants(scopeId: string, after: string | null, end: string) {
  return sql`SELECT s.descendant_id FROM tenant_closure s WHERE s.ancestor_id = ${scopeId}::uuid
    AND (${after}::uuid IS NULL OR s.descendant_id > ${after}::uuid) AND s.descendant_id <= ${end}::uuid`;
}

export async function advanceEnqueue(db: Db, id: string, after: string, skipped: number) {
  await db
    .updateTable('announcements')
    .set({ enqueue_after: after, skipped: sql`skipped + ${skipped}` })
    .where('id', '=', id)
    .execute();
}

/** Fully enqueued: from now on workers send it. */
export async function finishEnqueue(db: Db, id: string) {
  await sql`UPDATE announcements SET status = 'queued', enqueued_at = now(),
    recipients = (SELECT count(*) FROM deliveries WHERE announcement_id = ${id}::uuid)
    WHERE id = ${id}::uuid`.execute(db);
}
