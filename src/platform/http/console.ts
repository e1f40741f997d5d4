import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';

export const consoleDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../web/dist');

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
