import type { AuditActor } from '../../platform/audit-trail.js';
import type { Db } from '../../platform/db/database.js';
import type { AfterCommit } from '../../platform/db/unit-of-work.js';
import type { Principal, Scope } from '../../platform/scope.js';

// What the users feature asks of the features and use cases above it, as interfaces of its own,
// so it imports none of them; src/app.ts hands it their implementations.

/**
 * What else shows a user's person (its contact, in the contacts feature above this one): told
 * inside the transaction when the person changes or goes, so it stays true with the user.
 */
export interface PersonListener {
  changed(trx: Db, scope: Scope, userId: string, change: { emailChanged: boolean }): Promise<void>;
  deleted(trx: Db, principal: Principal, userId: string): Promise<void>;
}

/**
 * A person's new address: the rules that span users, contacts and confirmation links live in
 * use-cases/change-person-email.ts, given to this feature (and to contacts) at composition.
 */
export interface EmailChanges {
  /** Inside the caller's transaction; answers what the caller must write ('pending': a link went to the new address). */
  request(
    trx: Db,
    after: AfterCommit,
    actor: AuditActor,
    userId: string,
    newEmail: string,
  ): Promise<'unchanged' | 'changed' | 'pending'>;
  cancel(principal: Principal, userId: string): Promise<void>;
  resend(principal: Principal, userId: string): Promise<void>;
}

export interface UserServiceDeps {
  emailChanges: EmailChanges;
  person: PersonListener;
}
