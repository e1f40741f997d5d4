import { randomUUID } from 'node:crypto';
import { assertWritable } from '../../platform/access.js';
import type { Db } from '../../platform/db/database.js';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import type { TenantKind, TenantUpdate } from '../../platform/db/schema.js';
import { assertThat, fail, invalidField, versionMismatch } from '../../platform/errors.js';
import type { Principal } from '../../platform/scope.js';
import { listTenants } from './tenant.list.js';
import { toTenant } from './tenant.mapping.js';
import * as repo from './tenant.repository.js';
import type { ContactView } from '../contacts/contact.schemas.js';
import { actorOf, recordAudit } from '../../platform/audit-trail.js';
import { recordEvent } from '../../platform/events.js';
import type { CreateTenantInput, ListTenantsInput, UpdateTenantInput, ChildOrder } from './tenant.schemas.js';

/** Which kinds may live directly under which (DESIGN.md §1, Tenants). */
const allowedChildren: Record<TenantKind, TenantKind[]> = {
  root: ['partner', 'folder', 'customer'],
  partner: ['partner', 'folder', 'customer'],
  folder: ['partner', 'folder', 'customer'],
  customer: ['unit'],
  unit: [],
};

/** The first start's root tenant (its own parent), unless there is one; answers its id when it made it. */
export async function createRootTenant(trx: Db, name: string): Promise<string | undefined> {
  if (await repo.findRootTenant(trx)) return undefined;
  const id = randomUUID();
  await repo.insertTenant(trx, { id, parent_id: id, name, kind: 'root', language: 'en' });
  return id;
}

/** The contacts of the given tenants, grouped by tenant (for `with_contacts`). */
export type ContactsOf = (principal: Principal, tenantIds: string[]) => Promise<Map<string, ContactView[]>>;

/** The card as stored: email_confirmed is read-only (sent back as read, never kept). */
const storedCard = ({ email_confirmed: _readOnly, ...card }: { email_confirmed?: boolean }) => JSON.stringify(card);

export class TenantService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly contactsOf: ContactsOf,
  ) {}

  private get db() {
    return this.uow.db;
  }

  async get(principal: Principal, id: string, options: { allowDeleted?: boolean } = {}) {
    const row = await repo.findTenant(this.db, principal.read, id, options);
    if (!row) throw fail('tenant_not_found');
    return toTenant(row);
  }

  list(principal: Principal, query: ListTenantsInput) {
    return listTenants(this.db, principal, query, this.contactsOf);
  }

  async childIds(principal: Principal, id: string, options: { order?: ChildOrder; allowDeleted?: boolean }) {
    await this.get(principal, id);
    return repo.findChildIds(this.db, principal.read, id, {
      order: options.order ?? 'name',
      allowDeleted: options.allowDeleted ?? false,
    });
  }

  /** Creates a tenant in the caller's transaction (use-cases/create-tenant.ts writes its billing contact beside it). */
  async createIn(trx: Db, principal: Principal, input: Omit<CreateTenantInput, 'company_billing_contact'>) {
    const parent = await repo.findTenant(trx, principal.read, input.parent_id);
    if (!parent) throw fail('parent_not_found', { info: 'parent_id' });
    await assertWritable(trx, principal, parent.id);
    if (!allowedChildren[parent.kind].includes(input.kind)) {
      throw invalidField(
        'kind',
        `a ${parent.kind} tenant cannot hold a ${input.kind} (allowed: ${allowedChildren[parent.kind].join(', ') || 'none'})`,
      );
    }
    if (!parent.enabled) throw fail('parent_disabled', { info: 'parent_id' });
    const id = randomUUID();
    await repo.insertTenant(trx, {
      id,
      parent_id: parent.id,
      name: input.name.trim(),
      kind: input.kind,
      enabled: input.enabled ?? true,
      language: input.language ?? parent.language,
      contact: storedCard(input.contact ?? {}),
      customer_id: input.customer_id ?? null,
      internal_tag: input.internal_tag ?? null,
    });
    const created = toTenant((await repo.findTenant(trx, principal.read, id))!);
    await recordAudit(trx, actorOf(principal), {
      tenantId: id,
      objectType: 'tenant',
      objectId: id,
      action: 'create',
      after: created,
    });
    await recordEvent(trx, { type: 'tenant.created', tenantId: id, data: created });
    return created;
  }

  async update(principal: Principal, id: string, input: UpdateTenantInput) {
    return this.uow.run(async (trx) => {
      const current = await repo.findTenant(trx, principal.read, id);
      if (!current) throw fail('tenant_not_found');
      await assertWritable(trx, principal, id);
      if (current.version !== input.version) throw versionMismatch(current.version);
      if (input.enabled === false && current.enabled) this.refuseOwnTenant(principal, current, 'disable');
      if (input.kind && input.kind !== current.kind && !['partner', 'folder'].includes(current.kind)) {
        throw invalidField('kind', 'only a partner or a folder can change kind, and only to each other');
      }
      const patch: TenantUpdate = {};
      if (input.name !== undefined) patch.name = input.name.trim();
      if (input.kind !== undefined) patch.kind = input.kind;
      if (input.language !== undefined) patch.language = input.language;
      if (input.enabled !== undefined) patch.enabled = input.enabled;
      if (input.contact !== undefined) patch.contact = storedCard(input.contact);
      if (input.customer_id !== undefined) patch.customer_id = input.customer_id;
      if (input.internal_tag !== undefined) patch.internal_tag = input.internal_tag;
      const updated = await repo.updateTenant(trx, principal.write, id, input.version, patch);
      if (!updated) throw versionMismatch();
      const after = toTenant((await repo.findTenant(trx, principal.read, id))!);
      await recordAudit(trx, actorOf(principal), {
        tenantId: id,
        objectType: 'tenant',
        objectId: id,
        action: 'update',
        before: toTenant(current),
        after,
      });
      await recordEvent(trx, { type: 'tenant.updated', tenantId: id, data: after, before: toTenant(current) });
      return after;
    });
  }

  /**
   * Whether the caller may delete the tenant (use-cases/delete-tenant.ts): a disabled tenant
   * without children, at the version the caller read, and not the one it administers from.
   */
  async assertDeletable(trx: Db, principal: Principal, id: string, version: number) {
    const current = await repo.findTenant(trx, principal.read, id);
    if (!current) throw fail('tenant_not_found');
    await assertWritable(trx, principal, id);
    this.refuseOwnTenant(principal, current, 'delete');
    if (current.version !== version) throw versionMismatch(current.version);
    if (current.enabled) throw fail('tenant_enabled');
    if (await repo.hasLiveChildren(trx, principal.read, id)) {
      throw fail('tenant_has_children');
    }
    return current;
  }

  /** The tenant's own row, last, once what lived in it is gone; its trail outlives it. */
  async markDeleted(trx: Db, principal: Principal, tenant: repo.TenantRecord) {
    if (!(await repo.updateTenant(trx, principal.write, tenant.id, tenant.version, { deleted_at: new Date() })))
      throw versionMismatch();
    await recordAudit(trx, actorOf(principal), {
      tenantId: tenant.id,
      objectType: 'tenant',
      objectId: tenant.id,
      action: 'delete',
      before: toTenant(tenant),
    });
    await recordEvent(trx, { type: 'tenant.deleted', tenantId: tenant.id, data: toTenant(tenant) });
  }

  /** The tenants a caller administers from are not its to switch off: that would lock it out. */
  private refuseOwnTenant(principal: Principal, tenant: repo.TenantRecord, action: 'disable' | 'delete') {
    const own = tenant.kind === 'root' || principal.write.includes(tenant.id) || principal.tenantId === tenant.id;
    assertThat(!own, action === 'disable' ? 'own_tenant_disable' : 'own_tenant_delete');
  }
}
