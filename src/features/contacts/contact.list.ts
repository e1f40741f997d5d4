import { Type } from '@sinclair/typebox';
import { tenantAccess } from '../../platform/access.js';
import type { Db } from '../../platform/db/database.js';
import type { ContactType } from '../../platform/db/schema.js';
import { invalidField } from '../../platform/errors.js';
import { CursorFields, cursorOf, exactlyOne, paged, parseUuidList } from '../../platform/http/paging.js';
import type { Principal } from '../../platform/scope.js';
import { normalizeTypes, toContact, typeOrder } from './contact.mapping.js';
import * as repo from './contact.repository.js';
import type { ContactView, ListContactsInput } from './contact.schemas.js';

/** The first call's filter (ids, or a tenant with its types) and the last id seen. */
const cursor = cursorOf(
  {
    ids: Type.Optional(CursorFields.Uuids),
    tenantId: Type.Optional(CursorFields.Uuid),
    types: Type.Optional(Type.Array(Type.Union(typeOrder.map((t) => Type.Literal(t))), { maxItems: 3 })),
    afterId: CursorFields.Uuid,
  },
  (c) => exactlyOne(c.ids, c.tenantId),
);

/** GET /contacts: by ids, or of a tenant (optionally by type), paged by id. */
export async function listContacts(db: Db, principal: Principal, query: ListContactsInput) {
  let filter: { ids?: string[]; tenantId?: string; types?: ContactType[] };
  let afterId: string | undefined;
  if (query.after) {
    ({ afterId, ...filter } = cursor.decode(query.after));
  } else {
    if ((query.uuids === undefined) === (query.tenant_id === undefined))
      throw invalidField('uuids,tenant_id', 'give exactly one of uuids, tenant_id');
    filter = {
      ids: query.uuids !== undefined ? parseUuidList('uuids', query.uuids) : undefined,
      tenantId: query.tenant_id,
      types: query.types ? normalizeTypes(query.types.split(',') as ContactType[]) : undefined,
    };
    if (query.tenant_id) await tenantAccess(db, principal, query.tenant_id, 'read');
  }
  const limit = query.limit ?? 1000;
  const rows = await repo.findContacts(db, principal.read, {
    ids: filter.ids,
    tenantIds: filter.tenantId ? [filter.tenantId] : undefined,
    types: filter.types,
    afterId,
    limit,
  });
  return paged(rows.map(toContact), limit, (last) => cursor.encode({ ...filter, afterId: last.id }));
}

/** The contacts of several tenants at once (for `with_contacts`), grouped by tenant. */
export async function contactsOfTenants(db: Db, principal: Principal, tenantIds: string[]) {
  const byTenant = new Map<string, ContactView[]>();
  if (tenantIds.length === 0) return byTenant;
  const rows = await repo.findContacts(db, principal.read, { tenantIds, limit: 100_000 });
  for (const row of rows) byTenant.set(row.tenant_id, [...(byTenant.get(row.tenant_id) ?? []), toContact(row)]);
  return byTenant;
}

export interface ContactPage {
  tenantId: string;
  subtree: boolean;
  afterId?: string;
  limit: number;
}

/** A keyset page by id of a tenant's contacts, or its whole subtree's (the caller's access is checked before). */
export async function contactPage(db: Db, principal: Principal, { tenantId, subtree, afterId, limit }: ContactPage) {
  const filter = subtree ? { below: tenantId } : { tenantIds: [tenantId] };
  const rows = await repo.findContacts(db, principal.read, { ...filter, afterId, limit });
  return rows.slice(0, limit).map(toContact);
}

/** The tenant's contact shown with this address (case-insensitive), if the caller sees it. */
export async function contactByEmail(db: Db, principal: Principal, tenantId: string, email: string) {
  const [row] = await repo.findContacts(db, principal.read, { tenantIds: [tenantId], email, limit: 1 });
  return row && toContact(row);
}
