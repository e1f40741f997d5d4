import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import type { Principal } from '../platform/scope.js';
import type { ClientService } from '../features/clients/client.service.js';
import type { ContactService } from '../features/contacts/contact.service.js';
import type { TenantService } from '../features/tenants/tenant.service.js';
import type { UserService } from '../features/users/user.service.js';

export interface DeleteTenantDeps {
  uow: UnitOfWork;
  tenants: TenantService;
  contacts: ContactService;
  users: UserService;
  clients: ClientService;
}

/**
 * DELETE /tenants/{id}: nothing of a deleted tenant may keep acting or stay findable, so its
 * contacts, users (with their roles and tokens) and API clients go with it, in one transaction,
 * each written to the audit trail by the feature that owns it.
 */
export const deleteTenant =
  ({ uow, tenants, contacts, users, clients }: DeleteTenantDeps) =>
  (principal: Principal, id: string, version: number) =>
    uow.run(async (trx) => {
      const tenant = await tenants.assertDeletable(trx, principal, id, version);
      await contacts.deleteAllOfTenant(trx, principal, id);
      await users.deleteAllOfTenant(trx, principal, id);
      await clients.deleteAllOfTenant(trx, principal, id);
      await tenants.markDeleted(trx, principal, tenant);
    });
