import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { assertWritable } from '../../platform/access.js';
import type { Db } from '../../platform/db/database.js';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import type { TenantKind, TenantUpdate } from '../../platform/db/schema.js';
import { AppError, invalidField, notFound, versionMismatch } from '../../platform/errors.js';
import { CursorFields, cursorOf, exactlyOne, paged, parseUuidList } from '../../platform/http/paging.js';
import type { Principal } from '../../platform/scope.js';
import * as repo from './tenant.repository.js';
import type { ContactView } from '../contacts/contact.schemas.js';
import { actorOf, recordAudit } from '../../platform/audit-trail.js';
import type { Tenant, CreateTenantInput, ListTenantsInput, UpdateTenantInput, ChildOrder } from './tenant.schemas.js';

/** Which kinds may live directly under which (DESIGN.md §1, Tenants). */
const allowedChildren: Record<TenantKind, TenantKind[]> = {
  root: ['partner', 'folder', 'customer'],
  partner: ['partner', 'folder', 'customer'],
  folder: ['partner', 'folder', 'customer'],
  customer: ['unit'],
  unit: [],
};

function toTenant(row: repo.TenantRecord): Static<typeof Tenant> {
  return {
    id: row.id,
    version: row.version,
    name: row.name,
    kind: row.kind,
    parent_id: row.parent_id,
    enabled: row.enabled,
    language: row.language,
    has_children: row.has_children,
    customer_type: 'default',
    customer_id: row.customer_id,
    internal_tag: row.internal_tag,
    owner_id: null,
    ancestral_access: true,
    update_lock: { enabled: false, owner_id: null },
    contact: row.contact ?? {},
    contacts: [],
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    deleted_at: row.deleted_at ? row.deleted_at.toISOString() : null,
  };
}

const tenantNotFound = () => notFound('Tenant', 1005);

/** The first call's filter (exactly one of ids, parent, subtree) and the last id seen. */
const cursor = cursorOf(
  {
    ids: Type.Optional(CursorFields.Uuids),
    parentId: Type.Optional(CursorFields.Uuid),
    subtreeRootId: Type.Optional(CursorFields.Uuid),
    updatedSince: Type.Optional(CursorFields.Timestamp),
    allowDeleted: Type.Boolean(),
    afterId: CursorFields.Uuid,
  },
  (c) => exactlyOne(c.ids, c.parentId, c.subtreeRootId),
);

/** The contacts of the given tenants, grouped by tenant (for `with_contacts`). */
export type ContactsOf = (principal: Principal, tenantIds: string[]) => Promise<Map<string, ContactView[]>>;

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
    if (!row) throw tenantNotFound();
    return toTenant(row);
  }

  async list(principal: Principal, query: ListTenantsInput) {
    let filter: Omit<repo.TenantFilter, 'limit'>;
    if (query.after) {
      filter = cursor.decode(query.after);
    } else {
      const given = (['uuids', 'parent_id', 'subtree_root_id'] as const).filter((k) => query[k] !== undefined);
      if (given.length > 1) throw invalidField(given.join(','), 'give only one of uuids, parent_id, subtree_root_id');
      filter = {
        ids: query.uuids !== undefined ? parseUuidList('uuids', query.uuids) : undefined,
        parentId: query.parent_id,
        // Without a filter: everything the caller administers, starting at its own tenant.
        subtreeRootId: given.length === 0 ? principal.tenantId : query.subtree_root_id,
        updatedSince: query.updated_since,
        allowDeleted: query.allow_deleted ?? false,
      };
    }
    const limit = query.limit ?? 5000;
    const rows = await repo.findTenants(this.db, principal.read, { ...filter, limit });
    const tenants = rows.slice(0, limit).map(toTenant);
    if (query.with_contacts) {
      const contacts = await this.contactsOf(
        principal,
        tenants.map((t) => t.id),
      );
      for (const tenant of tenants) tenant.contacts = contacts.get(tenant.id) ?? [];
    }
    return paged([...tenants, ...rows.slice(limit).map(toTenant)], limit, (last) =>
      cursor.encode({ ...filter, afterId: last.id }),
    );
  }

  async childIds(principal: Principal, id: string, options: { order?: ChildOrder; allowDeleted?: boolean }) {
    await this.get(principal, id);
    return repo.findChildIds(this.db, principal.read, id, {
      order: options.order ?? 'name',
      allowDeleted: options.allowDeleted ?? false,
    });
  }

  async create(principal: Principal, input: CreateTenantInput) {
    return this.uow.run(async (trx) => {
      const parent = await repo.findTenant(trx, principal.read, input.parent_id);
      if (!parent) throw new AppError(1005, 'Parent tenant not found', { domain: 'AccountServer', info: 'parent_id' });
      await assertWritable(trx, principal, parent.id);
      if (!allowedChildren[parent.kind].includes(input.kind)) {
        throw invalidField(
          'kind',
          `a ${parent.kind} tenant cannot hold a ${input.kind} (allowed: ${allowedChildren[parent.kind].join(', ') || 'none'})`,
        );
      }
      if (!parent.enabled)
        throw new AppError(1003, 'The parent tenant is disabled', { domain: 'AccountServer', info: 'parent_id' });
      const id = randomUUID();
      await repo.insertTenant(trx, {
        id,
        parent_id: parent.id,
        name: input.name.trim(),
        kind: input.kind,
        enabled: input.enabled ?? true,
        language: input.language ?? parent.language,
        contact: JSON.stringify(input.contact ?? {}),
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
      return created;
    });
  }

  async update(principal: Principal, id: string, input: UpdateTenantInput) {
    return this.uow.run(async (trx) => {
      const current = await repo.findTenant(trx, principal.read, id);
      if (!current) throw tenantNotFound();
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
      if (input.contact !== undefined) patch.contact = JSON.stringify(input.contact);
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
      return after;
    });
  }

  /**
   * Whether the caller may delete the tenant (use-cases/delete-tenant.ts): a disabled tenant
   * without children, at the version the caller read, and not the one it administers from.
   */
  async assertDeletable(trx: Db, principal: Principal, id: string, version: number) {
    const current = await repo.findTenant(trx, principal.read, id);
    if (!current) throw tenantNotFound();
    await assertWritable(trx, principal, id);
    this.refuseOwnTenant(principal, current, 'delete');
    if (current.version !== version) throw versionMismatch(current.version);
    if (current.enabled) throw new AppError(1006, 'Disable the tenant before deleting it', { domain: 'AccountServer' });
    if (await repo.hasLiveChildren(trx, principal.read, id)) {
      throw new AppError('has_children', 'The tenant still has tenants below it; delete those first', {
        domain: 'AccountServer',
      });
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
  }

  /** The tenants a caller administers from are not its to switch off: that would lock it out. */
  private refuseOwnTenant(principal: Principal, tenant: repo.TenantRecord, action: string) {
    if (tenant.kind === 'root' || principal.write.includes(tenant.id) || principal.tenantId === tenant.id) {
      throw new AppError(1002, `You cannot ${action} the tenant you administer from; ask its service provider`, {
        domain: 'AccountServer',
      });
    }
  }
}
