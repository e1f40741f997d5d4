import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { ContactType } from '../../platform/db/schema.js';

export interface RecipientQuery {
  /** The announcement's scope: fallback never reaches above it. */
  scopeId: string;
  category: ContactType;
  fallback: boolean;
  /** A SELECT of the tenant ids to resolve (a chunk of the scope, or one tenant). */
  tenants: RawBuilder<unknown>;
}

/**
 * Who receives a notice of `category` for each live tenant of `tenants`: its own contacts
 * of the category, or, with fallback and none of its own that is deliverable, those of its
 * nearest ancestor inside the scope. One row per (tenant, contact), with the address a
 * message goes to (a linked contact's confirmed user address, never a pending one), the
 * language (the person's, then the contact's tenant's, then English) and whether the
 * address is deliverable (`valid`). Set-based: no list of recipients is built in memory.
 */
export function recipientRows(q: RecipientQuery) {
  return sql<{ for_tenant: string; for_kind: string; contact_id: string; tenant_id: string; address: string; language: string; valid: boolean; inherited: boolean }>`
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
        AND tc.ancestor_id IN (SELECT s.descendant_id FROM tenant_closure s WHERE s.ancestor_id = ${q.scopeId}::uuid)
        AND EXISTS (SELECT 1 FROM matching v WHERE v.tenant_id = tc.ancestor_id AND v.valid)
      ORDER BY tc.depth LIMIT 1
    ) source
    JOIN matching m ON m.tenant_id = source.ancestor_id AND m.valid
    WHERE ${q.fallback} AND NOT EXISTS (SELECT 1 FROM matching v WHERE v.tenant_id = l.id AND v.valid)`;
}

export const subtreeOf = (scopeId: string) =>
  sql`SELECT s.descendant_id FROM tenant_closure s WHERE s.ancestor_id = ${scopeId}::uuid`;

/** Distinct deliverable addresses (total and by the kind of tenant they are for) and skipped contacts. */
export async function countRecipients(db: Db, q: RecipientQuery) {
  const { rows } = await sql<{ kind: string | null; addresses: number; skipped: number }>`
    SELECT r.for_kind AS kind,
           count(DISTINCT lower(r.address)) FILTER (WHERE r.valid) AS addresses,
           count(DISTINCT r.contact_id) FILTER (WHERE NOT r.valid) AS skipped
    FROM (${recipientRows(q)}) r
    GROUP BY GROUPING SETS ((r.for_kind), ())`.execute(db);
  const total = rows.find((r) => r.kind === null);
  return {
    recipients: Number(total?.addresses ?? 0),
    skipped: Number(total?.skipped ?? 0),
    byKind: Object.fromEntries(rows.filter((r) => r.kind !== null).map((r) => [r.kind!, Number(r.addresses)])),
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
      contact_ids = ARRAY(SELECT DISTINCT x FROM unnest(deliveries.contact_ids || EXCLUDED.contact_ids) AS x)`.execute(db);
  const { rows } = await sql<{ skipped: number }>`
    SELECT count(DISTINCT r.contact_id) AS skipped FROM (${recipientRows(q)}) r WHERE NOT r.valid AND NOT r.inherited`.execute(db);
  return Number(rows[0]?.skipped ?? 0);
}
