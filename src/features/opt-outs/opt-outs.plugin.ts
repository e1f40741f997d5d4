import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse, IdParams, ItemsOf, standardErrors } from '../../platform/http/common-schemas.js';
import type { OptOutService } from './opt-out.service.js';
import { AskAgainBody, ContactOptOut, SubscriptionBody, TokenParams, UnsubscribePage } from './opt-out.schemas.js';

const linkErrors = { 400: Type.Ref(ErrorResponse), 404: Type.Ref(ErrorResponse) };

/**
 * Opt-outs under /api/2: the data of the public unsubscribe page (no sign-in: the token in the
 * mailed link is the credential), and a contact's opt-outs as its admins see them.
 */
export const optOutsPlugin: FastifyPluginAsyncTypebox<{ optOuts: OptOutService }> = async (app, { optOuts }) => {
  app.get(
    '/unsubscribe/:token',
    {
      config: { public: true },
      schema: {
        operationId: 'getUnsubscribePage',
        tags: ['opt-outs'],
        summary: "The unsubscribe page's data: the address, the category, the tenants, and whether it is opted out",
        params: TokenParams,
        response: { 200: UnsubscribePage, ...linkErrors },
      },
    },
    (request) => optOuts.page(request.params.token),
  );

  app.post(
    '/unsubscribe/:token',
    {
      config: { public: true },
      schema: {
        operationId: 'setUnsubscribeSubscription',
        tags: ['opt-outs'],
        summary: 'Opt the address out of the category for the tenants the message was sent for, or back in',
        params: TokenParams,
        body: SubscriptionBody,
        response: { 200: UnsubscribePage, ...linkErrors },
      },
    },
    (request) => optOuts.setSubscribed(request.params.token, request.body.subscribed),
  );

  app.get(
    '/contacts/:id/opt-outs',
    {
      schema: {
        tags: ['contacts'],
        summary: "The categories the contact's address opted out of in the contact's tenant",
        params: IdParams,
        response: { 200: ItemsOf(ContactOptOut), ...standardErrors },
      },
    },
    (request) => optOuts.ofContact(request.principal, request.params.id),
  );

  app.post(
    '/contacts/:id/opt-outs/ask-again',
    {
      schema: {
        operationId: 'askContactAgain',
        tags: ['contacts'],
        summary:
          'Mail the person a link to opt back in (each opt-out at most once a day: 429 with Retry-After; 409 when there is none)',
        params: IdParams,
        body: AskAgainBody,
        response: { 204: Type.Null(), ...standardErrors },
      },
    },
    async (request, reply) => {
      await optOuts.askAgain(request.principal, request.params.id, request.body.category);
      return reply.status(204).send(null);
    },
  );
};
