import { actorOf, recordAudit, type AuditActor } from '../platform/audit-trail.js';
import type { Db } from '../platform/db/database.js';
import type { AfterCommit, UnitOfWork } from '../platform/db/unit-of-work.js';
import { fail } from '../platform/errors.js';
import { recordEvent } from '../platform/events.js';
import { systemScope, type Principal } from '../platform/scope.js';
import type { ConfirmationService } from '../features/confirmations/confirmation.service.js';
import { assertPersonEmailFree } from '../features/contacts/contact.addresses.js';
import { contactViewOfUser } from '../features/contacts/contact.event-data.js';
import type { ContactService } from '../features/contacts/contact.service.js';
import type { EmailChanges } from '../features/users/user.ports.js';
import type { UserService } from '../features/users/user.service.js';

/** The event of the person's contact, as the API shows it now (a user who is no contact has none). */
async function contactEvent(
  trx: Db,
  type: 'contact.email_change_requested' | 'contact.email_confirmed',
  userId: string,
) {
  const contact = await contactViewOfUser(trx, userId);
  if (contact) await recordEvent(trx, { type, tenantId: contact.tenant_id, data: contact.data });
}

export interface ChangePersonEmailDeps {
  uow: UnitOfWork;
  users: UserService;
  contacts: ContactService;
  confirmations: ConfirmationService;
}

/**
 * Changing a person's address (PUT /users/{id} or PUT /contacts/{id} of a linked contact),
 * confirming it from the link, and cancelling it: the rules that span the user (whose address
 * it is), its contact (one address per contact in a tenant) and the confirmation link.
 */
export class ChangePersonEmail implements EmailChanges {
  constructor(private readonly deps: ChangePersonEmailDeps) {}

  /**
   * Inside the caller's transaction. An activated user's address is the key to its account,
   * so a new one waits for confirmation from that address; otherwise it changes at once.
   * Answers what the caller must write.
   */
  async request(trx: Db, after: AfterCommit, actor: AuditActor, userId: string, newEmail: string) {
    const { confirmations } = this.deps;
    const user = await confirmations.recipient(trx, userId);
    if (!user) throw fail('user_not_found');
    // The current address sent back (a client echoing the object it read) is no change and
    // leaves an open change alone: cancelling is explicit (DELETE …/pending-email).
    if (newEmail === user.email) return 'unchanged' as const;
    await assertPersonEmailFree(trx, user, newEmail);
    if (newEmail.toLowerCase() === user.email.toLowerCase()) return 'changed' as const;
    if (!user.activated) {
      await confirmations.revokeActivation(trx, userId);
      return 'changed' as const;
    }
    await confirmations.openEmailChange(trx, after, actor, user, newEmail);
    await contactEvent(trx, 'contact.email_change_requested', userId);
    return 'pending' as const;
  }

  /** POST /email-confirmations: the person opened the link at the new address. */
  confirm(token: string) {
    const { uow, users, contacts, confirmations } = this.deps;
    return uow.run(async (trx) => {
      const { user, newEmail } = await confirmations.useEmailChange(trx, token);
      await assertPersonEmailFree(trx, user, newEmail, { meanwhile: true });
      await users.patchPerson(trx, systemScope(user.tenant_id), user.id, { email: newEmail });
      // A new address starts out valid: an old bounce says nothing about it.
      await contacts.personListener.changed(trx, systemScope(user.tenant_id), user.id, { emailChanged: true });
      await contactEvent(trx, 'contact.email_confirmed', user.id);
      await recordAudit(
        trx,
        { type: 'person', id: user.id },
        {
          tenantId: user.tenant_id,
          objectType: 'user',
          objectId: user.id,
          action: 'email_change_confirmed',
          before: { email: user.email },
          after: { email: newEmail },
        },
      );
      return { user_id: user.id, email: newEmail };
    });
  }

  /** DELETE …/pending-email: the link stops working and the contact no longer shows the pending address. */
  async cancel(principal: Principal, userId: string) {
    const { uow, contacts, confirmations } = this.deps;
    await uow.run(async (trx) => {
      const user = await confirmations.revokeEmailChange(trx, principal, userId);
      await contacts.personListener.changed(trx, principal.write, userId, { emailChanged: false });
      await recordAudit(trx, actorOf(principal), {
        tenantId: user.tenant_id,
        objectType: 'user',
        objectId: userId,
        action: 'email_change_cancelled',
      });
    });
  }

  resend(principal: Principal, userId: string) {
    return this.deps.confirmations.resendEmailChange(principal, userId);
  }
}
