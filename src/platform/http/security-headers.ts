import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

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

/** The headers helmet sets with these options: its middleware run once on a recorder (its policies here are fixed). */
function headersOf(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, () => {});
  return headers;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    securityHeaders?: Record<string, string>;
  }
}

/**
 * Security headers on every answer (helmet): a strict Content-Security-Policy (the API docs get
 * their own), no framing, no referrer, nosniff; HSTS only when the console is served over https.
 * Worked out once, not by a new helmet on every request. Call before the docs routes are declared.
 */
export function installSecurityHeaders(app: FastifyInstance, publicUrl: string) {
  const https = publicUrl.startsWith('https://');
  const common: HelmetOptions = {
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  };
  const everywhere = headersOf({
    ...common,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: https ? { ...consolePolicy, 'upgrade-insecure-requests': [] } : consolePolicy,
    },
  });
  const docs = headersOf({ ...common, contentSecurityPolicy: { useDefaults: false, directives: docsPolicy } });
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/2/docs')) route.config = { ...route.config, securityHeaders: docs };
  });
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.routeOptions.config?.securityHeaders ?? everywhere);
    done();
  });
}
