import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { decodeCursor, paged } from '../../platform/http/paging.js';
import { PagedItemsOf, standardErrors, Timestamp, Uuid } from '../../platform/http/common-schemas.js';
import { findMailbox } from '../../platform/mail/outbox.repository.js';
import { inScope, type Principal } from '../../platform/scope.js';

const MailboxMessage = Type.Object({
  id: Uuid, kind: Type.String(), to: Type.String(), subject: Type.String(),
  text: Type.String(), html: Type.String(), created_at: Timestamp,
});

const MailboxQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  after: Type.Optional(Type.String({ maxLength: 300 })),
}, { additionalProperties: false });

/**
 * The mailbox holds live activation and confirmation links: reading one is acting as its
 * recipient, so only a person who may already write at the root may read it. A read-only
 * root admin or a root API client (a script's secret) is refused. Everyone signed in gets
 * the same 403 1002: the mailbox is no tenant's object, so its existence hides nothing.
 */
async function mayReadMailbox(db: Db, principal: Principal): Promise<boolean> {
  if (principal.kind !== 'user') return false;
  const root = await db.selectFrom('tenants').select('id').where('kind', '=', 'root').where(inScope('tenants.id', principal.write)).executeTakeFirst();
  return root !== undefined;
}

/** The built-in mailbox (no SMTP server configured): for the platform operator only. */
export async function listMailbox(db: Db, principal: Principal, query: { limit?: number; after?: string }) {
  if (!(await mayReadMailbox(db, principal))) {
    throw new AppError(1002, 'Only administrators who may change the root tenant may read the mailbox', { domain: 'AccountServer' });
  }
  const limit = query.limit ?? 50;
  const before = query.after ? decodeCursor<{ created_at: string; id: string }>(query.after) : undefined;
  const rows = await findMailbox(db, principal.read, { limit, before });
  const items = rows.map((r) => ({ id: r.id, kind: r.kind, to: r.to_address, subject: r.subject, text: r.text_body, html: r.html_body, created_at: r.created_at.toISOString() }));
  const keyOf = new Map(rows.map((r) => [r.id, r.created_at_key]));
  return paged(items, limit, (last) => ({ created_at: keyOf.get(last.id), id: last.id }));
}

export const mailboxRoutes = (db: Db): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/mailbox', {
    schema: { tags: ['mail'], summary: 'Messages kept in the built-in mailbox, newest first', querystring: MailboxQuery, response: { 200: PagedItemsOf(MailboxMessage), ...standardErrors } },
  }, (request) => listMailbox(db, request.principal, request.query));
};
