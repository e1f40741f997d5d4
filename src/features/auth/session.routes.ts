import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse } from '../../platform/http/common-schemas.js';
import { bearerTokenOf, csrfTokenFor, SESSION_COOKIE } from '../../platform/http/auth-hook.js';
import type { Config } from '../../platform/config.js';
import { fail } from '../../platform/errors.js';
import type { AuthService } from './auth.service.js';
import type { UserService } from '../users/user.service.js';
import { Me } from '../users/user.schemas.js';

const Session = Type.Object({
  csrf_token: Type.String({ description: 'Send it as X-CSRF-Token on every write made with the session cookie' }),
  user: Me,
});

/**
 * The console's sign-in: the access token travels in an httpOnly, SameSite=Strict cookie
 * that scripts cannot read; writes carry the CSRF token derived from it. The bearer-token
 * API is untouched beside it.
 */
export const sessionRoutes: FastifyPluginAsyncTypebox<{
  auth: AuthService;
  users: UserService;
  config: Config;
}> = async (app, { auth, users, config }) => {
  const secure = config.publicUrl.startsWith('https://');
  const tags = ['auth'];

  app.post(
    '/session',
    {
      config: { public: true },
      schema: {
        operationId: 'createSession',
        tags,
        summary: 'Sign in to the console (sets the session cookie)',
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 255 }),
            password: Type.String({ minLength: 1, maxLength: 1024 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Session,
          400: Type.Ref(ErrorResponse),
          401: Type.Ref(ErrorResponse),
          415: Type.Ref(ErrorResponse),
          429: Type.Ref(ErrorResponse),
        },
      },
      // JSON only: a cross-site form cannot send it, so no other site can sign a browser in.
      preValidation: async (request) => {
        if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) {
          throw fail('sign_in_not_json');
        }
      },
    },
    async (request, reply) => {
      const { userId, token } = await auth.signIn(request.body.username, request.body.password, request.ip);
      const principal = (await auth.userPrincipal(userId))!;
      reply.setCookie(SESSION_COOKIE, token.access_token, {
        httpOnly: true,
        sameSite: 'strict',
        secure,
        path: '/',
        maxAge: token.expires_in,
      });
      reply.header('cache-control', 'no-store');
      return { csrf_token: csrfTokenFor(token.access_token), user: await users.me(principal) };
    },
  );

  app.get(
    '/session',
    {
      schema: {
        operationId: 'getSession',
        tags,
        summary: 'The signed-in user of this session, and its CSRF token',
        response: { 200: Session, 401: Type.Ref(ErrorResponse), 404: Type.Ref(ErrorResponse) },
      },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE] ?? request.headers.authorization?.replace(/^Bearer\s+/i, '') ?? '';
      reply.header('cache-control', 'no-store');
      return { csrf_token: csrfTokenFor(token), user: await users.me(request.principal) };
    },
  );

  app.delete(
    '/session',
    {
      schema: {
        tags,
        summary:
          'Sign out: the credential of this call (session cookie or bearer token) is revoked and the cookie cleared',
        description:
          'HTTP Basic sends the password with every call: there is nothing to revoke, so it answers 400 `not_revocable`.',
        response: {
          204: Type.Null(),
          400: Type.Ref(ErrorResponse),
          401: Type.Ref(ErrorResponse),
          403: Type.Ref(ErrorResponse),
        },
      },
    },
    async (request, reply) => {
      // Whichever credential made the call is the one signed out, not just the console's cookie.
      const token = bearerTokenOf(request);
      if (token === undefined) {
        throw fail('basic_not_revocable');
      }
      await auth.revoke(token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );
};
