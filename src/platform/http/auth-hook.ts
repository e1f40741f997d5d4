import type { FastifyInstance } from 'fastify';
import type { Principal } from '../scope.js';

declare module 'fastify' {
  interface FastifyRequest { principal: Principal }
  interface FastifyContextConfig { public?: boolean }
}

export type Authenticate = (authorization: string | undefined, ip: string) => Promise<Principal>;

/** Every route of the instance requires a caller unless its config says `public: true`. */
export function installAuth(app: FastifyInstance, authenticate: Authenticate): void {
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public) return;
    request.principal = await authenticate(request.headers.authorization, request.ip);
  });
}

