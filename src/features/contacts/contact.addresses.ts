import type { Db } from '../../platform/db/database.js';
import { fail } from '../../platform/errors.js';
import { systemScope } from '../../platform/scope.js';
import * as addressRepo from './contact-address.repository.js';
import * as repo from './contact.repository.js';

/** Transactions that already hold their tenant's contacts lock: it is taken once per transaction and tenant. */
const locked = new WeakMap<Db, Set<string>>();

/**
 * Serialises the writes of a tenant's contacts, so the address rule below holds under
 * concurrency. Taken once per transaction, however many steps of one change ask for it.
 */
export async function lockContactsOf(trx: Db, tenantId: string) {
  const held = locked.get(trx) ?? new Set<string>();
  if (held.has(tenantId)) return;
  await addressRepo.lockTenantContacts(trx, tenantId);
  locked.set(trx, held.add(tenantId));
}

/**
 * The one rule of a tenant's addresses: within a tenant an email belongs to one contact at
 * most (its own address, or its user's). Checked under the tenant's contacts lock; the unique
 * constraints behind it answer the same code should a writer slip past.
 */
export async function assertEmailFree(
  trx: Db,
  tenantId: string,
  email: string,
  options: { exceptContactId?: string; meanwhile?: boolean } = {},
) {
  await lockContactsOf(trx, tenantId);
  if (await addressRepo.isEmailTaken(trx, systemScope(tenantId), tenantId, email, options.exceptContactId)) {
    throw fail(options.meanwhile ? 'contact_email_taken_meanwhile' : 'contact_email_taken', { info: 'email' });
  }
}

/** The same rule for a user's new address: a user that is no contact is free to take any. */
export async function assertPersonEmailFree(
  trx: Db,
  user: { id: string; tenant_id: string },
  email: string,
  options: { meanwhile?: boolean } = {},
) {
  const contact = await repo.findContactOfUser(trx, systemScope(user.tenant_id), user.id);
  if (contact) await assertEmailFree(trx, user.tenant_id, email, { exceptContactId: contact.id, ...options });
}
