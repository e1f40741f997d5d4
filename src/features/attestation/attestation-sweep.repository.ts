import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { ContactType } from '../../platform/db/schema.js';
import { personField } from '../contacts/contact.person.js';
import { unconfirmedFor } from './attestation.repository.js';

/**
 * Questions to mail now, locked (another process skips them): never sent, or sent before
 * `remindBefore` and reminded fewer than `maxReminders` times, of campaigns still open. With
 * what the message needs: the person (a linked contact's from its user) and the tenant.
 */
export function claimDueRequests(trx: Db, o: { remindBefore: Date; maxReminders: number; limit: number }) {
  const person = (column: 'firstname' | 'email' | 'language') => personField(column).as(column);
  return trx
    .selectFrom('attestation_requests as r')
    .innerJoin('attestation_campaigns as k', 'k.id', 'r.campaign_id')
    .innerJoin('contacts as c', 'c.id', 'r.contact_id')
    .leftJoin('users as u', 'u.id', 'c.user_id')
    .innerJoin('tenants as t', 't.id', 'r.tenant_id')
    .select(['r.id', 'r.tenant_id', 'r.types', 'r.sends', 'k.expires_at', 't.name as tenant_name'])
    .select(['t.language as tenant_language', person('firstname'), person('email'), person('language')])
    .where('r.state', '=', 'pending')
    .where('k.expires_at', '>', new Date())
    .where((eb) =>
      eb.or([
        eb('r.last_sent_at', 'is', null),
        eb.and([eb('r.last_sent_at', '<', o.remindBefore), eb('r.sends', '<=', o.maxReminders)]),
      ]),
    )
    .orderBy(sql`r.last_sent_at NULLS FIRST`)
    .limit(o.limit)
    .forUpdate('r')
    .skipLocked()
    .execute();
}

export async function markSent(trx: Db, ids: string[]) {
  if (ids.length === 0) return;
  await trx
    .updateTable('attestation_requests')
    .set({ last_sent_at: new Date(), sends: sql`sends + 1` })
    .where('id', 'in', ids)
    .execute();
}

/**
 * The questions of campaigns past their end that got no answer expire; their contacts fall back
 * to what they were before they were asked: confirmed while the confirmation is younger than
 * `staleDays`, stale when older, never asked (null) when never confirmed and young.
 */
export async function expireUnanswered(trx: Db, staleDays: number) {
  const { rows } = await sql<{ n: number }>`
    WITH expired AS (
      UPDATE attestation_requests r SET state = 'expired'
      FROM attestation_campaigns k
      WHERE k.id = r.campaign_id AND r.state = 'pending' AND k.expires_at <= now()
      RETURNING r.contact_id),
    restored AS (
      UPDATE contacts c SET attestation_state = CASE
          WHEN ${unconfirmedFor(staleDays, 'c')} THEN 'stale'
          WHEN c.attested_at IS NULL THEN NULL ELSE 'confirmed' END
      FROM expired WHERE c.id = expired.contact_id AND c.attestation_state = 'pending'
      RETURNING 1)
    SELECT count(*)::int AS n FROM expired`.execute(trx);
  return rows[0].n;
}

/** The yearly campaigns due, locked; each is started and moved on a year (past the present). */
export function claimDueSchedules(trx: Db) {
  return trx
    .selectFrom('attestation_schedules')
    .selectAll()
    .where('next_run_at', '<=', new Date())
    .orderBy('next_run_at')
    .limit(100)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function moveScheduleOn(trx: Db, tenantId: string) {
  await sql`UPDATE attestation_schedules
    SET next_run_at = next_run_at + make_interval(years =>
      greatest(1, ceil(extract(epoch FROM now() - next_run_at) / (365.25 * 86400))::int))
    WHERE tenant_id = ${tenantId}`.execute(trx);
}

export function findSchedule(db: Db, tenantId: string) {
  return db.selectFrom('attestation_schedules').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
}

export async function putSchedule(
  trx: Db,
  values: {
    tenant_id: string;
    types: ContactType[];
    older_than_days: number | null;
    next_run_at: Date;
    created_by_type: string;
    created_by_id: string | null;
  },
) {
  const { tenant_id: _tenant, ...changes } = values;
  await trx
    .insertInto('attestation_schedules')
    .values(values)
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...changes, updated_at: new Date() }))
    .execute();
}

export async function deleteSchedule(trx: Db, tenantId: string) {
  const deleted = await trx.deleteFrom('attestation_schedules').where('tenant_id', '=', tenantId).executeTakeFirst();
  return deleted.numDeletedRows > 0n;
}
