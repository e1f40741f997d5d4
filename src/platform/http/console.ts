import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import helmet from '@fastify/helmet';

export const consoleDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../web/dist');

// The console runs only its own bundle: no inline script, no other origin, never in a frame.
// Its link pages carry one-time tokens in their URLs, so no Referer may leave with them.
const consolePolicy = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'font-src': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
};
// Swagger UI (the API docs) styles its widgets inline and draws its icons as data: images.
const docsPolicy = { ...consolePolicy, 'style-src': ["'self'", "'unsafe-inline'"] };

/**
 * Security headers on every answer (helmet): a strict Content-Security-Policy (the API docs get
 * their own), no framing, no referrer, nosniff; HSTS only when the console is served over https.
 * Call before the docs routes are declared, so they get their policy.
 */
export async function installSecurityHeaders(app: FastifyInstance, publicUrl: string) {
  const https = publicUrl.startsWith('https://');
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/2/docs'))
      route.helmet = { contentSecurityPolicy: { useDefaults: false, directives: docsPolicy } };
  });
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: https ? { ...consolePolicy, 'upgrade-insecure-requests': [] } : consolePolicy,
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
}

/**
 * Serves the console's production build: hashed assets cached for a year, precompressed
 * (.br/.gz written by the build), and index.html (never cached) for every page route.
 * Returns the SPA fallback for the not-found handler, or undefined without a build.
 */
export async function installConsole(app: FastifyInstance, root = consoleDir) {
  const index = path.join(root, 'index.html');
  if (!fs.existsSync(index)) {
    app.log.warn({ root }, 'no console build found (npm run build:web): serving the API only');
    return undefined;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: false,
    preCompressed: true,
    cacheControl: false,
    setHeaders(res, file) {
      res.setHeader(
        'cache-control',
        file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  return (request: FastifyRequest, reply: FastifyReply) => {
    const page =
      request.method === 'GET' &&
      !request.url.startsWith('/api/') &&
      String(request.headers.accept ?? '').includes('text/html');
    if (!page) return false;
    void reply.header('cache-control', 'no-cache').sendFile('index.html', root);
    return true;
  };
}
