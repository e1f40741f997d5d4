import { Type, type Static } from '@sinclair/typebox';
import { tenantAccess } from '../../platform/access.js';
import type { Db } from '../../platform/db/database.js';
import { CursorFields, cursorOf, paged } from '../../platform/http/paging.js';
import type { Principal } from '../../platform/scope.js';
import { toAnnouncement } from './announcement.mapping.js';
import * as repo from './announcement.repository.js';
import { countDeliveries } from './delivery.repository.js';
import { ListAnnouncementsQuery } from './announcement.schemas.js';

const filters = ListAnnouncementsQuery.properties;

/**
 * Newest first, by creation time. The cursor carries the first call's filters, so `after` alone
 * reads the next page of the same list. The tenant is optional only for cursors made before it was
 * carried; the subject text is checked as strictly as the query's.
 */
const cursor = cursorOf({
  tenantId: Type.Optional(CursorFields.Uuid),
  status: filters.status,
  category: filters.category,
  q: Type.Optional(Type.String({ format: 'storable-text', minLength: 1, maxLength: 100 })),
  created_at: CursorFields.Timestamp,
  id: CursorFields.Uuid,
});

/** GET /announcements: those to a tenant's subtree (the caller's own by default), filtered, paged. */
export async function listAnnouncements(db: Db, principal: Principal, query: Static<typeof ListAnnouncementsQuery>) {
  const { after, limit = 50 } = query;
  let filter: repo.AnnouncementFilter;
  let before: { created_at: string; id: string } | undefined;
  if (after) {
    const { created_at, id, tenantId, ...rest } = cursor.decode(after);
    filter = { ...rest, tenantId: tenantId ?? query.tenant_id ?? principal.tenantId };
    before = { created_at, id };
  } else {
    const { tenant_id, status, category, q } = query;
    filter = { tenantId: tenant_id ?? principal.tenantId, status, category, q };
  }
  // A cursor is input like any other: its tenant is checked as a tenant_id would be.
  await tenantAccess(db, principal, filter.tenantId, 'read');
  const rows = await repo.findAnnouncements(db, principal.read, { ...filter, before, limit });
  const page = paged(rows, limit, (last) => cursor.encode({ ...filter, created_at: last.created_at_key, id: last.id }));
  const counts = await countDeliveries(
    db,
    page.items.map((r) => r.id),
  );
  return { ...page, items: page.items.map((r) => toAnnouncement(r, counts.get(r.id))) };
}
