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
  const row = await db.insertInto('mail_outbox').values({
    tenant_id: mail.tenantId, kind: mail.kind, to_address: mail.to, subject: mail.subject,
    text_body: mail.text, html_body: mail.html, next_attempt_at: new Date(),
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Claims due messages for one worker: the row lock (SKIP LOCKED) keeps workers apart, and
 * pushing next_attempt_at forward is the lease: a worker that dies mid-send leaves the
 * message due again once the lease runs out.
 */
export function claimDueMail(db: Db, options: { limit: number; leaseSeconds: number }) {
  return db.updateTable('mail_outbox')
    .set({ attempts: sql`attempts + 1`, next_attempt_at: sql`now() + make_interval(secs => ${options.leaseSeconds})` })
    .where('id', 'in', db.selectFrom('mail_outbox').select('id')
      .where('status', '=', 'pending').where('next_attempt_at', '<=', sql<Date>`now()`)
      .orderBy('next_attempt_at').limit(options.limit)
      .forUpdate().skipLocked())
    .returningAll()
    .execute();
}

/** Outcomes are recorded only by the claim that sent them (same attempt, still pending). */
export interface MailClaim { id: string; attempts: number }

function ownClaim(db: Db, claim: MailClaim) {
  return db.updateTable('mail_outbox').where('id', '=', claim.id).where('status', '=', 'pending').where('attempts', '=', claim.attempts);
}

export async function markSent(db: Db, claim: MailClaim, transport: 'smtp' | 'mailbox') {
  await ownClaim(db, claim).set({ status: 'sent', transport, sent_at: new Date(), last_error: null }).execute();
}

export async function markRetry(db: Db, claim: MailClaim, error: string, retryAt: Date) {
  await ownClaim(db, claim).set({ last_error: error, next_attempt_at: retryAt }).execute();
}

export async function markFailed(db: Db, claim: MailClaim, error: string) {
  await ownClaim(db, claim).set({ status: 'failed', last_error: error }).execute();
}

/** The built-in mailbox: what would have been sent, newest first (keyset on created_at, id). */
export function findMailbox(db: Db, scope: Scope, options: { limit: number; before?: { created_at: string; id: string } }) {
  let query = db.selectFrom('mail_outbox')
    .select(['id', 'kind', 'to_address', 'subject', 'text_body', 'html_body', 'created_at', 'sent_at', 'tenant_id'])
    .select(exactTime('mail_outbox.created_at').as('created_at_key'))
    .where('transport', '=', 'mailbox')
    .where((eb) => eb.or([eb('tenant_id', 'is', null), inScope('mail_outbox.tenant_id', scope)]))
    .orderBy('created_at', 'desc').orderBy('id', 'desc')
    .limit(options.limit + 1);
  if (options.before) {
    const { created_at, id } = options.before;
    query = query.where(sql<boolean>`(created_at, id) < (${created_at}::timestamptz, ${id}::uuid)`);
  }
  return query.execute();
}
