import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import { wakeIfFanned } from '../../platform/events.js';
import { invalidateBouncedContacts } from './bounced-contacts.js';

// The marks a relay's later report leaves: on a delivery of a notice (bounced, delayed,
// complained about) or on a transactional mail of the outbox (bounced).

/** A notice's delivery a report names, with the address it went to (lower-cased). */
export function findDelivery(db: Db, id: number) {
  return db.selectFrom('deliveries').select(['id', 'email', 'status']).where('id', '=', id).executeTakeFirst();
}

/** A transactional mail a report names, with its address. */
export function findMail(db: Db, id: string) {
  return db.selectFrom('mail_outbox').select(['id', 'to_address', 'status']).where('id', '=', id).executeTakeFirst();
}

/**
 * A permanent bounce of a delivery: failed (even once sent) with the report's status and
 * diagnostic, and, by the one bounce rule, the contacts still using the address invalid.
 * A cancelled delivery was never sent: a report about it changes nothing. Answers the
 * contacts turned invalid (none when the delivery did not change either).
 */
export async function recordPermanentBounce(db: Db, id: number, bounce: { status: string; diagnostic: string }) {
  const { rows } = await invalidateBouncedContacts(
    sql`bounced AS (
      UPDATE deliveries d SET status = 'failed', bounced_at = now(), bounce_status = ${bounce.status},
        last_error = ${bounce.diagnostic}
      WHERE d.id = ${id} AND d.status <> 'cancelled'
      RETURNING d.id AS delivery_id, d.email, d.contact_ids, d.bounce_status AS status, d.last_error AS diagnostic)`,
    sql`bounced`,
  ).execute(db);
  wakeIfFanned(db, rows[0]?.fanned ?? 0);
  return rows;
}

/** A delay: noted (its 4.x.x status), nothing fails; a permanent bounce already noted stays. */
export async function recordDelay(db: Db, id: number, status: string) {
  await db
    .updateTable('deliveries')
    .set({ bounce_status: status })
    .where('id', '=', id)
    .where('bounced_at', 'is', null)
    .execute();
}

/** An abuse complaint about a delivery (the first one's time is kept). */
export async function recordComplaint(db: Db, id: number) {
  await db
    .updateTable('deliveries')
    .set({ complained_at: sql`coalesce(complained_at, now())` })
    .where('id', '=', id)
    .execute();
}

/** A permanent bounce of a transactional mail: failed, with the diagnostic. */
export async function recordMailBounce(db: Db, id: string, diagnostic: string) {
  await db.updateTable('mail_outbox').set({ status: 'failed', last_error: diagnostic }).where('id', '=', id).execute();
}
