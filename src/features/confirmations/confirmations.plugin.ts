import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse, IdParams, standardErrors, Uuid } from '../../platform/http/common-schemas.js';
import type { ConfirmationService } from './confirmation.service.js';

const Token = Type.String({ minLength: 1, maxLength: 200 });
const Password = Type.String({ minLength: 8, maxLength: 256, description: 'At least 8 characters' });

const linkErrors = {
  400: Type.Ref(ErrorResponse),
  409: Type.Ref(ErrorResponse),
  410: Type.Ref(ErrorResponse),
  429: Type.Ref(ErrorResponse),
};

export interface ConfirmationsPluginOptions {
  confirmations: ConfirmationService;
  /** Confirms a new address from its link: a use case above the features (use-cases/change-person-email.ts). */
  confirmEmail: (token: string) => Promise<{ user_id: string; email: string }>;
}

export const confirmationsPlugin: FastifyPluginAsyncTypebox<ConfirmationsPluginOptions> = async (
  app,
  { confirmations, confirmEmail },
) => {
  // Consumed by POST only: mail scanners prefetch GET links, and must not confirm anything.
  app.post(
    '/email-confirmations',
    {
      config: { public: true },
      schema: {
        operationId: 'confirmEmail',
        tags: ['confirmations'],
        summary: 'Confirm a new email address with the token from the mailed link',
        body: Type.Object({ token: Token }, { additionalProperties: false }),
        response: { 200: Type.Object({ user_id: Uuid, email: Type.String() }), ...linkErrors },
      },
    },
    (request) => confirmEmail(request.body.token),
  );

  app.post(
    '/users/activate',
    {
      config: { public: true },
      schema: {
        tags: ['users'],
        summary: 'Activate an account with the token from the mailed link, choosing its password',
        body: Type.Object({ token: Token, password: Password }, { additionalProperties: false }),
        response: { 200: Type.Object({ login: Type.String() }), ...linkErrors },
      },
    },
    (request) => confirmations.activate(request.body.token, request.body.password),
  );

  app.post(
    '/users/:id/send-activation-email',
    {
      schema: {
        tags: ['users'],
        summary: 'Mail the user a link to activate its account (rate limited)',
        params: IdParams,
        response: { 204: Type.Null(), ...standardErrors },
      },
    },
    async (request, reply) => {
      await confirmations.sendActivation(request.principal, request.params.id);
      return reply.status(204).send(null);
    },
  );
};
