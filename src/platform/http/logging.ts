import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { DestinationStream } from 'pino';
import { randomUUID } from 'node:crypto';

// Query values that are credentials (confirmation and activation links carry tokens).
const secretParams = /([?&](?:token|password|client_secret|access_token)=)[^&]*/gi;

function redactUrl(url: string): string {
  return url.replace(secretParams, '$1[redacted]');
}

/** Pino options for the HTTP server: request ids, and no credential in any line. */
export function loggerOptions(level: string, stream?: DestinationStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.client_secret', '*.access_token'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({
        method: req.method,
        url: redactUrl(req.url),
        remoteAddress: req.ip,
      }),
    },
  };
}

export function requestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
}

/**
 * One line per request, when it is answered: method, URL (credentials redacted), caller's
 * address, status and milliseconds. Fastify's own request logging (a line on arrival and another
 * on answer) is off (the `logController` in server.ts): half the lines for the same facts.
 */
export function installRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
    done();
  });
}
