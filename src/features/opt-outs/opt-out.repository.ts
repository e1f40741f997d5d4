import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { ContactType } from '../../platform/db/schema.js';
import { eventSteps } from '../../platform/events.js';
import { contactJson } from '../contacts/contact.event-data.js';

export type OptOutSource = 'unsubscribe' | 'mailto' | 'complaint';

/** One address and category, for some tenants: what an unsubscribe from one message concerns. */
export interface OptOutKey {
  email: string;
  category: ContactType;
  tenantIds: string[];
}

/**
 * The delivery an unsubscribe names: its address (lower-cased), its announcement's category,
 * the tenants it was sent for that still exist, and the contacts behind the address.
 */
export async function findDelivery(db: Db, id: number) {
  const { rows } = await sql<{
    id: number;
    email: string;
    category: ContactType;
    tenant_ids: string[];
    contact_ids: string[];
  }>`
    SELECT d.id, d.email, a.category, d.contact_ids,
      ARRAY(SELECT t.id FROM unnest(d.tenant_ids) x(id) JOIN tenants t ON t.id = x.id ORDER BY t.id) AS tenant_ids
    FROM deliveries d JOIN announcements a ON a.id = d.announcement_id
    WHERE d.id = ${id}`.execute(db);
  return rows[0];
}

/** Opts the address out for each tenant; answers the tenants that were not opted out before. */
export async function insertOptOuts(db: Db, key: OptOutKey, source: OptOutSource, deliveryId: number) {
  if (key.tenantIds.length === 0) return [];
  const rows = await db
    .insertInto('opt_outs')
    .values(
      key.tenantIds.map((tenantId) => ({
        tenant_id: tenantId,
        email: key.email,
        category: key.category,
        source,
        delivery_id: deliveryId,
      })),
    )
    .onConflict((oc) => oc.columns(['tenant_id', 'email', 'category']).doNothing())
    .returning('tenant_id')
    .execute();
  return rows.map((r) => r.tenant_id);
}

/**
 * The contact.opted_out events of an opt-out, in one statement: for each tenant newly opted out,
 * its contact of the address among the delivery's (the contact as the API shows it, plus the
 * category). Answers the webhook deliveries written (for wakeIfFanned).
 */
export async function recordOptedOutEvents(db: Db, key: OptOutKey, contactIds: string[], changed: string[]) {
  if (changed.length === 0 || contactIds.length === 0) return 0;
  const { rows } = await sql<{ fanned: number }>`
    WITH opted_out AS (
      SELECT c.tenant_id, c.id::text AS object_id, ${contactJson('c')} || jsonb_build_object('category', ${key.category}::text) AS data
      FROM contacts c
      WHERE c.id = ANY (${contactIds}::uuid[]) AND c.tenant_id = ANY (${changed}::uuid[])),
    addressed AS (SELECT * FROM opted_out WHERE lower(data ->> 'email') = ${key.email}),
    ${eventSteps('contact.opted_out', 'addressed')}
    SELECT count(*)::int AS fanned FROM event_deliveries`.execute(db);
  return rows[0].fanned;
}

/** Opts the address back in; answers the tenants that were opted out. */
export async function deleteOptOuts(db: Db, key: OptOutKey) {
  if (key.tenantIds.length === 0) return [];
  const rows = await db
    .deleteFrom('opt_outs')
    .where('tenant_id', 'in', key.tenantIds)
    .where('email', '=', key.email)
    .where('category', '=', key.category)
    .returning('tenant_id')
    .execute();
  return rows.map((r) => r.tenant_id);
}

export function findOptOuts(db: Db, key: OptOutKey) {
  if (key.tenantIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('opt_outs')
    .select(['tenant_id', 'created_at'])
    .where('tenant_id', 'in', key.tenantIds)
    .where('email', '=', key.email)
    .where('category', '=', key.category)
    .execute();
}

/** The opt-outs of an address in one tenant, by category. */
export function findOptOutsOfAddress(db: Db, tenantId: string, email: string) {
  return db
    .selectFrom('opt_outs')
    .select(['category', 'tenant_id', 'source', 'delivery_id', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .where('email', '=', email.toLowerCase())
    .orderBy('category')
    .execute();
}

export function findTenantNames(db: Db, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('tenants').select(['id', 'name']).where('id', 'in', ids).orderBy('name').execute();
}

/** Which of these contacts lives in which tenant (an opt-out is recorded on the tenant's contact of that address). */
export function findContactTenants(db: Db, contactIds: string[]) {
  if (contactIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('contacts').select(['id', 'tenant_id']).where('id', 'in', contactIds).execute();
}

/** When the contact was last asked again about a category (the audit trail records each ask). */
export async function lastAskedAgain(db: Db, contactId: string, category: ContactType) {
  const { rows } = await sql<{ at: Date | null }>`
    SELECT max(created_at) AS at FROM audit_events
    WHERE object_id = ${contactId}::uuid AND action = 'opt_out_ask_again' AND after ->> 'category' = ${category}`.execute(
    db,
  );
  return rows[0]?.at ?? null;
}
