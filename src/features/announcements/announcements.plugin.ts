import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ContactTypeSchema, IdParams, PagedItemsOf, standardErrors } from '../../platform/http/common-schemas.js';
import type { AnnouncementService } from './announcement.service.js';
import {
  Announcement,
  AnnouncementBody,
  AnnouncementPatch,
  CancelBody,
  ContactDelivery,
  Delivery,
  DeliveriesQuery,
  ListAnnouncementsQuery,
} from './announcement.schemas.js';
import { Preview } from './announcement-preview.schemas.js';
import { AnnouncementCreate } from './announcement-draft.schemas.js';

export const announcementsPlugin: FastifyPluginAsyncTypebox<{ announcements: AnnouncementService }> = async (
  app,
  { announcements },
) => {
  const tags = ['announcements'];

  app.post(
    '/announcements',
    {
      schema: {
        tags,
        summary:
          'Announce to the contacts of a category in a subtree (202: accepted; sent in the background), or keep a draft (draft: true; 201, nothing sent)',
        body: AnnouncementCreate,
        response: { 201: Announcement, 202: Announcement, ...standardErrors },
      },
    },
    async (request, reply) => {
      const created = await announcements.create(request.principal, request.body);
      return reply.status(created.status === 'draft' ? 201 : 202).send(created);
    },
  );

  app.post(
    '/announcements/preview',
    {
      schema: {
        tags,
        summary: 'Recipient counts (by tenant kind) and a sample, without sending',
        body: AnnouncementBody,
        response: { 200: Preview, ...standardErrors },
      },
    },
    (request) => announcements.preview(request.principal, request.body),
  );

  app.get(
    '/announcements',
    {
      schema: {
        tags,
        summary:
          "Announcements to a tenant's subtree, newest first, with progress; drafts only to the tenant that wrote them. Filters: ?status= (e.g. draft), ?category=, ?q= (subject text)",
        querystring: ListAnnouncementsQuery,
        response: { 200: PagedItemsOf(Announcement), ...standardErrors },
      },
    },
    (request) => announcements.list(request.principal, request.query),
  );

  app.get(
    '/announcements/:id',
    {
      schema: {
        tags,
        summary: 'An announcement with its status and delivery counts',
        params: IdParams,
        response: { 200: Announcement, ...standardErrors },
      },
    },
    (request) => announcements.get(request.principal, request.params.id),
  );

  app.patch(
    '/announcements/:id',
    {
      schema: {
        tags,
        summary:
          'Change a scheduled announcement or a draft (subject, body, category, fallback, send_at; mandatory for root administrators); 409 once it started or was cancelled',
        params: IdParams,
        body: AnnouncementPatch,
        response: { 200: Announcement, ...standardErrors },
      },
    },
    (request) => announcements.edit(request.principal, request.params.id, request.body),
  );

  app.post(
    '/announcements/:id/cancel',
    {
      schema: {
        tags,
        operationId: 'cancelAnnouncement',
        summary:
          'Cancel an announcement not done yet: a scheduled one never starts; of one being sent, the deliveries not sent yet are cancelled (sent ones stay); 409 when done or cancelled',
        params: IdParams,
        body: CancelBody,
        response: { 200: Announcement, ...standardErrors },
      },
    },
    (request) => announcements.cancel(request.principal, request.params.id),
  );

  app.post(
    '/announcements/:id/send',
    {
      schema: {
        tags,
        operationId: 'sendAnnouncementDraft',
        summary:
          'Send a draft: checked as POST /announcements checks a notice (400 naming a missing field), then scheduled if its send_at is ahead, else sent at once; 409 when not a draft',
        params: IdParams,
        body: CancelBody,
        response: { 202: Announcement, ...standardErrors },
      },
    },
    async (request, reply) => reply.status(202).send(await announcements.send(request.principal, request.params.id)),
  );

  app.delete(
    '/announcements/:id',
    {
      schema: {
        tags,
        summary: 'Delete a draft; 409 announcement_not_draft for one sent or scheduled (cancel it instead)',
        params: IdParams,
        response: { 204: Type.Null(), ...standardErrors },
      },
    },
    async (request, reply) => {
      await announcements.remove(request.principal, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/announcements/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'Its deliveries (e.g. ?status=failed): recipient, tenants, attempts, last error',
        params: IdParams,
        querystring: DeliveriesQuery,
        response: { 200: PagedItemsOf(Delivery), ...standardErrors },
      },
    },
    (request) => announcements.deliveries(request.principal, request.params.id, request.query),
  );

  app.get(
    '/contacts/:id/deliveries',
    {
      schema: {
        tags: ['contacts', 'announcements'],
        summary: 'The notices a contact was sent and their outcome, newest first',
        params: IdParams,
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
            after: Type.Optional(Type.String({ maxLength: 300 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: PagedItemsOf(ContactDelivery), ...standardErrors },
      },
    },
    (request) => announcements.contactDeliveries(request.principal, request.params.id, request.query),
  );

  app.post(
    '/contacts/:id/send-test-message',
    {
      schema: {
        tags: ['contacts', 'announcements'],
        params: IdParams,
        summary:
          'Send a short test notice of a type to the contact (a delivery like any other: in its history; a bounce marks it invalid); rate-limited per contact and per caller (429)',
        body: Type.Object({ type: ContactTypeSchema }, { additionalProperties: false }),
        response: { 202: Type.Object({ status: Type.Literal('queued') }), ...standardErrors },
      },
    },
    async (request, reply) => {
      await announcements.sendTestMessage(request.principal, request.params.id, request.body.type);
      return reply.status(202).send({ status: 'queued' as const });
    },
  );
};
