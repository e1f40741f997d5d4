import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../platform/db/database.js';

// A contact as the API shows it (toContact in contact.mapping.ts), built by the database: for
// the events of changes made by one statement over many contacts (a bounce turning them
// invalid, an opt-out), where the event rows are written by that same statement.

const iso = (column: RawBuilder<unknown>) =>
  sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The contact of the row `alias` (a row of contacts: a table alias, or an UPDATE's target in its
 * RETURNING, which shows the new values) as a jsonb object with the fields and the values of
 * GET /contacts/{id}: its columns (the card, the types, …), timestamps as the API writes them,
 * and a linked contact's person fields from its user.
 */
export function contactJson(alias: string): RawBuilder<object> {
  const c = (column: string) => sql.ref(`${alias}.${column}`);
  const own = sql`jsonb_build_object('firstname', coalesce(${c('firstname')}, ''), 'lastname', coalesce(${c('lastname')}, ''),
    'email', coalesce(${c('email')}, ''), 'email_confirmed', false, 'pending_email', null)`;
  const person = sql`(SELECT jsonb_build_object('firstname', u.firstname, 'lastname', u.lastname, 'email', u.email,
      'phone', u.phone, 'title', u.title, 'language', u.language, 'email_confirmed', u.activated,
      'pending_email', (SELECT t.new_email FROM user_tokens t WHERE t.user_id = u.id AND t.purpose = 'email_change'
        AND t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > now() LIMIT 1))
    FROM users u WHERE u.id = ${c('user_id')})`;
  return sql<object>`(to_jsonb(${sql.table(alias)})
    || jsonb_build_object('created_at', ${iso(c('created_at'))}, 'updated_at', ${iso(c('updated_at'))},
      'attested_at', ${iso(c('attested_at'))})
    || CASE WHEN ${c('user_id')} IS NULL THEN ${own} ELSE coalesce(${person}, ${own}) END)`;
}

/** The contact of a user (a user is a contact of its tenant at most once), as the API shows it; undefined: none. */
export async function contactViewOfUser(db: Db, userId: string) {
  const { rows } = await sql<{ tenant_id: string; data: { id: string } & Record<string, unknown> }>`
    SELECT c.tenant_id, ${contactJson('c')} AS data FROM contacts c WHERE c.user_id = ${userId}`.execute(db);
  return rows[0];
}
