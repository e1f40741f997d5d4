import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db/database.js';
import type { AfterCommit, UnitOfWork } from '../../platform/db/unit-of-work.js';
import { fail, tooManyRequests } from '../../platform/errors.js';
import { enqueueMail } from '../../platform/mail/outbox.repository.js';
import { pickLanguage } from '../../platform/mail/render.js';
import { systemScope, type Principal } from '../../platform/scope.js';
import { hashPassword, newToken, sha256 } from '../../platform/secrets.js';
import { recordAudit, type AuditActor } from '../../platform/audit-trail.js';
import type { UserService } from '../users/user.service.js';
import * as repo from './confirmation.repository.js';
import { activationMail, enqueueEmailChangeMails } from './confirmation.mails.js';
import { resendRefusal, stateOf, tokenError, type TokenState } from './confirmation.tokens.js';

const MAX_SENDS = 5;
export type Recipient = NonNullable<Awaited<ReturnType<typeof repo.findRecipient>>>;

const alreadyActivated = () => fail('already_activated');

/**
 * Single-use links sent by mail: account activation, and the confirmation of a new address.
 * The rules of a person's address that span users and contacts live in
 * use-cases/change-person-email.ts, which calls the token steps below.
 */
export class ConfirmationService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly config: Config,
    private readonly users: UserService,
  ) {}

  private get db() {
    return this.uow.db;
  }

  /** The person behind a user, with what its mails need (language, tenant name). */
  recipient(trx: Db, userId: string) {
    return repo.findRecipient(trx, userId);
  }

  /** An activation link mailed to an address being replaced must not open the account any more. */
  async revokeActivation(trx: Db, userId: string) {
    await repo.lockUserTokens(trx, userId);
    await repo.revokeOpenToken(trx, userId, 'activation');
  }

  /** Inside the caller's transaction: a link to the new address, a notice to the old one. */
  async openEmailChange(trx: Db, after: AfterCommit, actor: AuditActor, user: Recipient, newEmail: string) {
    await repo.lockUserTokens(trx, user.id);
    const { token, hash } = newToken();
    await repo.replaceOpenToken(trx, {
      userId: user.id,
      purpose: 'email_change',
      tokenHash: hash,
      expiresAt: this.expiry(),
      newEmail,
    });
    await this.sendEmailChangeMails(trx, user, newEmail, token);
    await recordAudit(trx, actor, {
      tenantId: user.tenant_id,
      objectType: 'user',
      objectId: user.id,
      action: 'email_change_requested',
      before: { email: user.email },
      after: { pending_email: newEmail },
    });
    after.wake('mail');
  }

  /** Revokes the open email change of a user the caller may change (404 / 403 otherwise, nothing_pending when none). */
  async revokeEmailChange(trx: Db, principal: Principal, userId: string) {
    const user = await this.users.writable(trx, principal, userId);
    await repo.lockUserTokens(trx, userId);
    if (!(await repo.revokeOpenToken(trx, userId, 'email_change'))) throw fail('nothing_pending');
    return user;
  }

  /** Takes the email-change link (locked, valid) and marks it used: the caller writes the new address in the same transaction. */
  async useEmailChange(trx: Db, token: string) {
    const row = await this.consumable(trx, token, 'email_change');
    const user = await repo.findRecipient(trx, row.user_id);
    if (!user || !row.new_email) throw tokenError.revoked();
    await repo.markUsed(trx, row.id);
    return { user, newEmail: row.new_email };
  }

  /** Sends the confirmation again with a fresh link (the previous one stops working). */
  async resendEmailChange(principal: Principal, userId: string) {
    await this.uow.run(async (trx, after) => {
      await this.users.writable(trx, principal, userId);
      await repo.lockUserTokens(trx, userId);
      const open = await repo.findOpenToken(trx, userId, 'email_change');
      if (!open || open.expires_at <= new Date() || !open.new_email) throw fail('nothing_pending');
      this.throttleResend(open);
      const { token, hash } = newToken();
      await repo.reissueToken(trx, open, hash, this.expiry());
      const user = (await repo.findRecipient(trx, userId))!;
      await this.sendEmailChangeMails(trx, user, open.new_email, token, { noticeToOld: false });
      after.wake('mail');
    });
  }

  async sendActivation(principal: Principal, userId: string) {
    await this.uow.run(async (trx, after) => {
      const user = await this.users.writable(trx, principal, userId);
      if (user.activated) throw alreadyActivated();
      await repo.lockUserTokens(trx, userId);
      const found = await repo.findOpenToken(trx, userId, 'activation');
      // Once the open link has expired, a send starts afresh (and replaces it), limits and all.
      const open = found && found.expires_at > new Date() ? found : undefined;
      if (open) this.throttleResend(open);
      const { token, hash } = newToken();
      if (open) await repo.reissueToken(trx, open, hash, this.expiry());
      else
        await repo.replaceOpenToken(trx, { userId, purpose: 'activation', tokenHash: hash, expiresAt: this.expiry() });
      const recipient = (await repo.findRecipient(trx, userId))!;
      const language = pickLanguage(recipient.language, recipient.tenant_language);
      const mail = activationMail(language, {
        firstname: recipient.firstname,
        tenantName: recipient.tenant_name,
        login: recipient.login,
        url: this.link('/activate', token),
        hours: this.config.linkTtlHours,
      });
      await enqueueMail(trx, { tenantId: recipient.tenant_id, kind: 'activation', to: recipient.email, ...mail });
      after.wake('mail');
    });
  }

  async activate(token: string, password: string) {
    // Refuse a dead link before paying for a password hash.
    const seen = await this.inspect(token, 'activation');
    if (seen !== 'valid') throw tokenError[seen]();
    const passwordHash = await hashPassword(password);
    return this.uow.run(async (trx) => {
      const row = await this.consumable(trx, token, 'activation');
      const user = await repo.findRecipient(trx, row.user_id);
      if (!user) throw tokenError.revoked();
      // Activated meanwhile by another way: an old link must not reset the password.
      if (user.activated) throw alreadyActivated();
      await repo.markUsed(trx, row.id);
      await this.users.patchPerson(trx, systemScope(user.tenant_id), user.id, {
        password_hash: passwordHash,
        activated: true,
      });
      await recordAudit(
        trx,
        { type: 'person', id: user.id },
        { tenantId: user.tenant_id, objectType: 'user', objectId: user.id, action: 'activated' },
      );
      return { login: user.login };
    });
  }

  /** What a press of the button would meet, without using the link. */
  private async inspect(token: string, purpose: repo.TokenPurpose): Promise<TokenState> {
    const row = await repo.findTokenByHash(this.db, sha256(token));
    // A link of the other kind is no link for this page: the button would only fail.
    if (!row || row.purpose !== purpose) return 'unknown';
    return stateOf(row);
  }

  private async consumable(trx: Db, token: string, purpose: repo.TokenPurpose) {
    const row =
      token.length >= 20 && token.length <= 100
        ? await repo.findTokenByHashForUpdate(trx, sha256(token), purpose)
        : undefined;
    if (!row) throw tokenError.unknown();
    const state = stateOf(row);
    if (state !== 'valid') throw tokenError[state]();
    return row;
  }

  private sendEmailChangeMails(
    trx: Db,
    user: Recipient,
    newEmail: string,
    token: string,
    options = { noticeToOld: true },
  ) {
    const url = this.link('/confirm-email', token);
    return enqueueEmailChangeMails(trx, { user, newEmail, url, hours: this.config.linkTtlHours, ...options });
  }

  private throttleResend(open: { last_sent_at: Date; sends: number; expires_at: Date }) {
    const refusal = resendRefusal(open, { maxSends: MAX_SENDS, cooldownSeconds: this.config.resendCooldownSeconds });
    if (refusal) throw tooManyRequests(refusal.message, refusal.retryAfter, 'confirmations');
  }

  private expiry() {
    return new Date(Date.now() + this.config.linkTtlHours * 3_600_000);
  }

  private link(path: string, token: string) {
    return `${this.config.publicUrl}${path}?token=${encodeURIComponent(token)}`;
  }
}
