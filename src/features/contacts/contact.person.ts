import { sql } from 'kysely';

type PersonColumn = 'firstname' | 'lastname' | 'email' | 'phone' | 'title' | 'language';

/**
 * A contact's person field in a query joining `contacts as c` and (left) `users as u`: a linked
 * contact's comes from its user, the one source of truth; a standalone contact's is its own.
 */
export const personField = (column: PersonColumn) =>
  sql<string | null>`CASE WHEN c.user_id IS NULL THEN c.${sql.ref(column)} ELSE u.${sql.ref(column)} END`;
