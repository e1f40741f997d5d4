import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fail } from '../errors.js';
import { guard, refusalError, type Refusals } from './input-guard.js';
import { MAX_LISTED_VIOLATIONS } from './error-handler.js';

/**
 * JSON bodies as established clients send them. An empty body with `Content-Type:
 * application/json` is "no body" (they send it on body-less POSTs); `__proto__` and
 * `constructor.prototype` keys are refused by name rather than as "not valid JSON".
 */
export function installJsonParser(app: FastifyInstance): void {
  const strict = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    strict(request, text, (error: Error | null, value?: unknown) => {
      if (!error) return done(null, value);
      const poisoned = /"(__proto__|constructor)"\s*:/.test(text);
      done(fail(poisoned ? 'body_poisoned' : 'body_not_json', { info: 'body' }), undefined);
    });
  });
}

type Part = 'body' | 'querystring' | 'params';
const requestField = { body: 'body', querystring: 'query', params: 'params' } as const;

/** Runs the input guard over each part of a request before the schema validator does. */
export function installInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    const schema = request.routeOptions.schema as Partial<Record<Part, Record<string, unknown>>> | undefined;
    // A body-less call to a route that takes an object: validate `{}`, so the missing fields are named.
    if (request.body === undefined && schema?.body?.type === 'object') request.body = {};
    const refused: Refusals = [];
    for (const part of ['body', 'querystring', 'params'] as const) {
      const key = requestField[part];
      const value = request[key];
      if (value === undefined || value === null) continue;
      const guarded = guard(value, schema?.[part], part, refused);
      if (guarded !== value) (request as unknown as Record<string, unknown>)[key] = guarded;
    }
    if (refused.length > 0) throw refusalError(refused, MAX_LISTED_VIOLATIONS);
  });
}
