import { assertWritable } from '../../platform/access.js';
import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db/database.js';
import type { AfterCommit, UnitOfWork } from '../../platform/db/unit-of-work.js';
import { AppError, notFound, tooManyRequests } from '../../platform/errors.js';
import { enqueueMail } from '../../platform/mail/outbox.repository.js';
import { pickLanguage } from '../../platform/mail/render.js';
import { systemScope, type Principal } from '../../platform/scope.js';
import { hashPassword, newToken, sha256 } from '../../platform/secrets.js';
import { actorOf, recordAudit, type AuditActor } from '../../platform/audit-trail.js';
import { findContactOfUser, isEmailTaken, lockTenantContacts, touchContactOfUser } from '../contacts/contact.repository.js';
import { findUser, patchUser } from '../users/user.repository.js';
import * as repo from './confirmation.repository.js';
import { activationMail, confirmEmailMail, emailChangeNoticeMail } from './confirmation.mails.js';

const MAX_SENDS = 5;
type Recipient = NonNullable<Awaited<ReturnType<typeof repo.findRecipient>>>;

const tokenError = {
  unknown: () => new AppError('token_invalid', 'This link is not valid. Check that you opened the whole link from the message.', { domain: 'confirmations' }),
  expired: () => new AppError('token_expired', 'This link has expired. Ask for a new one.', { domain: 'confirmations' }),
  used: () => new AppError('token_used', 'This link was already used.', { domain: 'confirmations' }),
  revoked: () => new AppError('token_revoked', 'This link was replaced by a newer one or cancelled.', { domain: 'confirmations' }),
};

const alreadyActivated = () => new AppError('already_activated', 'This user has already activated its account', { domain: 'confirmations' });

export type TokenState = 'valid' | 'expired' | 'used' | 'revoked' | 'unknown';

/** Confirmed email changes and account activation: single-use links sent by mail. */
export class ConfirmationService {
  constructor(private readonly uow: UnitOfWork, private readonly config: Config) {}

  private get db() {
    return this.uow.db;
  }

  /**
   * Inside the caller's transaction. An activated user's address is the key to its
   * account, so a new one waits for confirmation from that address; otherwise it changes
   * at once. Answers what the caller must write.
   */
  async requestEmailChange(trx: Db, after: AfterCommit, actor: AuditActor, userId: string, newEmail: string): Promise<'unchanged' | 'changed' | 'pending'> {
    const user = await repo.findRecipient(trx, userId);
    if (!user) throw notFound('User');
    // The current address sent back (a client echoing the object it read) is no change and
    // leaves an open change alone: cancelling is explicit (DELETE …/pending-email).
    if (newEmail === user.email) return 'unchanged';
    await this.assertEmailFree(trx, user, newEmail, 'Another contact of this tenant already uses this email address');
    if (newEmail.toLowerCase() === user.email.toLowerCase()) return 'changed';
    await repo.lockUserTokens(trx, userId);
    if (!user.activated) {
      // An activation link mailed to the old address must not open the account any more.
      await repo.revokeOpenToken(trx, userId, 'activation');
      return 'changed';
    }
    const { token, hash } = newToken();
    await repo.replaceOpenToken(trx, { userId, purpose: 'email_change', tokenHash: hash, expiresAt: this.expiry(), newEmail });
    await this.sendEmailChangeMails(trx, user, newEmail, token);
    await recordAudit(trx, actor, { tenantId: user.tenant_id, objectType: 'user', objectId: userId, action: 'email_change_requested', before: { email: user.email }, after: { pending_email: newEmail } });
    after.wake('mail');
    return 'pending';
  }

  async cancelEmailChange(principal: Principal, userId: string) {
    await this.uow.run(async (trx) => {
      const user = await this.writableUser(trx, principal, userId);
      await repo.lockUserTokens(trx, userId);
      if (!(await repo.revokeOpenToken(trx, userId, 'email_change'))) throw new AppError('nothing_pending', 'No email change is waiting for confirmation', { domain: 'confirmations' });
      await touchContactOfUser(trx, userId);
      await recordAudit(trx, actorOf(principal), { tenantId: user.tenant_id, objectType: 'user', objectId: userId, action: 'email_change_cancelled' });
    });
  }

  /** Sends the confirmation again with a fresh link (the previous one stops working). */
  async resendEmailChange(principal: Principal, userId: string) {
    await this.uow.run(async (trx, after) => {
      await this.writableUser(trx, principal, userId);
      await repo.lockUserTokens(trx, userId);
      const open = await repo.findOpenToken(trx, userId, 'email_change');
      if (!open || open.expires_at <= new Date() || !open.new_email) throw new AppError('nothing_pending', 'No email change is waiting for confirmation', { domain: 'confirmations' });
      this.throttleResend(open);
      const { token, hash } = newToken();
      await repo.reissueToken(trx, open, hash, this.expiry());
      const user = (await repo.findRecipient(trx, userId))!;
      await this.sendEmailChangeMails(trx, user, open.new_email, token, { noticeToOld: false });
      after.wake('mail');
    });
  }

  async confirmEmail(token: string) {
    const result = await this.uow.run(async (trx) => {
      const row = await this.consumable(trx, token, 'email_change');
      const user = await repo.findRecipient(trx, row.user_id);
      if (!user || !row.new_email) throw tokenError.revoked();
      await this.assertEmailFree(trx, user, row.new_email, 'Another contact of this tenant took this address meanwhile; ask for the change again');
      await repo.markUsed(trx, row.id);
      await patchUser(trx, user.id, { email: row.new_email });
      // A new address starts out valid: an old bounce says nothing about it.
      await touchContactOfUser(trx, user.id, { validation_state: 'valid' });
      await recordAudit(trx, { type: 'person', id: user.id }, { tenantId: user.tenant_id, objectType: 'user', objectId: user.id, action: 'email_change_confirmed', before: { email: user.email }, after: { email: row.new_email } });
      return { user_id: user.id, email: row.new_email };
    });
    return result;
  }

  async sendActivation(principal: Principal, userId: string) {
    await this.uow.run(async (trx, after) => {
      const user = await this.writableUser(trx, principal, userId);
      if (user.activated) throw alreadyActivated();
      await repo.lockUserTokens(trx, userId);
      const found = await repo.findOpenToken(trx, userId, 'activation');
      // Once the open link has expired, a send starts afresh (and replaces it), limits and all.
      const open = found && found.expires_at > new Date() ? found : undefined;
      if (open) this.throttleResend(open);
      const { token, hash } = newToken();
      if (open) await repo.reissueToken(trx, open, hash, this.expiry());
      else await repo.replaceOpenToken(trx, { userId, purpose: 'activation', tokenHash: hash, expiresAt: this.expiry() });
      const recipient = (await repo.findRecipient(trx, userId))!;
      const language = pickLanguage(recipient.language, recipient.tenant_language);
      const mail = activationMail(language, { firstname: recipient.firstname, tenantName: recipient.tenant_name, login: recipient.login, url: this.link('/activate', token), hours: this.config.linkTtlHours });
      await enqueueMail(trx, { tenantId: recipient.tenant_id, kind: 'activation', to: recipient.email, ...mail });
      after.wake('mail');
    });
  }

  async activate(token: string, password: string) {
    // Refuse a dead link before paying for a password hash.
    const seen = await this.inspect(token, 'activation');
    if (seen.state !== 'valid') throw tokenError[seen.state]();
    const passwordHash = await hashPassword(password);
    return this.uow.run(async (trx) => {
      const row = await this.consumable(trx, token, 'activation');
      const user = await repo.findRecipient(trx, row.user_id);
      if (!user) throw tokenError.revoked();
      // Activated meanwhile by another way: an old link must not reset the password.
      if (user.activated) throw alreadyActivated();
      await repo.markUsed(trx, row.id);
      await patchUser(trx, user.id, { password_hash: passwordHash, activated: true });
      await recordAudit(trx, { type: 'person', id: user.id }, { tenantId: user.tenant_id, objectType: 'user', objectId: user.id, action: 'activated' });
      return { login: user.login };
    });
  }

  /** For the link pages: what a press of the button would meet, without using the link. */
  async inspect(token: string, purpose: repo.TokenPurpose): Promise<{ state: TokenState; language?: string; newEmail?: string | null }> {
    const row = await repo.findTokenByHash(this.db, sha256(token));
    // A link of the other kind is no link for this page: the button would only fail.
    if (!row || row.purpose !== purpose) return { state: 'unknown' };
    const user = await repo.findRecipient(this.db, row.user_id);
    const language = pickLanguage(user?.language, user?.tenant_language);
    return { state: stateOf(row), language, newEmail: row.new_email };
  }

  private async consumable(trx: Db, token: string, purpose: repo.TokenPurpose) {
    const row = token.length >= 20 && token.length <= 100 ? await repo.findTokenByHashForUpdate(trx, sha256(token), purpose) : undefined;
    if (!row) throw tokenError.unknown();
    const state = stateOf(row);
    if (state !== 'valid') throw tokenError[state]();
    return row;
  }

  private async sendEmailChangeMails(trx: Db, user: Recipient, newEmail: string, token: string, options = { noticeToOld: true }) {
    const language = pickLanguage(user.language, user.tenant_language);
    const person = { firstname: user.firstname, tenantName: user.tenant_name };
    const confirm = confirmEmailMail(language, { ...person, oldEmail: user.email, newEmail, url: this.link('/confirm-email', token), hours: this.config.linkTtlHours });
    await enqueueMail(trx, { tenantId: user.tenant_id, kind: 'email_change_confirmation', to: newEmail, ...confirm });
    if (options.noticeToOld) {
      const notice = emailChangeNoticeMail(language, { ...person, newEmail });
      await enqueueMail(trx, { tenantId: user.tenant_id, kind: 'email_change_notice', to: user.email, ...notice });
    }
  }

  private async writableUser(trx: Db, principal: Principal, userId: string) {
    const user = await findUser(trx, principal.read, userId);
    if (!user) throw notFound('User');
    await assertWritable(trx, principal, user.tenant_id);
    return user;
  }

  /** Within a tenant an email belongs to one contact at most; a user that is no contact is free. */
  private async assertEmailFree(trx: Db, user: Recipient, email: string, message: string) {
    const scope = systemScope(user.tenant_id);
    const contact = await findContactOfUser(trx, scope, user.id);
    if (!contact) return;
    await lockTenantContacts(trx, user.tenant_id);
    if (await isEmailTaken(trx, scope, user.tenant_id, email, contact.id)) {
      throw new AppError('contact_email_taken', message, { domain: 'contacts', info: 'email' });
    }
  }

  private throttleResend(open: { last_sent_at: Date; sends: number; expires_at: Date }) {
    const secondsUntil = (time: number) => Math.max(Math.ceil((time - Date.now()) / 1000), 1);
    if (open.sends >= MAX_SENDS) {
      // The link is spent once it expires; then a new one can be asked for.
      const retryAfter = secondsUntil(open.expires_at.getTime());
      throw tooManyRequests(`This message was already sent ${MAX_SENDS} times; ask again after the link expires, in ${retryAfter} s`, retryAfter, 'confirmations');
    }
    const readyAt = open.last_sent_at.getTime() + this.config.resendCooldownSeconds * 1000;
    if (readyAt > Date.now()) {
      const retryAfter = secondsUntil(readyAt);
      throw tooManyRequests(`This message was sent moments ago; try again in ${retryAfter} s`, retryAfter, 'confirmations');
    }
  }

  private expiry() {
    return new Date(Date.now() + this.config.linkTtlHours * 3_600_000);
  }

  private link(path: string, token: string) {
    return `${this.config.publicUrl}${path}?token=${encodeURIComponent(token)}`;
  }
}

function stateOf(row: { used_at: Date | null; revoked_at: Date | null; expires_at: Date }): Exclude<TokenState, 'unknown'> {
  if (row.used_at) return 'used';
  if (row.revoked_at) return 'revoked';
  if (row.expires_at <= new Date()) return 'expired';
  return 'valid';
}
