import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import { inScope, type Scope } from '../../platform/scope.js';
import { containing } from '../../platform/db/like.js';
import { personField } from '../contacts/contact.person.js';

function subtree(db: Db, rootId: string) {
  return db.selectFrom('tenant_closure').select('descendant_id').where('ancestor_id', '=', rootId);
}

/**
 * Tenants by name, legal contact card, or the name or email of one of their contacts (a
 * linked contact's are its user's). A tenant's contacts are its own, so the tenant's scope
 * covers them.
 */
export function searchTenants(db: Db, scope: Scope, rootId: string, text: string, limit: number) {
  const pattern = containing(text);
  return db
    .selectFrom('tenants as t')
    .select(['t.id', 't.parent_id', 't.kind', 't.name'])
    .where('t.deleted_at', 'is', null)
    .where('t.id', 'in', subtree(db, rootId))
    .where(inScope('t.id', scope))
    .where((eb) =>
      eb.or([
        eb('t.name', 'ilike', pattern),
        eb(sql`t.contact->>'email'`, 'ilike', pattern),
        eb(sql`t.contact->>'firstname'`, 'ilike', pattern),
        eb(sql`t.contact->>'lastname'`, 'ilike', pattern),
        eb.exists(
          eb
            .selectFrom('contacts as c')
            .leftJoin('users as u', 'u.id', 'c.user_id')
            .select(sql`1`.as('one'))
            .whereRef('c.tenant_id', '=', 't.id')
            .where((cb) =>
              cb.or([
                cb(personField('firstname'), 'ilike', pattern),
                cb(personField('lastname'), 'ilike', pattern),
                cb(personField('email'), 'ilike', pattern),
              ]),
            ),
        ),
      ]),
    )
    .orderBy(sql`lower(t.name)`)
    .orderBy('t.id')
    .limit(limit)
    .execute();
}

export function searchUsers(db: Db, scope: Scope, rootId: string, text: string, limit: number) {
  const pattern = containing(text);
  return (
    db
      .selectFrom('users as u')
      // Deleting a tenant leaves its user rows in place; they are gone with it. (A deleted
      // tenant has no live descendants, so checking the user's own tenant is enough.)
      .innerJoin('tenants as ut', 'ut.id', 'u.tenant_id')
      .select(['u.id', 'u.tenant_id', 'u.login', 'u.firstname', 'u.lastname'])
      .where('u.deleted_at', 'is', null)
      .where('ut.deleted_at', 'is', null)
      .where('u.tenant_id', 'in', subtree(db, rootId))
      .where(inScope('u.tenant_id', scope))
      .where((eb) =>
        eb.or([
          eb('u.login', 'ilike', pattern),
          eb('u.email', 'ilike', pattern),
          eb('u.firstname', 'ilike', pattern),
          eb('u.lastname', 'ilike', pattern),
        ]),
      )
      .orderBy(sql`lower(u.login)`)
      .limit(limit)
      .execute()
  );
}

/** For each tenant: the names from `rootId` down to it, top first. */
export async function findPaths(
  db: Db,
  scope: Scope,
  rootId: string,
  tenantIds: string[],
): Promise<Map<string, string[]>> {
  const paths = new Map<string, string[]>();
  if (tenantIds.length === 0) return paths;
  const rows = await db
    .selectFrom('tenant_closure as tc')
    .innerJoin('tenants as a', 'a.id', 'tc.ancestor_id')
    .select(['tc.descendant_id', 'a.name'])
    .where('tc.descendant_id', 'in', tenantIds)
    .where('a.id', 'in', subtree(db, rootId))
    .where(inScope('a.id', scope))
    .orderBy('tc.descendant_id')
    .orderBy('tc.depth', 'desc')
    .execute();
  for (const row of rows) paths.set(row.descendant_id, [...(paths.get(row.descendant_id) ?? []), row.name]);
  return paths;
}
