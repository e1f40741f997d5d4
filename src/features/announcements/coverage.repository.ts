import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { ContactType } from '../../platform/db/schema.js';
import { inScope, type Scope } from '../../platform/scope.js';
import { recipientRows } from './recipients.repository.js';

const TYPES: ContactType[] = ['billing', 'technical', 'management'];

/** Who a notice of `type` would reach for this tenant: its own contacts or inherited ones, from no higher than the ceiling. */
export async function findEffectiveContacts(db: Db, ceilingId: string, tenantId: string, type: ContactType) {
  const { rows } = await sql<{ contact_id: string; tenant_id: string; valid: boolean; inherited: boolean }>`
    SELECT r.contact_id, r.tenant_id, r.valid, r.inherited
    FROM (${recipientRows({ ceilingId, category: type, fallback: true, tenants: sql`SELECT ${tenantId}::uuid` })}) r
    ORDER BY r.inherited, r.contact_id`.execute(db);
  return rows;
}

/**
 * Per type: live tenants of the subtree, and how many have a deliverable contact of it — one
 * row the database keeps in every writing transaction (coverage_subtree, migration 0010). A
 * scope holds whole subtrees, so the subtree of a tenant the caller reads is all in its scope.
 */
export async function countCoverage(db: Db, rootId: string) {
  const row = await db
    .selectFrom('coverage_subtree')
    .select(['tenants', ...TYPES])
    .where('tenant_id', '=', rootId)
    .executeTakeFirst();
  return {
    total: row?.tenants ?? 0,
    covered: Object.fromEntries(TYPES.map((t) => [t, row?.[t] ?? 0])) as Record<ContactType, number>,
  };
}

/** The most contacts of one attestation state a coverage answer counts (a bound on its cost). */
export const ATTENTION_CAP = 10_000;

/** The subtree's contacts per attestation state that needs attention, each counted up to ATTENTION_CAP. */
export async function countAttention(db: Db, rootId: string) {
  const count = (state: 'stale' | 'declined' | 'pending') => sql<number>`(SELECT count(*)::int FROM (
      SELECT 1 FROM tenant_closure tc JOIN contacts c ON c.tenant_id = tc.descendant_id
      WHERE tc.ancestor_id = ${rootId} AND c.attestation_state = ${state} LIMIT ${ATTENTION_CAP}) s)`;
  const { rows } = await sql<{ stale: number; declined: number; pending: number }>`
    SELECT ${count('stale')} AS stale, ${count('declined')} AS declined, ${count('pending')} AS pending`.execute(db);
  return rows[0];
}

/** Up to this many tenants, a subtree's bounced primaries are looked up tenant by tenant. */
const SMALL_SUBTREE = 5_000;

/**
 * Per type, the live tenants of the subtree whose primary contact of it bounced, each counted up
 * to ATTENTION_CAP (a tenant has one primary per type, so contacts count tenants). Such contacts
 * are few and indexed alone (contacts_bounced_primary_idx, migration 0013): a small subtree looks
 * each of its tenants up there; a large one reads them all and keeps those in the subtree. The
 * fence (OFFSET 0) holds that order whatever plan a prepared statement settles on.
 */
export async function countBouncedPrimaries(db: Db, rootId: string, subtreeTenants: number) {
  const bounced = (type: ContactType) =>
    sql`c.validation_state = 'invalid' AND c.primary_types <> '{}' AND ${type} = ANY (c.primary_types)`;
  const count = (type: ContactType) =>
    subtreeTenants <= SMALL_SUBTREE
      ? sql<number>`(SELECT count(*)::int FROM (
          SELECT 1 FROM tenant_closure tc
          JOIN contacts c ON c.tenant_id = tc.descendant_id AND ${bounced(type)}
          JOIN tenants t ON t.id = tc.descendant_id AND t.deleted_at IS NULL
          WHERE tc.ancestor_id = ${rootId} LIMIT ${ATTENTION_CAP}) s)`
      : sql<number>`(SELECT count(*)::int FROM (
          SELECT 1 FROM (SELECT c.tenant_id FROM contacts c WHERE ${bounced(type)} OFFSET 0) b
          JOIN tenant_closure tc ON tc.ancestor_id = ${rootId} AND tc.descendant_id = b.tenant_id
          JOIN tenants t ON t.id = b.tenant_id AND t.deleted_at IS NULL
          LIMIT ${ATTENTION_CAP}) s)`;
  const { rows } = await sql<Record<ContactType, number>>`
    SELECT ${count('billing')} AS billing, ${count('technical')} AS technical, ${count('management')} AS management`.execute(
    db,
  );
  return rows[0];
}

/** Tenants of the subtree lacking a contact of `types` (any of them), keyset-paged by id. */
export async function findUncovered(
  db: Db,
  scope: Scope,
  rootId: string,
  options: { types: ContactType[]; afterId?: string; limit: number },
) {
  // A tenant's valid contacts per type are counted in coverage_own (migration 0010).
  const missing = sql<ContactType[]>`ARRAY(SELECT x FROM unnest(${sql.val(options.types)}::text[]) AS x
    WHERE coalesce((SELECT CASE x WHEN 'billing' THEN o.billing WHEN 'technical' THEN o.technical ELSE o.management END
      FROM coverage_own o WHERE o.tenant_id = t.id), 0) = 0)`;
  let query = db
    .selectFrom('tenants as t')
    .select(['t.id', 't.name', 't.kind', 't.parent_id', missing.as('missing_types')])
    .where('t.id', 'in', db.selectFrom('tenant_closure').select('descendant_id').where('ancestor_id', '=', rootId))
    .where('t.deleted_at', 'is', null)
    .where(inScope('t.id', scope))
    .where(sql<boolean>`cardinality(${missing}) > 0`)
    .orderBy('t.id')
    .limit(options.limit + 1);
  if (options.afterId) query = query.where('t.id', '>', options.afterId);
  return query.execute();
}
