import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdList, IdParams, PagedItemsOf, standardErrors, VersionQuery } from '../../platform/http/common-schemas.js';
import type { ContactService } from './contact.service.js';
import { Contact, CreateContactBody, ListContactsQuery, UpdateContactBody } from './contact.schemas.js';

export const contactsPlugin: FastifyPluginAsyncTypebox<{ contacts: ContactService }> = async (app, { contacts }) => {
  const tags = ['contacts'];

  app.post(
    '/contacts',
    {
      schema: {
        tags,
        summary:
          'Create a contact: from a user of the tenant ({tenant_id, user_id, types}) or a new person ({tenant_id, types, firstname, lastname, email, …})',
        body: CreateContactBody,
        response: { 201: Contact, ...standardErrors },
      },
    },
    async (request, reply) => reply.status(201).send(await contacts.create(request.principal, request.body)),
  );

  app.get(
    '/contacts',
    {
      schema: {
        tags,
        summary: 'Contacts by ids, or of a tenant (optionally by type), paged',
        querystring: ListContactsQuery,
        response: { 200: PagedItemsOf(Contact), ...standardErrors },
      },
    },
    (request) => contacts.list(request.principal, request.query),
  );

  app.get(
    '/contacts/:id',
    {
      schema: { tags, summary: 'Read a contact', params: IdParams, response: { 200: Contact, ...standardErrors } },
    },
    (request) => contacts.get(request.principal, request.params.id),
  );

  app.put(
    '/contacts/:id',
    {
      schema: {
        tags,
        summary:
          "Update a contact (send the version you read). A linked activated user's new email waits for confirmation (see pending_email).",
        params: IdParams,
        body: UpdateContactBody,
        response: { 200: Contact, ...standardErrors },
      },
    },
    (request) => contacts.update(request.principal, request.params.id, request.body),
  );

  app.delete(
    '/contacts/:id',
    {
      schema: {
        tags,
        summary: 'Delete a contact (a linked user is kept, without contact types)',
        params: IdParams,
        querystring: VersionQuery,
        response: { 204: Type.Null(), ...standardErrors },
      },
    },
    async (request, reply) => {
      await contacts.remove(request.principal, request.params.id, request.query.version);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/contacts/:id/pending-email',
    {
      schema: {
        tags,
        summary: 'Cancel the email change waiting for confirmation',
        params: IdParams,
        response: { 204: Type.Null(), ...standardErrors },
      },
    },
    async (request, reply) => {
      await contacts.cancelPendingEmail(request.principal, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/contacts/:id/pending-email/resend',
    {
      schema: {
        tags,
        summary: 'Send the confirmation of the pending email again, with a fresh link (rate limited)',
        params: IdParams,
        response: { 204: Type.Null(), ...standardErrors },
      },
    },
    async (request, reply) => {
      await contacts.resendPendingEmail(request.principal, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/tenants/:id/contacts',
    {
      schema: {
        tags: ['tenants', 'contacts'],
        summary: "Ids of the tenant's contacts",
        params: IdParams,
        response: { 200: IdList, ...standardErrors },
      },
    },
    async (request) => ({ items: await contacts.idsOfTenant(request.principal, request.params.id) }),
  );
};
