import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { ContactType } from '../../platform/db/schema.js';
import { inScope, type Scope } from '../../platform/scope.js';
import { cardFields } from '../../platform/http/contact-card.js';
import type { CardValues } from './contact.repository.js';

const personColumns = ['firstname', 'lastname', 'email', 'phone', 'title', 'language'];

// The statements of bulk writes (an import's chunk): each does for many contacts what one of
// contact.repository.ts does for one, so a chunk costs a few statements, not a few per contact.

/** The tenant's contacts lock (contact-address.repository.ts) of many tenants, taken in one order. */
export async function lockTenantsContacts(db: Db, tenantIds: string[]) {
  if (tenantIds.length === 0) return;
  await sql`SELECT pg_advisory_xact_lock(hashtext('liaison.contacts'), hashtext(t))
    FROM unnest(${[...tenantIds].sort()}::text[]) AS t ORDER BY t`.execute(db);
}

/** Of these tenants, those the scope sees and that are not deleted. */
export async function findLiveTenantsIn(db: Db, scope: Scope, tenantIds: string[]) {
  if (tenantIds.length === 0) return [];
  const rows = await db
    .selectFrom('tenants')
    .select('id')
    .where(sql<boolean>`id = ANY (${tenantIds}::uuid[])`)
    .where('deleted_at', 'is', null)
    .where(inScope('tenants.id', scope))
    .execute();
  return rows.map((r) => r.id);
}

const pairsOf = (pairs: { tenantId: string; email: string }[]) =>
  sql`unnest(${pairs.map((p) => p.tenantId)}::uuid[], ${pairs.map((p) => p.email)}::text[]) AS p(tenant_id, email)`;

/**
 * The standalone contacts of these (tenant, lower-case address) pairs, found by their unique
 * index: each row of contacts with the pair it matched.
 */
export async function findStandaloneByEmail(db: Db, scope: Scope, pairs: { tenantId: string; email: string }[]) {
  if (pairs.length === 0) return [];
  const { rows } = await sql<Record<string, unknown> & { id: string; match_tenant_id: string; match_email: string }>`
    SELECT c.*, p.tenant_id AS match_tenant_id, p.email AS match_email FROM ${pairsOf(pairs)}
      JOIN contacts c ON c.tenant_id = p.tenant_id AND lower(c.email) = p.email AND c.user_id IS NULL
    WHERE ${inScope('c.tenant_id', scope)}`.execute(db);
  return rows;
}

/** The contacts of users with these (tenant, lower-case address) pairs: each id with the pair it matched. */
export async function findLinkedByEmail(db: Db, scope: Scope, pairs: { tenantId: string; email: string }[]) {
  if (pairs.length === 0) return [];
  const { rows } = await sql<{ id: string; tenant_id: string; email: string }>`
    SELECT c.id, p.tenant_id, p.email FROM ${pairsOf(pairs)}
      JOIN users u ON lower(u.email) = p.email JOIN contacts c ON c.user_id = u.id AND c.tenant_id = p.tenant_id
    WHERE ${inScope('c.tenant_id', scope)}`.execute(db);
  return rows;
}

/** Of these tenants, the types each has a primary contact of (by the primary indexes of migration 0009). */
export async function findPrimaryTypesOf(db: Db, scope: Scope, tenantIds: string[]) {
  if (tenantIds.length === 0) return [];
  const { rows } = await sql<{ tenant_id: string; type: ContactType }>`
    SELECT c.tenant_id, t.type FROM (VALUES ('billing'), ('technical'), ('management')) AS t(type)
      JOIN contacts c ON c.tenant_id = ANY (${tenantIds}::uuid[]) AND t.type = ANY (c.primary_types)
    WHERE ${inScope('c.tenant_id', scope)}`.execute(db);
  return rows;
}

export type NewContactValues = {
  tenant_id: string;
  types: ContactType[];
  primary_types: ContactType[];
  firstname: string;
  lastname: string;
  email: string;
  phone: string | null;
  title: string | null;
  language: string | null;
} & CardValues;

/** Standalone contacts, in order, into tenants the caller checked writable (the insert re-checks the scope). */
export async function insertContacts(db: Db, scope: Scope, values: NewContactValues[]) {
  if (values.length === 0) return [];
  const tenants = [...new Set(values.map((v) => v.tenant_id))];
  if ((await findLiveTenantsIn(db, scope, tenants)).length !== tenants.length) return undefined;
  // One JSON document, not a statement of thousands of parameters; the columns left out take their defaults.
  const columns = ['tenant_id', 'user_id', 'types', 'primary_types', ...personColumns, ...cardFields];
  const list = sql.join(columns.map((c) => sql.id(c)));
  const { rows } = await sql<Record<string, unknown> & { id: string }>`
    INSERT INTO contacts (${list}) SELECT ${list}
    FROM jsonb_populate_recordset(NULL::contacts, ${JSON.stringify(values.map((v) => ({ ...v, user_id: null })))}::jsonb)
    RETURNING *`.execute(db);
  return rows;
}

/** Standalone contacts' own columns, each at the version read; answers those written (a moved version is left out). */
export async function updateContacts(
  db: Db,
  scope: Scope,
  patches: { id: string; version: number; patch: Record<string, string | null> }[],
  columns: readonly string[],
) {
  if (patches.length === 0) return [];
  const set = columns.map(
    (column) =>
      sql`${sql.id(column)} = CASE WHEN p.patch ? ${column} THEN p.patch ->> ${column} ELSE c.${sql.id(column)} END`,
  );
  const { rows } = await sql<Record<string, unknown> & { id: string }>`
    UPDATE contacts c SET ${sql.join(set)}, version = c.version + 1, updated_at = ${new Date()}
    FROM jsonb_to_recordset(${JSON.stringify(patches)}::jsonb) AS p(id uuid, version int, patch jsonb)
    WHERE c.id = p.id AND c.version = p.version AND c.user_id IS NULL AND ${inScope('c.tenant_id', scope)}
    RETURNING c.*`.execute(db);
  return rows;
}
