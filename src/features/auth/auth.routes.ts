import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../platform/errors.js';
import { ErrorResponse } from '../../platform/http/common-schemas.js';
import type { AuthService } from './auth.service.js';

const TokenRequest = Type.Object({
  grant_type: Type.Union([Type.Literal('password'), Type.Literal('client_credentials')]),
  username: Type.Optional(Type.String({ maxLength: 255 })),
  password: Type.Optional(Type.String({ maxLength: 1024 })),
  client_id: Type.Optional(Type.String({ maxLength: 255 })),
  client_secret: Type.Optional(Type.String({ maxLength: 1024 })),
  scope: Type.Optional(Type.String({ maxLength: 1024 })),
}, { additionalProperties: false });

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
  const unescape = (s: string) => { try { return decodeURIComponent(s.replaceAll('+', ' ')); } catch { return s; } };
  return { id: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)) };
}

const missing = (field: string) =>
  new AppError('validation_failed', `${field} is required for this grant_type`, { domain: 'validation', info: field, context: { fields: [field] } });

export const authRoutes = (auth: AuthService): FastifyPluginAsyncTypebox => async (app) => {
  app.post('/idp/token', {
    config: { public: true },
    schema: {
      tags: ['auth'], summary: 'Issue an access token (password or client_credentials grant)',
      consumes: ['application/x-www-form-urlencoded'],
      body: TokenRequest,
      response: { 200: TokenResponse, 400: ErrorResponse, 401: ErrorResponse, 429: ErrorResponse },
    },
  }, async (request) => {
    const body = request.body;
    if (body.grant_type === 'password') {
      if (!body.username) throw missing('username');
      if (body.password === undefined) throw missing('password');
      return auth.passwordGrant(body.username, body.password, request.ip);
    }
    const client = basicClient(request.headers.authorization)
      ?? (body.client_id !== undefined ? { id: body.client_id, secret: body.client_secret ?? '' } : undefined);
    if (!client) throw missing('client_id');
    return auth.clientGrant(client.id, client.secret, request.ip);
  });
};
