import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { ContactType, LocalizedText } from '../../platform/db/schema.js';
import { inScope, type Scope } from '../../platform/scope.js';
import { exactTime } from '../../platform/db/keyset.js';
import { containing } from '../../platform/db/like.js';
import type { AnnouncementStatus } from './announcement.schemas.js';

export async function insertAnnouncement(
  db: Db,
  values: {
    scope_tenant_id: string;
    category: ContactType;
    subject: LocalizedText;
    body: LocalizedText;
    fallback: 'none' | 'ancestor';
    recipient_rule?: 'all' | 'primary';
    fallback_ceiling_id?: string;
    created_by_type: string;
    created_by_id: string | null;
    /** The preview's count, shown until enqueueing counts the deliveries. */
    recipients?: number;
    mandatory?: boolean;
    /** A scheduled notice waits until then; none: enqueued at once. */
    send_at?: Date;
  },
) {
  return (
    await db
      .insertInto('announcements')
      .values({
        ...values,
        subject: JSON.stringify(values.subject),
        body: JSON.stringify(values.body),
        status: values.send_at ? 'scheduled' : 'enqueuing',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

const createdAtKey = exactTime('a.created_at');

function selectAnnouncements(db: Db, scope: Scope) {
  return db
    .selectFrom('announcements as a')
    .selectAll('a')
    .select(createdAtKey.as('created_at_key'))
    .where(inScope('a.scope_tenant_id', scope))
    .where((eb) => eb.or([eb('a.status', '<>', 'draft'), inScope('a.fallback_ceiling_id', scope)]));
}

export type AnnouncementRow = Awaited<ReturnType<ReturnType<typeof selectAnnouncements>['executeTakeFirstOrThrow']>>;

/** Those the scope may read: a draft only by the tenant that wrote it (its ceiling), not the customers it addresses. */
export function findAnnouncement(db: Db, scope: Scope, id: string) {
  return selectAnnouncements(db, scope).where('a.id', '=', id).executeTakeFirst();
}

/** The announcement, locked until the transaction ends (edits and cancels wait for an enqueue chunk in flight). */
export function lockAnnouncement(db: Db, scope: Scope, id: string) {
  return selectAnnouncements(db, scope).where('a.id', '=', id).forUpdate('a').executeTakeFirst();
}

/** A scheduled notice's or a draft's new content or time (the caller holds its lock and checked its status). */
export async function updateScheduled(
  db: Db,
  id: string,
  values: {
    category?: ContactType;
    subject?: LocalizedText;
    body?: LocalizedText;
    fallback?: 'none' | 'ancestor';
    recipient_rule?: 'all' | 'primary';
    mandatory?: boolean;
    send_at?: Date;
    recipients?: number;
  },
) {
  const { subject, body, ...plain } = values;
  await db
    .updateTable('announcements')
    .set({
      ...plain,
      ...(subject ? { subject: JSON.stringify(subject) } : {}),
      ...(body ? { body: JSON.stringify(body) } : {}),
    })
    .where('id', '=', id)
    .where('status', 'in', ['scheduled', 'draft'])
    .execute();
}

/** Cancelled: workers neither enqueue nor send it any more. */
export async function markCancelled(db: Db, id: string) {
  await db
    .updateTable('announcements')
    .set({ status: 'cancelled', cancelled_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export interface AnnouncementFilter {
  tenantId: string;
  status?: AnnouncementStatus;
  category?: ContactType;
  /** Text the subject contains, in any language and any case. */
  q?: string;
}

/** Announcements whose scope lies in the tenant's subtree, newest first (test messages left out). */
export function findAnnouncements(
  db: Db,
  scope: Scope,
  filter: AnnouncementFilter & { before?: { created_at: string; id: string }; limit: number },
) {
  let query = selectAnnouncements(db, scope)
    .where('a.test', '=', false)
    .where(
      'a.scope_tenant_id',
      'in',
      db.selectFrom('tenant_closure').select('descendant_id').where('ancestor_id', '=', filter.tenantId),
    )
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(filter.limit + 1);
  if (filter.status) query = query.where('a.status', '=', filter.status);
  if (filter.category) query = query.where('a.category', '=', filter.category);
  // The subject in any of its languages (a jsonb object of language → text).
  if (filter.q)
    query = query.where(
      sql<boolean>`exists (select 1 from jsonb_each_text(a.subject) s where s.value ilike ${containing(filter.q)})`,
    );
  if (filter.before)
    query = query.where(
      sql<boolean>`(a.created_at, a.id) < (${filter.before.created_at}::timestamptz, ${filter.before.id}::uuid)`,
    );
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
export async function insertTestMessage(
  db: Db,
  values: {
    tenantId: string;
    contactId: string;
    category: ContactType;
    subject: LocalizedText;
    body: LocalizedText;
    address: string;
    language: string;
    createdBy: { type: string; id: string };
  },
) {
  const { id } = await db
    .insertInto('announcements')
    .values({
      scope_tenant_id: values.tenantId,
      fallback_ceiling_id: values.tenantId,
      category: values.category,
      fallback: 'none',
      test: true,
      subject: JSON.stringify(values.subject),
      body: JSON.stringify(values.body),
      status: 'queued',
      recipients: 1,
      enqueued_at: sql<Date>`now()`,
      created_by_type: values.createdBy.type,
      created_by_id: values.createdBy.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('deliveries')
    .values({
      announcement_id: id,
      email: values.address.toLowerCase(),
      address: values.address,
      language: values.language,
      tenant_ids: [values.tenantId],
      contact_ids: [values.contactId],
      next_attempt_at: sql<Date>`now()`,
    })
    .execute();
  return id;
}
