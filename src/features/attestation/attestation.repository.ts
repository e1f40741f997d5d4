import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { ContactType } from '../../platform/db/schema.js';
import { eventSteps } from '../../platform/events.js';
import { inScope, type Scope } from '../../platform/scope.js';
import { contactJson } from '../contacts/contact.event-data.js';

/** Whether the contact aliased `alias` was neither confirmed nor created within `days` days. */
export const unconfirmedFor = (days: number, alias: string) =>
  sql<boolean>`coalesce(${sql.ref(`${alias}.attested_at`)}, ${sql.ref(`${alias}.created_at`)}) < now() - make_interval(days => ${days})`;

export interface NewCampaign {
  tenantId: string;
  types: ContactType[];
  olderThanDays: number | null;
  createdBy: { type: string; id: string | null };
  expiresAt: Date;
}

/**
 * The campaign and its questions, in two statements: one question per contact of the subtree
 * holding one of the types (those types it is asked about), with a valid address, not asked
 * already (its open question stays the one), and — with older_than_days — not confirmed since.
 * The contacts asked become `pending`. Answers the campaign and how many were asked.
 */
export async function insertCampaign(trx: Db, c: NewCampaign) {
  const campaign = await trx
    .insertInto('attestation_campaigns')
    .values({
      tenant_id: c.tenantId,
      types: c.types,
      older_than_days: c.olderThanDays,
      created_by_type: c.createdBy.type,
      created_by_id: c.createdBy.id,
      expires_at: c.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const { id } = campaign;
  const types = sql`${sql.val(c.types)}::text[]`;
  const old = c.olderThanDays === null ? sql`true` : unconfirmedFor(c.olderThanDays, 'c');
  const { rows } = await sql<{ asked: number }>`
    WITH asked AS (
      INSERT INTO attestation_requests (campaign_id, contact_id, tenant_id, types)
      SELECT ${id}::uuid, c.id, c.tenant_id,
        ARRAY(SELECT t FROM unnest(c.types) t WHERE t = ANY (${types}) ORDER BY t)
      FROM tenant_closure tc
        JOIN tenants t ON t.id = tc.descendant_id AND t.deleted_at IS NULL
        JOIN contacts c ON c.tenant_id = tc.descendant_id
      WHERE tc.ancestor_id = ${c.tenantId} AND c.types && ${types} AND c.validation_state = 'valid' AND ${old}
      ON CONFLICT (contact_id) WHERE state = 'pending' DO NOTHING
      RETURNING contact_id),
    marked AS (
      UPDATE contacts SET attestation_state = 'pending' FROM asked WHERE contacts.id = asked.contact_id RETURNING 1)
    SELECT count(*)::int AS asked FROM marked`.execute(trx);
  return { ...campaign, asked: rows[0].asked };
}

/** When the limit is reached: the earliest of the last `limit` campaigns over the tenant since `since` (else undefined). */
export async function campaignsSince(db: Db, tenantId: string, since: Date, limit: number) {
  const rows = await db
    .selectFrom('attestation_campaigns')
    .select('created_at')
    .where('tenant_id', '=', tenantId)
    .where('created_at', '>', since)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.length >= limit ? rows[rows.length - 1].created_at : undefined;
}

export function findCampaign(db: Db, scope: Scope, id: string) {
  return db
    .selectFrom('attestation_campaigns')
    .selectAll()
    .where('id', '=', id)
    .where(inScope('attestation_campaigns.tenant_id', scope))
    .executeTakeFirst();
}

export function listCampaigns(db: Db, scope: Scope, tenantId: string, limit: number) {
  return db
    .selectFrom('attestation_campaigns')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where(inScope('attestation_campaigns.tenant_id', scope))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Each campaign's questions by state. */
export async function countsOf(db: Db, campaignIds: string[]) {
  if (campaignIds.length === 0) return [];
  return db
    .selectFrom('attestation_requests')
    .select(['campaign_id', 'state'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('campaign_id', 'in', campaignIds)
    .groupBy(['campaign_id', 'state'])
    .execute();
}

/** A question, locked, with what its page and its answer need. */
export function findRequest(db: Db, id: string, options: { lock: boolean }) {
  return db
    .selectFrom('attestation_requests as r')
    .innerJoin('attestation_campaigns as k', 'k.id', 'r.campaign_id')
    .innerJoin('tenants as t', 't.id', 'r.tenant_id')
    .select(['r.id', 'r.contact_id', 'r.tenant_id', 'r.types', 'r.state', 'r.answered_at', 'r.campaign_id'])
    .select(['k.expires_at', 'k.created_by_type', 'k.created_by_id', 't.name as tenant_name'])
    .where('r.id', '=', id)
    .$if(options.lock, (q) => q.forUpdate('r'))
    .executeTakeFirst();
}

export async function closeRequest(trx: Db, id: string, state: 'confirmed' | 'declined' | 'withdrawn') {
  await trx.updateTable('attestation_requests').set({ state, answered_at: new Date() }).where('id', '=', id).execute();
}

/** The person said yes (by the link, or by signing in): confirmed now. */
export async function markConfirmed(trx: Db, contactId: string) {
  await trx
    .updateTable('contacts')
    .set({ attested_at: new Date(), attestation_state: 'confirmed' })
    .where('id', '=', contactId)
    .execute();
}

export async function markDeclined(trx: Db, contactId: string) {
  await trx.updateTable('contacts').set({ attestation_state: 'declined' }).where('id', '=', contactId).execute();
}

/**
 * Confirmations older than `staleDays` (and contacts never asked, created that long ago) turn
 * stale, at most `limit` per call, each with its contact.attestation_stale event; one statement.
 */
export async function markStale(trx: Db, staleDays: number, limit: number) {
  const { rows } = await sql<{ n: number }>`
    WITH turned AS (
      UPDATE contacts c SET attestation_state = 'stale'
      WHERE c.id IN (
        SELECT s.id FROM contacts s
        WHERE ${unconfirmedFor(staleDays, 's')}
          AND attestation_state IS DISTINCT FROM 'stale' AND attestation_state IS DISTINCT FROM 'pending'
        LIMIT ${limit})
      RETURNING c.tenant_id, c.id::text AS object_id, ${contactJson('c')} AS data),
    ${eventSteps('contact.attestation_stale', 'turned')}
    SELECT count(*)::int AS n FROM turned`.execute(trx);
  return rows[0].n;
}

/**
 * A linked user signed in: it confirms its contact, and closes its open question as confirmed.
 * Written only when that changes something (a confirmation younger than a day is left alone).
 */
export async function confirmUserContact(trx: Db, userId: string) {
  await sql`
    WITH confirmed AS (
      UPDATE contacts SET attested_at = now(), attestation_state = 'confirmed'
      WHERE user_id = ${userId} AND (attestation_state IS DISTINCT FROM 'confirmed'
        OR attested_at IS NULL OR attested_at < now() - interval '1 day')
      RETURNING id)
    UPDATE attestation_requests r SET state = 'confirmed', answered_at = now()
    FROM confirmed WHERE r.contact_id = confirmed.id AND r.state = 'pending'`.execute(trx);
}

/** Who started a campaign, when a user: where a decline is told, in its language. */
export function campaignAuthor(db: Db, campaignId: string) {
  return db
    .selectFrom('attestation_campaigns as k')
    .innerJoin('users as u', (join) => join.on(sql`u.id::text`, '=', sql.ref('k.created_by_id')))
    .innerJoin('tenants as t', 't.id', 'u.tenant_id')
    .select(['u.email', 'u.language', 't.language as tenant_language', 'u.tenant_id'])
    .where('k.id', '=', campaignId)
    .where('k.created_by_type', '=', 'user')
    .where('u.deleted_at', 'is', null)
    .where('u.enabled', '=', true)
    .executeTakeFirst();
}
