import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../scope.js';
import { fail } from '../errors.js';
import { sameHash, sha256 } from '../secrets.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    public?: boolean;
  }
}

export type Authenticate = (authorization: string | undefined, ip: string) => Promise<Principal>;

/** The console's session: an access token in an httpOnly cookie. */
export const SESSION_COOKIE = 'liaison_session';

/** The CSRF token of a session: derived from its token, which scripts of other sites cannot read. */
export const csrfTokenFor = (sessionToken: string) => sha256(`csrf:${sessionToken}`);

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The Authorization header, else the session cookie (whose writes must carry the CSRF token). */
function credentialsOf(request: FastifyRequest): string | undefined {
  if (request.headers.authorization) return request.headers.authorization;
  const session = request.cookies?.[SESSION_COOKIE];
  if (!session) return undefined;
  if (!safeMethods.has(request.method)) {
    const given = request.headers['x-csrf-token'];
    if (typeof given !== 'string' || !sameHash(given, csrfTokenFor(session))) {
      throw fail('csrf_mismatch');
    }
  }
  return `Bearer ${session}`;
}

/** The bearer token (header or session cookie) that authenticated the request; undefined for HTTP Basic. */
export function bearerTokenOf(request: FastifyRequest): string | undefined {
  const [scheme, value = ''] = (credentialsOf(request) ?? '').split(' ', 2);
  return scheme.toLowerCase() === 'bearer' ? value.trim() : undefined;
}

/** Every route of the instance requires a caller unless its config says `public: true`. */
export function installAuth(app: FastifyInstance, authenticate: Authenticate): void {
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public) return;
    request.principal = await authenticate(credentialsOf(request), request.ip);
  });
}
