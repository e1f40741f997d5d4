import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { inScope, type Scope } from '../scope.js';
import { exactTime } from '../db/keyset.js';

export interface OutgoingMail {
  tenantId: string | null;
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Call inside the transaction that causes the message: it is sent only if that commits. */
export async function enqueueMail(db: Db, mail: OutgoingMail): Promise<string> {
  const row = await db
    .insertInto('mail_outbox')
    .values({
      tenant_id: mail.tenantId,
      kind: mail.kind,
      to_address: mail.to,
      subject: mail.subject,
      text_body: mail.text,
      html_body: mail.html,
      next_attempt_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The built-in mailbox: what would have been sent, newest first (keyset on created_at, id). */
export function findMailbox(
  db: Db,
  scope: Scope,
  options: { limit: number; before?: { created_at: string; id: string } },
) {
  let query = db
    .selectFrom('mail_outbox')
    .select(['id', 'kind', 'to_address', 'subject', 'text_body', 'html_body', 'created_at', 'sent_at', 'tenant_id'])
    .select(exactTime('mail_outbox.created_at').as('created_at_key'))
    .where('transport', '=', 'mailbox')
    .where((eb) => eb.or([eb('tenant_id', 'is', null), inScope('mail_outbox.tenant_id', scope)]))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1);
  if (options.before) {
    const { created_at, id } = options.before;
    query = query.where(sql<boolean>`(created_at, id) < (${created_at}::timestamptz, ${id}::uuid)`);
  }
  return query.execute();
}
