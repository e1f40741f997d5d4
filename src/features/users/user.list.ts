import { Type } from '@sinclair/typebox';
import type { Db } from '../../platform/db/database.js';
import { invalidFields } from '../../platform/errors.js';
import { CursorFields, cursorOf, exactlyOne, paged, parseUuidList } from '../../platform/http/paging.js';
import { atLevel, Lod, type LodLevel } from '../../platform/http/lod.js';
import type { Principal } from '../../platform/scope.js';
import { toUser } from './user.mapping.js';
import { findPolicies } from './access-policy.repository.js';
import * as repo from './user.repository.js';
import { USER_HEAVY, UserOrders, type ListUsersInput } from './user.schemas.js';

/** The first call's filter (exactly one of ids, tenant, subtree), its order, and the last row seen. */
const cursor = cursorOf(
  {
    ids: Type.Optional(CursorFields.Uuids),
    tenantId: Type.Optional(CursorFields.Uuid),
    subtreeRootId: Type.Optional(CursorFields.Uuid),
    updatedSince: Type.Optional(CursorFields.Timestamp),
    withPolicies: Type.Boolean(),
    lod: Type.Optional(Lod),
    order: Type.Optional(Type.Union(UserOrders.map((o) => Type.Literal(o)))),
    afterId: CursorFields.Uuid,
    afterKey: Type.Optional(CursorFields.Text),
  },
  (c) => exactlyOne(c.ids, c.tenantId, c.subtreeRootId),
);

/** GET /users: by ids, of a tenant or of a subtree, in the order asked, paged by key. */
export async function listUsers(db: Db, principal: Principal, query: ListUsersInput) {
  let filter: Omit<repo.UserFilter, 'limit'> & { withPolicies: boolean; lod?: LodLevel };
  if (query.after) {
    filter = cursor.decode(query.after);
  } else {
    const choices = ['uuids', 'tenant_id', 'subtree_root_tenant_id'] as const;
    const given = choices.filter((k) => query[k] !== undefined);
    if (given.length !== 1) {
      const fields = given.length ? [...given] : [...choices];
      throw invalidFields(fields, `${fields.join(', ')}: give exactly one of ${choices.join(', ')}`);
    }
    filter = {
      ids: query.uuids !== undefined ? parseUuidList('uuids', query.uuids) : undefined,
      tenantId: query.tenant_id,
      subtreeRootId: query.subtree_root_tenant_id,
      updatedSince: query.updated_since,
      withPolicies: query.with_access_policies ?? false,
      order: query.order,
      lod: query.lod,
    };
  }
  const limit = query.limit ?? 2000;
  const rows = await repo.findUsers(db, principal.read, { ...filter, limit });
  // The level asked now, else the first call's (the cursor carries it); stamps leave out the policies too.
  const lod = query.lod ?? filter.lod;
  const policies =
    filter.withPolicies && lod !== 'stamps'
      ? await findPolicies(
          db,
          principal.read,
          rows.map((r) => r.id),
        )
      : undefined;
  const keyOf = new Map(rows.map((r) => [r.id, r.sort_key]));
  return paged(
    rows.map((r) => atLevel(toUser(r, policies), lod, USER_HEAVY)),
    limit,
    (last) => cursor.encode({ ...filter, lod, afterId: last.id, afterKey: keyOf.get(last.id) }),
  );
}
