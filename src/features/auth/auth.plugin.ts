import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { fail, invalidFields } from '../../platform/errors.js';
import { ErrorResponse } from '../../platform/http/common-schemas.js';
import type { Config } from '../../platform/config.js';
import type { UserService } from '../users/user.service.js';
import type { AuthService } from './auth.service.js';
import { sessionRoutes } from './session.routes.js';

// RFC 6749 §3.2: a token endpoint ignores parameters it does not know (clients send
// `audience`, `resource`, …), unlike our write bodies; unknown grant types get their own code.
const TokenRequest = Type.Object(
  {
    grant_type: Type.String({
      maxLength: 64,
      description: '`password` or `client_credentials`',
      examples: ['password', 'client_credentials'],
    }),
    username: Type.Optional(Type.String({ maxLength: 255 })),
    password: Type.Optional(Type.String({ maxLength: 1024 })),
    client_id: Type.Optional(Type.String({ maxLength: 255 })),
    client_secret: Type.Optional(Type.String({ maxLength: 1024 })),
    scope: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: true },
);

const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('bearer'),
  expires_in: Type.Integer(),
  expires_on: Type.Integer({ description: 'Unix seconds' }),
});

/** RFC 6749 §2.3.1: client credentials in Basic are form-urlencoded before base64. */
function basicClient(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header?.toLowerCase().startsWith('basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const unescape = (s: string) => {
    try {
      return decodeURIComponent(s.replaceAll('+', ' '));
    } catch {
      return s;
    }
  };
  return { id: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)) };
}

const missing = (field: string) => invalidFields([field], `${field} is required for this grant_type`);

/** Tokens for scripts (OAuth client credentials, password grant) and the console's session. */
export const authPlugin: FastifyPluginAsyncTypebox<{ auth: AuthService; users: UserService; config: Config }> = async (
  app,
  { auth, users, config },
) => {
  await app.register(sessionRoutes, { auth, users, config });
  app.post(
    '/idp/token',
    {
      config: { public: true },
      schema: {
        operationId: 'createToken',
        tags: ['auth'],
        summary: 'Issue an access token (password or client_credentials grant)',
        consumes: ['application/x-www-form-urlencoded'],
        body: TokenRequest,
        response: { 200: TokenResponse, 400: ErrorResponse, 401: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (request, reply) => {
      // RFC 6749 §5.1: answers carrying tokens must never be cached.
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      const body = request.body;
      // §3.2: a parameter sent without a value counts as omitted.
      if (body.grant_type === 'password') {
        if (!body.username) throw missing('username');
        if (!body.password) throw missing('password');
        return auth.passwordGrant(body.username, body.password, request.ip);
      }
      if (body.grant_type !== 'client_credentials') {
        throw fail('unsupported_grant_type', { info: 'grant_type', context: { fields: ['grant_type'] } });
      }
      const client =
        basicClient(request.headers.authorization) ??
        (body.client_id ? { id: body.client_id, secret: body.client_secret ?? '' } : undefined);
      if (!client) throw missing('client_id');
      return auth.clientGrant(client.id, client.secret, request.ip);
    },
  );
};
