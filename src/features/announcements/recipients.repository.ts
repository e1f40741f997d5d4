import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { ContactType } from '../../platform/db/schema.js';
import { inScope, type Principal } from '../../platform/scope.js';

export interface RecipientQuery {
  /** How far fallback may climb: the announcer's own tenant (see findFallbackCeiling), never above. */
  ceilingId: string;
  category: ContactType;
  fallback: boolean;
  /** A SELECT of the tenant ids to resolve (a chunk of the scope, or one tenant). */
  tenants: RawBuilder<unknown>;
}

/**
 * Who receives a notice of `category` for each live tenant of `tenants`: its own contacts
 * of the category, or, with fallback and none of its own that is deliverable, those of its
 * nearest ancestor that has one — above the scope if need be, never above the ceiling. One row per (tenant, contact), with the address a
 * message goes to (a linked contact's confirmed user address, never a pending one), the
 * language (the person's, then the contact's tenant's, then English) and whether the
 * address is deliverable (`valid`). Set-based: no list of recipients is built in memory.
 */
export function recipientRows(q: RecipientQuery) {
  return sql<{
    for_tenant: string;
    for_kind: string;
    contact_id: string;
    tenant_id: string;
    address: string;
    language: string;
    valid: boolean;
    inherited: boolean;
  }>`
    WITH live AS NOT MATERIALIZED (
      SELECT t.id, t.kind FROM tenants t
      WHERE t.id IN (${q.tenants})
        AND NOT EXISTS (SELECT 1 FROM tenant_closure tc JOIN tenants a ON a.id = tc.ancestor_id
                        WHERE tc.descendant_id = t.id AND (NOT a.enabled OR a.deleted_at IS NOT NULL))
    ),
    matching AS NOT MATERIALIZED (
      SELECT c.id AS contact_id, c.tenant_id,
             CASE WHEN c.user_id IS NULL THEN c.email ELSE u.email END AS address,
             coalesce(CASE WHEN c.user_id IS NULL THEN c.language ELSE u.language END, ct.language, 'en') AS language,
             c.validation_state = 'valid' AS valid
      FROM contacts c
      JOIN tenants ct ON ct.id = c.tenant_id
      LEFT JOIN users u ON u.id = c.user_id
      WHERE ${q.category}::text = ANY (c.types) AND (c.user_id IS NULL OR u.deleted_at IS NULL)
    )
    SELECT l.id AS for_tenant, l.kind AS for_kind, m.contact_id, m.tenant_id, m.address, m.language, m.valid, false AS inherited
    FROM live l JOIN matching m ON m.tenant_id = l.id
    UNION ALL
    SELECT l.id, l.kind, m.contact_id, m.tenant_id, m.address, m.language, m.valid, true
    FROM live l
    CROSS JOIN LATERAL (
      SELECT tc.ancestor_id FROM tenant_closure tc
      WHERE tc.descendant_id = l.id AND tc.depth > 0
        AND tc.ancestor_id IN (SELECT s.descendant_id FROM tenant_closure s WHERE s.ancestor_id = ${q.ceilingId}::uuid)
        AND EXISTS (SELECT 1 FROM matching v WHERE v.tenant_id = tc.ancestor_id AND v.valid)
      ORDER BY tc.depth LIMIT 1
    ) source
    JOIN matching m ON m.tenant_id = source.ancestor_id AND m.valid
    WHERE ${q.fallback} AND NOT EXISTS (SELECT 1 FROM matching v WHERE v.tenant_id = l.id AND v.valid)`;
}

export const subtreeOf = (scopeId: string) =>
  sql`SELECT s.descendant_id FROM tenant_closure s WHERE s.ancestor_id = ${scopeId}::uuid`;

/**
 * How far fallback climbs for a caller announcing to (or looking at) `tenantId`: the caller's
 * own tenant (the root for the root admin) when it lies above, else the highest tenant above
 * that the caller can read; never above either. One rule for preview, sending and effective
 * contacts. Undefined: the caller cannot read the tenant.
 */
export async function findFallbackCeiling(db: Db, principal: Pick<Principal, 'tenantId' | 'read'>, tenantId: string) {
  const { rows } = await sql<{ id: string }>`
    SELECT tc.ancestor_id AS id FROM tenant_closure tc
    WHERE tc.descendant_id = ${tenantId}::uuid AND ${inScope('tc.ancestor_id', principal.read)}
      AND (tc.ancestor_id IN (SELECT o.descendant_id FROM tenant_closure o WHERE o.ancestor_id = ${principal.tenantId}::uuid)
           OR NOT EXISTS (SELECT 1 FROM tenant_closure o WHERE o.descendant_id = ${tenantId}::uuid AND o.ancestor_id = ${principal.tenantId}::uuid))
    ORDER BY tc.depth DESC LIMIT 1`.execute(db);
  return rows[0]?.id;
}

/**
 * Distinct deliverable addresses and skipped contacts. `byKind` counts the same people: each
 * address once, under the kind of the tenant whose contact it is (named by several tenants:
 * the highest of them in the tree), so the kinds add up to the total.
 */
export async function countRecipients(db: Db, q: RecipientQuery) {
  const { rows } = await sql<{ kind: string | null; people: number }>`
    SELECT kind, count(*) AS people FROM (
      SELECT DISTINCT ON (lower(r.address)) ct.kind
      FROM (${recipientRows(q)}) r JOIN tenants ct ON ct.id = r.tenant_id
      WHERE r.valid
      ORDER BY lower(r.address), (SELECT count(*) FROM tenant_closure x WHERE x.descendant_id = r.tenant_id), ct.id
    ) people
    GROUP BY ROLLUP (kind)`.execute(db);
  const skipped = await sql<{ n: number }>`
    SELECT count(DISTINCT r.contact_id) AS n FROM (${recipientRows(q)}) r WHERE NOT r.valid`.execute(db);
  return {
    recipients: Number(rows.find((r) => r.kind === null)?.people ?? 0),
    skipped: Number(skipped.rows[0]?.n ?? 0),
    byKind: Object.fromEntries(rows.filter((r) => r.kind !== null).map((r) => [r.kind!, Number(r.people)])),
  };
}

export async function sampleRecipients(db: Db, q: RecipientQuery, limit: number) {
  const { rows } = await sql<{ address: string; tenant_name: string; tenant_id: string; inherited: boolean }>`
    SELECT r.address, t.name AS tenant_name, t.id AS tenant_id, r.inherited
    FROM (${recipientRows(q)}) r JOIN tenants t ON t.id = r.for_tenant
    WHERE r.valid ORDER BY lower(r.address), t.name LIMIT ${limit}`.execute(db);
  return rows;
}

/**
 * Enqueues the deliveries of one chunk of tenants: one row per address (the unique key
 * merges an address met again in a later chunk, adding its tenants and contacts).
 */
export async function insertDeliveries(db: Db, announcementId: string, q: RecipientQuery) {
  await sql`
    INSERT INTO deliveries (announcement_id, email, address, language, tenant_ids, contact_ids)
    SELECT ${announcementId}::uuid, lower(r.address), min(r.address),
           (array_agg(r.language ORDER BY r.inherited, r.contact_id))[1],
           array_agg(DISTINCT r.for_tenant), array_agg(DISTINCT r.contact_id)
    FROM (${recipientRows(q)}) r
    WHERE r.valid
    GROUP BY lower(r.address)
    ON CONFLICT ON CONSTRAINT deliveries_unique_address DO UPDATE SET
      tenant_ids = ARRAY(SELECT DISTINCT x FROM unnest(deliveries.tenant_ids || EXCLUDED.tenant_ids) AS x),
      contact_ids = ARRAY(SELECT DISTINCT x FROM unnest(deliveries.contact_ids || EXCLUDED.contact_ids) AS x)`.execute(
    db,
  );
  const { rows } = await sql<{ skipped: number }>`
    SELECT count(DISTINCT r.contact_id) AS skipped FROM (${recipientRows(q)}) r WHERE NOT r.valid AND NOT r.inherited`.execute(
    db,
  );
  return Number(rows[0]?.skipped ?? 0);
}
