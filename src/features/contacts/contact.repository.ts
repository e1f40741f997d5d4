import { sql, type SqlBool } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { ContactTable, ContactType } from '../../platform/db/schema.js';
import { inScope, type Scope } from '../../platform/scope.js';
import { personField } from './contact.person.js';
import { cardFields, type CardField } from '../../platform/http/contact-card.js';

export type CardValues = Partial<Pick<ContactTable, CardField>>;

/**
 * A linked contact shows its user's person fields (the user is the one source of truth);
 * a standalone contact shows its own. `pending_email` is the user's open, unexpired change.
 */
// Built once: the same expressions serve every query (Kysely's nodes never change), which spares
// building them again on each read, the costly part of a hot one.
const personColumns = (['firstname', 'lastname', 'email', 'phone', 'title', 'language'] as const).map((column) =>
  personField(column).as(column),
);
const userActivated = sql<boolean>`coalesce(u.activated, false)`.as('user_activated');
const pendingEmail = sql<string | null>`(SELECT t.new_email FROM user_tokens t WHERE t.user_id = c.user_id
  AND t.purpose = 'email_change' AND t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > now() LIMIT 1)`.as(
  'pending_email',
);
const contactColumns = [
  'c.id',
  'c.tenant_id',
  'c.user_id',
  'c.types',
  'c.primary_types',
  'c.validation_state',
  'c.version',
  'c.created_at',
  'c.updated_at',
  'c.attested_at',
  'c.attestation_state',
  ...cardFields.map((f) => `c.${f}` as const),
] as const;

function selectContacts(db: Db, scope: Scope) {
  return db
    .selectFrom('contacts as c')
    .leftJoin('users as u', 'u.id', 'c.user_id')
    .select(contactColumns)
    .select(personColumns)
    .select([userActivated, pendingEmail])
    .where(inScope('c.tenant_id', scope));
}

export type ContactRecord = Awaited<ReturnType<ReturnType<typeof selectContacts>['executeTakeFirstOrThrow']>>;

export function findContact(db: Db, scope: Scope, id: string) {
  return selectContacts(db, scope).where('c.id', '=', id).executeTakeFirst();
}

export function findContactOfUser(db: Db, scope: Scope, userId: string) {
  return selectContacts(db, scope).where('c.user_id', '=', userId).executeTakeFirst();
}

export interface ContactFilter {
  ids?: string[];
  tenantIds?: string[];
  types?: ContactType[];
  afterId?: string;
  /** Contacts of this tenant's whole subtree. */
  below?: string;
  /** The contact shown with this address, case-insensitive. */
  email?: string;
  limit: number;
}

export function findContacts(db: Db, scope: Scope, filter: ContactFilter) {
  let query = selectContacts(db, scope)
    .orderBy('c.id')
    .limit(filter.limit + 1);
  if (filter.ids) query = query.where('c.id', 'in', filter.ids);
  if (filter.tenantIds) query = query.where('c.tenant_id', 'in', filter.tenantIds);
  if (filter.types?.length) query = query.where(sql<SqlBool>`c.types && ${sql.val(filter.types)}::text[]`);
  if (filter.afterId) query = query.where('c.id', '>', filter.afterId);
  if (filter.below)
    query = query.where('c.tenant_id', 'in', (eb) =>
      eb.selectFrom('tenant_closure').select('descendant_id').where('ancestor_id', '=', filter.below!),
    );
  if (filter.email)
    query = query.where(
      sql`lower(CASE WHEN c.user_id IS NULL THEN c.email ELSE u.email END)`,
      '=',
      filter.email.toLowerCase(),
    );
  return query.execute();
}

export async function findContactIdsOfTenant(db: Db, scope: Scope, tenantId: string) {
  const rows = await db
    .selectFrom('contacts as c')
    .leftJoin('users as u', 'u.id', 'c.user_id')
    .select('c.id')
    .where('c.tenant_id', '=', tenantId)
    .where(inScope('c.tenant_id', scope))
    .orderBy(sql`lower(coalesce(u.lastname, c.lastname))`)
    .orderBy(sql`lower(coalesce(u.firstname, c.firstname))`)
    .orderBy('c.id')
    .execute();
  return rows.map((r) => r.id);
}

/** Into a tenant of the scope only: a tenant outside it answers undefined and writes nothing. */
export async function insertContact(
  db: Db,
  scope: Scope,
  values: {
    tenant_id: string;
    user_id: string | null;
    types: ContactType[];
    primary_types: ContactType[];
    firstname?: string | null;
    lastname?: string | null;
    email?: string | null;
    phone?: string | null;
    title?: string | null;
    language?: string | null;
  } & CardValues,
) {
  const inside = await db
    .selectFrom('tenants')
    .select('id')
    .where('id', '=', values.tenant_id)
    .where(inScope('tenants.id', scope))
    .executeTakeFirst();
  if (!inside) return undefined;
  return (await db.insertInto('contacts').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

export function updateContact(
  db: Db,
  scope: Scope,
  id: string,
  version: number,
  patch: {
    types?: ContactType[];
    primary_types?: ContactType[];
    firstname?: string;
    lastname?: string;
    email?: string;
    phone?: string | null;
    title?: string | null;
    language?: string | null;
    validation_state?: 'valid' | 'invalid';
  } & CardValues,
) {
  return db
    .updateTable('contacts as c')
    .set({ ...patch, version: sql`c.version + 1`, updated_at: new Date() })
    .where('c.id', '=', id)
    .where('c.version', '=', version)
    .where(inScope('c.tenant_id', scope))
    .returning('c.id')
    .executeTakeFirst();
}

/** A change shown through the contact (its user's fields) still moves its version. */
export async function touchContactOfUser(
  db: Db,
  scope: Scope,
  userId: string,
  patch: { validation_state?: 'valid' } = {},
) {
  await db
    .updateTable('contacts')
    .set({ ...patch, version: sql`version + 1`, updated_at: new Date() })
    .where('user_id', '=', userId)
    .where(inScope('contacts.tenant_id', scope))
    .execute();
}

export async function deleteContact(db: Db, scope: Scope, id: string, version: number) {
  return db
    .deleteFrom('contacts')
    .where('id', '=', id)
    .where('version', '=', version)
    .where(inScope('contacts.tenant_id', scope))
    .returning('id')
    .executeTakeFirst();
}

export async function deleteContactsOf(db: Db, scope: Scope, where: { userId?: string; tenantId?: string }) {
  let query = db.deleteFrom('contacts').where(inScope('contacts.tenant_id', scope));
  if (where.userId) query = query.where('user_id', '=', where.userId);
  if (where.tenantId) query = query.where('tenant_id', '=', where.tenantId);
  return query
    .returning(['id', 'tenant_id', 'user_id', 'types', 'primary_types', 'firstname', 'lastname', 'email', 'version'])
    .execute();
}
