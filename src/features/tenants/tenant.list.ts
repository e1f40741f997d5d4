import { Type } from '@sinclair/typebox';
import type { Db } from '../../platform/db/database.js';
import { invalidField } from '../../platform/errors.js';
import { CursorFields, cursorOf, exactlyOne, paged, parseUuidList } from '../../platform/http/paging.js';
import { atLevel, Lod, type LodLevel } from '../../platform/http/lod.js';
import type { Principal } from '../../platform/scope.js';
import { toTenant } from './tenant.mapping.js';
import * as repo from './tenant.repository.js';
import { TENANT_HEAVY, type ListTenantsInput } from './tenant.schemas.js';
import type { ContactsOf } from './tenant.service.js';

/** The first call's filter (exactly one of ids, parent, subtree) and the last id seen. */
const cursor = cursorOf(
  {
    ids: Type.Optional(CursorFields.Uuids),
    parentId: Type.Optional(CursorFields.Uuid),
    subtreeRootId: Type.Optional(CursorFields.Uuid),
    updatedSince: Type.Optional(CursorFields.Timestamp),
    allowDeleted: Type.Boolean(),
    lod: Type.Optional(Lod),
    afterId: CursorFields.Uuid,
  },
  (c) => exactlyOne(c.ids, c.parentId, c.subtreeRootId),
);

/** GET /tenants: by ids, children of a parent or a subtree (the caller's own by default), paged by id. */
export async function listTenants(db: Db, principal: Principal, query: ListTenantsInput, contactsOf: ContactsOf) {
  let filter: Omit<repo.TenantFilter, 'limit'> & { lod?: LodLevel };
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
      lod: query.lod,
    };
  }
  const limit = query.limit ?? 5000;
  const rows = await repo.findTenants(db, principal.read, { ...filter, limit });
  const tenants = rows.slice(0, limit).map(toTenant);
  // The level asked now, else the first call's (the cursor carries it).
  const lod = query.lod ?? filter.lod;
  if (query.with_contacts && (lod ?? 'full') === 'full') {
    const contacts = await contactsOf(
      principal,
      tenants.map((t) => t.id),
    );
    for (const tenant of tenants) tenant.contacts = contacts.get(tenant.id) ?? [];
  }
  if (query.with_contact_counts) {
    const counts = await repo.contactCounts(
      db,
      tenants.map((t) => t.id),
    );
    for (const tenant of tenants)
      tenant.contact_counts = counts.get(tenant.id) ?? { billing: 0, technical: 0, management: 0 };
  }
  const items = [...tenants, ...rows.slice(limit).map(toTenant)].map((t) => atLevel(t, lod, TENANT_HEAVY));
  return paged(items, limit, (last) => cursor.encode({ ...filter, lod, afterId: last.id }));
}
