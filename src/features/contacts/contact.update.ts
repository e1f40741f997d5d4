import { actorOf, recordAudit } from '../../platform/audit-trail.js';
import type { Db } from '../../platform/db/database.js';
import type { AfterCommit } from '../../platform/db/unit-of-work.js';
import type { UserUpdate } from '../../platform/db/schema.js';
import { fail, versionMismatch } from '../../platform/errors.js';
import { assertAsStored } from '../../platform/http/contact-card.js';
import type { Principal } from '../../platform/scope.js';
import { toUser } from '../users/user.mapping.js';
import type { EmailChanges } from '../users/user.ports.js';
import type { UserService } from '../users/user.service.js';
import { assertEmailFree } from './contact.addresses.js';
import { cardOf, normalizeTypes } from './contact.mapping.js';
import * as repo from './contact.repository.js';
import type { UpdateContactInput } from './contact.schemas.js';

interface UpdateStep {
  trx: Db;
  afterCommit: AfterCommit;
  principal: Principal;
  users: UserService;
  emailChanges: EmailChanges;
}

/**
 * The writes of PUT /contacts/{id}, inside its transaction, once the contact is found, writable,
 * locked and at the version sent. A linked contact's person fields belong to its user (written
 * there, shown through the contact; a new address may wait for confirmation); a standalone
 * contact's are its own.
 */
export async function writeUpdate(
  { trx, afterCommit, principal, users, emailChanges }: UpdateStep,
  current: repo.ContactRecord,
  input: UpdateContactInput,
) {
  assertAsStored('email_confirmed', input.email_confirmed, current.user_id !== null && current.user_activated);
  const types = input.types ? normalizeTypes(input.types) : undefined;
  const primary_types = input.primary_types; // as planned (contact.primaries.ts)
  if (current.user_id) {
    // The person's fields belong to the user: written there, shown through the contact.
    const user = await users.find(trx, principal, current.user_id);
    if (!user) throw fail('contact_not_found');
    const patch: UserUpdate = {};
    if (input.firstname !== undefined) patch.firstname = input.firstname.trim();
    if (input.lastname !== undefined) patch.lastname = input.lastname.trim();
    if (input.phone !== undefined) patch.phone = input.phone;
    if (input.title !== undefined) patch.title = input.title;
    if (input.language !== undefined) patch.language = input.language;
    if (input.email !== undefined) {
      const outcome = await emailChanges.request(trx, afterCommit, actorOf(principal), user.id, input.email);
      if (outcome === 'changed') patch.email = input.email;
    }
    if (Object.keys(patch).length) await users.patchPerson(trx, principal.write, user.id, patch);
    const moved = await repo.updateContact(trx, principal.write, current.id, current.version, {
      ...(types ? { types } : {}),
      primary_types,
      ...(patch.email ? { validation_state: 'valid' as const } : {}),
      ...cardOf(input),
    });
    if (!moved) throw versionMismatch();
    // The user changed too: its own trail shows it, as if edited through PUT /users.
    if (Object.keys(patch).length) {
      const userAfter = toUser((await users.find(trx, principal, user.id))!);
      await recordAudit(trx, actorOf(principal), {
        tenantId: user.tenant_id,
        objectType: 'user',
        objectId: user.id,
        action: 'update',
        before: toUser(user),
        after: userAfter,
      });
    }
  } else {
    if (input.email !== undefined && input.email.toLowerCase() !== (current.email ?? '').toLowerCase()) {
      await assertEmailFree(trx, current.tenant_id, input.email, { exceptContactId: current.id });
    }
    const emailChanged = input.email !== undefined && input.email !== current.email;
    const moved = await repo.updateContact(trx, principal.write, current.id, current.version, {
      ...(types ? { types } : {}),
      primary_types,
      ...(input.firstname !== undefined ? { firstname: input.firstname.trim() } : {}),
      ...(input.lastname !== undefined ? { lastname: input.lastname.trim() } : {}),
      ...(input.email !== undefined ? { email: input.email } : {}),
      ...(input.phone !== undefined ? { phone: input.phone } : {}),
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.language !== undefined ? { language: input.language } : {}),
      ...(emailChanged ? { validation_state: 'valid' as const } : {}),
      ...cardOf(input),
    });
    if (!moved) throw versionMismatch();
  }
}
