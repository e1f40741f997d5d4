import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { invalidField, underField } from '../platform/errors.js';
import type { Principal } from '../platform/scope.js';
import type { ContactService } from '../features/contacts/contact.service.js';
import type { BillingContactInput, CreateContactInput } from '../features/contacts/contact.schemas.js';
import type { TenantService } from '../features/tenants/tenant.service.js';
import type { CreateTenantInput } from '../features/tenants/tenant.schemas.js';

export interface CreateTenantDeps {
  uow: UnitOfWork;
  tenants: TenantService;
  contacts: ContactService;
}

const FIELD = 'company_billing_contact';

/**
 * The new tenant's billing contact as a contact: always of type billing, with technical or
 * management too when the card says so. `primary` is what it becomes anyway (the tenant's first
 * billing contact); `legal` is the tenant's own card (`contact`), never a contact's type.
 */
function billingContact(tenantId: string, { types = [], ...card }: BillingContactInput): CreateContactInput {
  if (types.includes('legal')) {
    throw invalidField(`${FIELD}.types`, "legal is the tenant's own card (contact); a billing contact cannot have it");
  }
  const extra = types.filter((t) => t === 'technical' || t === 'management');
  return { ...card, tenant_id: tenantId, types: ['billing', ...extra] };
}

/**
 * POST /tenants: the tenant and, when `company_billing_contact` is given, its billing contact, in
 * one transaction (a contact refused leaves no tenant behind), each written to the audit trail
 * and the event outbox by the feature that owns it. The contact's errors name their fields
 * under `company_billing_contact.`.
 */
export const createTenant =
  ({ uow, tenants, contacts }: CreateTenantDeps) =>
  (principal: Principal, { company_billing_contact: card, ...input }: CreateTenantInput) =>
    uow.run(async (trx) => {
      const tenant = await tenants.createIn(trx, principal, input);
      if (card) {
        await contacts.createIn(trx, principal, billingContact(tenant.id, card)).catch((error: unknown) => {
          throw underField(FIELD, error);
        });
      }
      return tenant;
    });
