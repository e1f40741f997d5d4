import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { ContactType, LocalizedText } from '../../platform/db/schema.js';
import { inScope, type Scope } from '../../platform/scope.js';
import { exactTime } from '../../platform/db/keyset.js';

export async function insertAnnouncement(db: Db, values: {
  scope_tenant_id: string; category: ContactType; subject: LocalizedText; body: LocalizedText;
  fallback: 'none' | 'ancestor'; fallback_ceiling_id?: string; created_by_type: string; created_by_id: string | null;
  /** The preview's count, shown until enqueueing counts the deliveries. */
  recipients?: number;
}) {
  return (await db.insertInto('announcements')
    .values({ ...values, subject: JSON.stringify(values.subject), body: JSON.stringify(values.body) })
    .returning('id').executeTakeFirstOrThrow()).id;
}

const createdAtKey = exactTime('a.created_at');

function selectAnnouncements(db: Db, scope: Scope) {
  return db.selectFrom('announcements as a').selectAll('a').select(createdAtKey.as('created_at_key')).where(inScope('a.scope_tenant_id', scope));
}

export type AnnouncementRow = Awaited<ReturnType<ReturnType<typeof selectAnnouncements>['executeTakeFirstOrThrow']>>;

export function findAnnouncement(db: Db, scope: Scope, id: string) {
  return selectAnnouncements(db, scope).where('a.id', '=', id).executeTakeFirst();
}

/** Announcements whose scope lies in the tenant's subtree, newest first (test messages left out). */
export function findAnnouncements(db: Db, scope: Scope, filter: { tenantId: string; before?: { created_at: string; id: string }; limit: number }) {
  let query = selectAnnouncements(db, scope).where('a.test', '=', false)
    .where('a.scope_tenant_id', 'in', db.selectFrom('tenant_closure').select('descendant_id').where('ancestor_id', '=', filter.tenantId))
    .orderBy('a.created_at', 'desc').orderBy('a.id', 'desc').limit(filter.limit + 1);
  if (filter.before) query = query.where(sql<boolean>`(a.created_at, a.id) < (${filter.before.created_at}::timestamptz, ${filter.before.id}::uuid)`);
  return query.execute();
}

/** Delivery counts of each announcement (one grouped scan of the status index). */
export async function countDeliveries(db: Db, ids: string[]) {
  const counts = new Map<string, { pending: number; sent: number; failed: number }>();
  if (ids.length === 0) return counts;
  const rows = await db.selectFrom('deliveries').select(['announcement_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('announcement_id', 'in', ids).groupBy(['announcement_id', 'status']).execute();
  for (const id of ids) counts.set(id, { pending: 0, sent: 0, failed: 0 });
  for (const row of rows) counts.get(row.announcement_id)![row.status] = Number(row.n);
  return counts;
}

export function findDeliveries(db: Db, scope: Scope, filter: { announcementId: string; status?: 'pending' | 'sent' | 'failed'; afterId?: number; limit: number }) {
  let query = db.selectFrom('deliveries as d').innerJoin('announcements as a', 'a.id', 'd.announcement_id')
    .select(['d.id', 'd.address', 'd.language', 'd.tenant_ids', 'd.contact_ids', 'd.status', 'd.attempts', 'd.last_error', 'd.sent_at'])
    .where('d.announcement_id', '=', filter.announcementId).where(inScope('a.scope_tenant_id', scope))
    .orderBy('d.id').limit(filter.limit + 1);
  if (filter.status) query = query.where('d.status', '=', filter.status);
  if (filter.afterId !== undefined) query = query.where('d.id', '>', filter.afterId);
  return query.execute();
}

/** The notices (and test messages) a contact was among the recipients of, newest first. */
export function findDeliveriesOfContact(db: Db, contactId: string, filter: { beforeId?: number; limit: number }) {
  let query = db.selectFrom('deliveries as d').innerJoin('announcements as a', 'a.id', 'd.announcement_id')
    .select(['d.id', 'd.announcement_id', 'a.category', 'a.subject', 'a.test', 'a.created_at', 'd.address', 'd.language', 'd.status', 'd.attempts', 'd.last_error', 'd.sent_at'])
    .select(sql<boolean>`a.body->>'it' IS NOT NULL`.as('italian_body'))
    .where(sql<boolean>`d.contact_ids @> ARRAY[${contactId}::uuid]`)
    .orderBy('d.id', 'desc').limit(filter.limit + 1);
  if (filter.beforeId !== undefined) query = query.where('d.id', '<', filter.beforeId);
  return query.execute();
}

export function findTenantNames(db: Db, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('tenants').select(['id', 'name']).where('id', 'in', ids).execute();
}

/**
 * A test message: an announcement to one contact, queued at once with its one delivery (there
 * is nothing to enqueue), so the worker sends, retries and records it like any other.
 */
export async function insertTestMessage(db: Db, values: {
  tenantId: string; contactId: string; category: ContactType; subject: LocalizedText; body: LocalizedText;
  address: string; language: string; createdBy: { type: string; id: string };
}) {
  const { id } = await db.insertInto('announcements').values({
    scope_tenant_id: values.tenantId, fallback_ceiling_id: values.tenantId, category: values.category, fallback: 'none', test: true,
    subject: JSON.stringify(values.subject), body: JSON.stringify(values.body), status: 'queued', recipients: 1, enqueued_at: sql<Date>`now()`,
    created_by_type: values.createdBy.type, created_by_id: values.createdBy.id,
  }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('deliveries').values({
    announcement_id: id, email: values.address.toLowerCase(), address: values.address, language: values.language,
    tenant_ids: [values.tenantId], contact_ids: [values.contactId], next_attempt_at: sql<Date>`now()`,
  }).execute();
  return id;
}

// --- enqueueing (the announcement worker) ---

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

export async function advanceEnqueue(db: Db, id: string, after: string, skipped: number) {
  await db.updateTable('announcements').set({ enqueue_after: after, skipped: sql`skipped + ${skipped}` }).where('id', '=', id).execute();
}

/** Fully enqueued: from now on workers send it. */
export async function finishEnqueue(db: Db, id: string) {
  await sql`UPDATE announcements SET status = 'queued', enqueued_at = now(),
    recipients = (SELECT count(*) FROM deliveries WHERE announcement_id = ${id}::uuid)
    WHERE id = ${id}::uuid`.execute(db);
}

// --- sending (the delivery worker) ---

/** Claims due deliveries of announcements that are fully enqueued; the lease is next_attempt_at. */
export function claimDeliveries(db: Db, options: { limit: number; leaseSeconds: number }) {
  return sql<{ id: number; announcement_id: string; address: string; language: string; tenant_ids: string[]; contact_ids: string[]; attempts: number }>`
    UPDATE deliveries d SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => ${options.leaseSeconds})
    WHERE d.id IN (
      SELECT q.id FROM deliveries q JOIN announcements a ON a.id = q.announcement_id
      WHERE q.status = 'pending' AND q.next_attempt_at <= now() AND a.status IN ('queued', 'sending')
      ORDER BY q.next_attempt_at LIMIT ${options.limit}
      FOR UPDATE OF q SKIP LOCKED)
    RETURNING d.id, d.announcement_id, d.address, d.language, d.tenant_ids, d.contact_ids, d.attempts`.execute(db).then((r) => r.rows);
}

export async function markAnnouncementsSending(db: Db, ids: string[]) {
  if (ids.length) await db.updateTable('announcements').set({ status: 'sending' }).where('id', 'in', ids).where('status', '=', 'queued').execute();
}

/**
 * Outcomes are recorded only by the claim that sent them (same attempt, still pending): a
 * worker whose lease ran out mid-send cannot overwrite what another worker recorded since.
 */
export interface Claim { id: number; attempts: number }

function ownClaim(db: Db, claim: Claim) {
  return db.updateTable('deliveries').where('id', '=', claim.id).where('status', '=', 'pending').where('attempts', '=', claim.attempts);
}

export async function markDeliverySent(db: Db, claim: Claim) {
  await ownClaim(db, claim).set({ status: 'sent', sent_at: new Date(), last_error: null }).execute();
}

export async function markDeliveryRetry(db: Db, claim: Claim, error: string, retryAt: Date) {
  await ownClaim(db, claim).set({ last_error: error, next_attempt_at: retryAt }).execute();
}

/**
 * A failure: the delivery fails and, when permanent, the contacts behind the address turn
 * invalid — those still using it: an address corrected while the old one was being retried is not blamed.
 */
export async function markDeliveryFailed(db: Db, claim: Claim, error: string, contactIds: string[], permanent: boolean) {
  const failed = await ownClaim(db, claim).set({ status: 'failed', last_error: error }).returning('id').executeTakeFirst();
  if (failed && permanent && contactIds.length) {
    await db.updateTable('contacts as c').set({ validation_state: 'invalid', updated_at: new Date(), version: sql`c.version + 1` })
      .where('c.id', 'in', contactIds).where('c.validation_state', '=', 'valid')
      .where(sql<boolean>`lower(CASE WHEN c.user_id IS NULL THEN c.email ELSE (SELECT u.email FROM users u WHERE u.id = c.user_id) END)
        = (SELECT d.email FROM deliveries d WHERE d.id = ${claim.id})`)
      .execute();
  }
}

/** Announcements with nothing left to send are done (all open ones when no ids are given). */
export async function completeAnnouncements(db: Db, ids?: string[]) {
  if (ids?.length === 0) return;
  await sql`UPDATE announcements a SET status = 'done', completed_at = now()
    WHERE a.status IN ('queued', 'sending')
      ${ids ? sql`AND a.id IN (${sql.join(ids.map((id) => sql`${id}::uuid`))})` : sql``}
      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.announcement_id = a.id AND d.status = 'pending')`.execute(db);
}

export function findAnnouncementContent(db: Db, id: string) {
  return db.selectFrom('announcements').select(['category', 'subject', 'body', 'test']).where('id', '=', id).executeTakeFirstOrThrow();
}
