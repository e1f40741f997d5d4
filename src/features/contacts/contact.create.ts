import type { Db } from '../../platform/db/database.js';
import { fail, invalidField } from '../../platform/errors.js';
import type { Principal } from '../../platform/scope.js';
import type { UserService } from '../users/user.service.js';
import { assertEmailFree } from './contact.addresses.js';
import { cardOf, normalizeTypes, personFields } from './contact.mapping.js';
import * as repo from './contact.repository.js';
import type { CreateContactInput } from './contact.schemas.js';

/**
 * The row of a new contact, checked, once its tenant is writable and its contacts locked: a
 * contact made from a user takes the person from it (and may not send one), a person without
 * access needs a first name, a last name and an address free in the tenant.
 */
export async function newContactRow(
  trx: Db,
  principal: Principal,
  users: UserService,
  tenantId: string,
  input: CreateContactInput,
): Promise<Omit<Parameters<typeof repo.insertContact>[2], 'primary_types'>> {
  const common = { tenant_id: tenantId, types: normalizeTypes(input.types), ...cardOf(input) };
  if (input.user_id !== undefined) {
    const given = personFields.filter((f) => input[f] !== undefined);
    if (given.length) throw invalidField(given[0], 'comes from the user: leave it out when user_id is given');
    const user = await users.find(trx, principal, input.user_id);
    if (!user || user.tenant_id !== tenantId) throw invalidField('user_id', 'must be a user of this tenant');
    if (await repo.findContactOfUser(trx, principal.read, user.id)) {
      throw fail('contact_user_taken', { info: 'user_id' });
    }
    await assertEmailFree(trx, tenantId, user.email);
    return { ...common, user_id: user.id };
  }
  for (const field of ['firstname', 'lastname', 'email'] as const) {
    if (input[field] === undefined) throw invalidField(field, 'is required for a contact without a user');
  }
  await assertEmailFree(trx, tenantId, input.email!);
  return {
    ...common,
    user_id: null,
    firstname: input.firstname!.trim(),
    lastname: input.lastname!.trim(),
    email: input.email!,
    phone: input.phone ?? null,
    title: input.title ?? null,
    language: input.language ?? null,
  };
}
