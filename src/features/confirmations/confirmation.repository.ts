import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';

export type TokenPurpose = 'activation' | 'email_change';

/** A newer link replaces the open one: the old token is revoked in the same transaction. */
export async function replaceOpenToken(
  db: Db,
  values: { userId: string; purpose: TokenPurpose; tokenHash: string; expiresAt: Date; newEmail?: string },
) {
  await revokeOpenToken(db, values.userId, values.purpose);
  await db
    .insertInto('user_tokens')
    .values({
      user_id: values.userId,
      purpose: values.purpose,
      token_hash: values.tokenHash,
      expires_at: values.expiresAt,
      new_email: values.newEmail ?? null,
      last_sent_at: new Date(),
    })
    .execute();
}

export async function revokeOpenToken(db: Db, userId: string, purpose: TokenPurpose) {
  return (
    (
      await db
        .updateTable('user_tokens')
        .set({ revoked_at: new Date() })
        .where('user_id', '=', userId)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute()
    ).length > 0
  );
}

export function findOpenToken(db: Db, userId: string, purpose: TokenPurpose) {
  return db
    .selectFrom('user_tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

/** Locks the token row so two clicks on one link cannot both succeed. */
export function findTokenByHashForUpdate(db: Db, tokenHash: string, purpose: TokenPurpose) {
  return db
    .selectFrom('user_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .forUpdate()
    .executeTakeFirst();
}

export function findTokenByHash(db: Db, tokenHash: string) {
  return db.selectFrom('user_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function markUsed(db: Db, id: string) {
  await db.updateTable('user_tokens').set({ used_at: new Date() }).where('id', '=', id).execute();
}

/**
 * A resend mails a fresh link: the one mailed before is revoked, so opening it says "replaced
 * by a newer one" rather than "not valid"; the count of sends carries over.
 */
export async function reissueToken(
  db: Db,
  open: { id: string; user_id: string; purpose: TokenPurpose; new_email: string | null; sends: number },
  tokenHash: string,
  expiresAt: Date,
) {
  await db.updateTable('user_tokens').set({ revoked_at: new Date() }).where('id', '=', open.id).execute();
  await db
    .insertInto('user_tokens')
    .values({
      user_id: open.user_id,
      purpose: open.purpose,
      token_hash: tokenHash,
      expires_at: expiresAt,
      new_email: open.new_email,
      last_sent_at: new Date(),
      sends: open.sends + 1,
    })
    .execute();
}

/**
 * Serialises the link writes of one user (change, resend, cancel, activation mail), so two
 * requests at once cannot both pass the resend limit or both open a link.
 */
export async function lockUserTokens(db: Db, userId: string) {
  await sql`SELECT pg_advisory_xact_lock(hashtext('liaison.user_tokens'), hashtext(${userId}))`.execute(db);
}

/** What a message to this user needs: names and languages of the user and its tenant. */
export function findRecipient(db: Db, userId: string) {
  return db
    .selectFrom('users as u')
    .innerJoin('tenants as t', 't.id', 'u.tenant_id')
    .select([
      'u.id',
      'u.tenant_id',
      'u.login',
      'u.email',
      'u.firstname',
      'u.language',
      'u.activated',
      't.name as tenant_name',
      't.language as tenant_language',
    ])
    .where('u.id', '=', userId)
    .where('u.deleted_at', 'is', null)
    .executeTakeFirst();
}
