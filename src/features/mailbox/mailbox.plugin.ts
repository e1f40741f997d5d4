import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../platform/db/database.js';
import { PagedItemsOf, standardErrors, Timestamp, Uuid } from '../../platform/http/common-schemas.js';
import { listMailbox } from './mailbox.service.js';

const MailboxMessage = Type.Object({
  id: Uuid,
  kind: Type.String(),
  to: Type.String(),
  subject: Type.String(),
  text: Type.String(),
  html: Type.String(),
  created_at: Timestamp,
});

const MailboxQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    after: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { additionalProperties: false },
);

export const mailboxPlugin: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/mailbox',
    {
      schema: {
        operationId: 'listMailboxMessages',
        tags: ['mail'],
        summary: 'Messages kept in the built-in mailbox, newest first',
        querystring: MailboxQuery,
        response: { 200: PagedItemsOf(MailboxMessage), ...standardErrors },
      },
    },
    (request) => listMailbox(db, request.principal, request.query),
  );
};
