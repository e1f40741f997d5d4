import type { Db } from '../../platform/db/database.js';
import { fail } from '../../platform/errors.js';
import { CursorFields, cursorOf, paged } from '../../platform/http/paging.js';
import { findMailbox } from '../../platform/mail/outbox.repository.js';
import { inScope, type Principal } from '../../platform/scope.js';

/**
 * The mailbox holds live activation and confirmation links: reading one is acting as its
 * recipient, so only a person who may already write at the root may read it. A read-only
 * root admin or a root API client (a script's secret) is refused. Everyone signed in gets
 * the same 403 1002: the mailbox is no tenant's object, so its existence hides nothing.
 */
async function mayReadMailbox(db: Db, principal: Principal): Promise<boolean> {
  if (principal.kind !== 'user') return false;
  const root = await db
    .selectFrom('tenants')
    .select('id')
    .where('kind', '=', 'root')
    .where(inScope('tenants.id', principal.write))
    .executeTakeFirst();
  return root !== undefined;
}

/** Newest first: the next page starts after the last message seen. */
const cursor = cursorOf({ created_at: CursorFields.Timestamp, id: CursorFields.Uuid });

/** The built-in mailbox (no SMTP server configured): for the platform operator only. */
export async function listMailbox(db: Db, principal: Principal, query: { limit?: number; after?: string }) {
  if (!(await mayReadMailbox(db, principal))) {
    throw fail('mailbox_forbidden');
  }
  const limit = query.limit ?? 50;
  const before = query.after ? cursor.decode(query.after) : undefined;
  const rows = await findMailbox(db, principal.read, { limit, before });
  const items = rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    to: r.to_address,
    subject: r.subject,
    text: r.text_body,
    html: r.html_body,
    created_at: r.created_at.toISOString(),
  }));
  const keyOf = new Map(rows.map((r) => [r.id, r.created_at_key]));
  return paged(items, limit, (last) => cursor.encode({ created_at: keyOf.get(last.id)!, id: last.id }));
}
