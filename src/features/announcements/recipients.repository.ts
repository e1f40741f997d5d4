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
  /** A mandatory notice reaches addresses that opted out of its category too. */
  mandatory?: boolean;
  /** Each tenant's primary contact of the category only (with fallback: the ancestor's primary). */
  primaryOnly?: boolean;
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
      WHERE ${q.category}::text = ANY (${q.primaryOnly ? sql`c.primary_types` : sql`c.types`})
        AND (c.user_id IS NULL OR u.deleted_at IS NULL)
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

/**
 * The recipient rows, each saying whether its address opted out of the category for the tenant
 * it is for (never, for a mandatory notice): an anti-join on the opt-outs' primary key.
 */
function withOptOuts(q: RecipientQuery) {
  const optedOut = q.mandatory
    ? sql`SELECT r.*, false AS opted_out FROM (${recipientRows(q)}) r`
    : sql`SELECT r.*, o.tenant_id IS NOT NULL AS opted_out FROM (${recipientRows(q)}) r
        LEFT JOIN opt_outs o ON o.tenant_id = r.for_tenant AND o.email = lower(r.address) AND o.category = ${q.category}::text`;
  return optedOut as RawBuilder<{ opted_out: boolean }>;
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
 * Distinct deliverable addresses, skipped contacts, and addresses left out because they opted
 * out of the category for every tenant that names them. `byKind` counts the same people: each
 * address once, under the kind of the tenant whose contact it is (named by several tenants:
 * the highest of them in the tree), so the kinds add up to the total.
 */
export async function countRecipients(db: Db, q: RecipientQuery) {
  // An address reads Italian when every contact naming it does (the language a delivery takes is one of theirs).
  const { rows } = await sql<{ kind: string | null; people: number; english: number }>`
    SELECT kind, count(*) AS people, count(*) FILTER (WHERE NOT italian) AS english FROM (
      SELECT DISTINCT ON (lower(r.address)) ct.kind,
        bool_and(lower(left(r.language, 2)) = 'it') OVER (PARTITION BY lower(r.address)) AS italian
      FROM (${withOptOuts(q)}) r JOIN tenants ct ON ct.id = r.tenant_id
      WHERE r.valid AND NOT r.opted_out
      ORDER BY lower(r.address), (SELECT count(*) FROM tenant_closure x WHERE x.descendant_id = r.tenant_id), ct.id
    ) people
    GROUP BY ROLLUP (kind)`.execute(db);
  const left = await sql<{ skipped: number; opted_out: number }>`
    WITH r AS MATERIALIZED (${withOptOuts(q)})
    SELECT (SELECT count(DISTINCT r.contact_id) FROM r WHERE NOT r.valid) AS skipped,
      (SELECT count(*) FROM (SELECT 1 FROM r WHERE r.valid GROUP BY lower(r.address) HAVING bool_and(r.opted_out)) o) AS opted_out`.execute(
    db,
  );
  const total = rows.find((r) => r.kind === null);
  return {
    recipients: Number(total?.people ?? 0),
    /** Of the recipients, those who do not all read Italian. */
    englishReaders: Number(total?.english ?? 0),
    skipped: Number(left.rows[0]?.skipped ?? 0),
    optedOut: Number(left.rows[0]?.opted_out ?? 0),
    byKind: Object.fromEntries(rows.filter((r) => r.kind !== null).map((r) => [r.kind!, Number(r.people)])),
  };
}

export async function sampleRecipients(db: Db, q: RecipientQuery, limit: number) {
  const { rows } = await sql<{ address: string; tenant_name: string; tenant_id: string; inherited: boolean }>`
    SELECT r.address, t.name AS tenant_name, t.id AS tenant_id, r.inherited
    FROM (${withOptOuts(q)}) r JOIN tenants t ON t.id = r.for_tenant
    WHERE r.valid AND NOT r.opted_out ORDER BY lower(r.address), t.name LIMIT ${limit}`.execute(db);
  return rows;
}

/** A row of deliveries held for an address opted out for every tenant met so far. */
const heldOptedOut = sql`(deliveries.status = 'cancelled' AND cardinality(deliveries.tenant_ids) = 0)`;

/**
 * Enqueues the deliveries of one chunk of tenants: one row per address (the unique key
 * merges an address met again in a later chunk, adding its tenants and contacts). The tenants
 * for which the address opted out of the category are left out of its row; an address opted
 * out for all of them is held as a cancelled row with no tenant, which a later chunk naming it
 * for another tenant turns into a delivery, and which dropOptedOut counts and removes once the
 * whole scope is enqueued (so an address met in several chunks is counted once).
 */
export async function insertDeliveries(db: Db, announcementId: string, q: RecipientQuery) {
  await sql`
    INSERT INTO deliveries (announcement_id, email, address, language, tenant_ids, contact_ids, status)
    SELECT ${announcementId}::uuid, lower(r.address), min(r.address),
           (array_agg(r.language ORDER BY r.opted_out, r.inherited, r.contact_id))[1],
           coalesce(array_agg(DISTINCT r.for_tenant) FILTER (WHERE NOT r.opted_out), '{}'),
           coalesce(array_agg(DISTINCT r.contact_id) FILTER (WHERE NOT r.opted_out), '{}'),
           CASE WHEN bool_and(r.opted_out) THEN 'cancelled' ELSE 'pending' END
    FROM (${withOptOuts(q)}) r
    WHERE r.valid
    GROUP BY lower(r.address)
    ON CONFLICT ON CONSTRAINT deliveries_unique_address DO UPDATE SET
      tenant_ids = ARRAY(SELECT DISTINCT x FROM unnest(deliveries.tenant_ids || EXCLUDED.tenant_ids) AS x),
      contact_ids = ARRAY(SELECT DISTINCT x FROM unnest(deliveries.contact_ids || EXCLUDED.contact_ids) AS x),
      status = CASE WHEN ${heldOptedOut} AND cardinality(EXCLUDED.tenant_ids) > 0 THEN 'pending' ELSE deliveries.status END,
      language = CASE WHEN ${heldOptedOut} THEN EXCLUDED.language ELSE deliveries.language END`.execute(db);
  const { rows } = await sql<{ skipped: number }>`
    SELECT count(DISTINCT r.contact_id) AS skipped FROM (${recipientRows(q)}) r WHERE NOT r.valid AND NOT r.inherited`.execute(
    db,
  );
  return Number(rows[0]?.skipped ?? 0);
}

/** Once the scope is enqueued: the held rows of opted-out addresses go, counted in announcements.opted_out. */
export async function dropOptedOut(db: Db, announcementId: string) {
  await sql`
    WITH dropped AS (
      DELETE FROM deliveries WHERE announcement_id = ${announcementId}::uuid AND status = 'cancelled'
        AND cardinality(tenant_ids) = 0
      RETURNING 1)
    UPDATE announcements SET opted_out = opted_out + (SELECT count(*) FROM dropped)
    WHERE id = ${announcementId}::uuid`.execute(db);
}
