import Fastify, { LogController, type FastifyServerOptions } from 'fastify';
import type { Ajv } from 'ajv';
import { compiledOnFirstUse } from './lazy-compilers.js';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { documentRoute } from './openapi.js';
import { serverTimeouts } from './timeouts.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { DestinationStream } from 'pino';
import type { Config } from '../config.js';
import { poolUse, type Db } from '../db/database.js';
import type { Metrics } from '../metrics.js';
import { clientErrorHandler, installErrorHandler, sendFrameworkError } from './error-handler.js';
import { installInputGuard, installJsonParser } from './input-hooks.js';
import { isTimestamp } from '../timestamps.js';
import { consoleDir, installConsole } from './console.js';
import { installSecurityHeaders } from './security-headers.js';
import { installRequestLog, loggerOptions, requestId } from './logging.js';
import { ErrorResponse } from './common-schemas.js';
import { installHealthRoutes } from './health.js';
import { installMetricsEndpoint } from './metrics-endpoint.js';

export interface ServerOptions {
  db: Db;
  config: Config;
  /** Where the console's build lives (default web/dist); null serves no console. */
  consoleRoot?: string | null;
  /** false silences logs (tests); otherwise pino at config.logLevel. */
  logger?: boolean;
  /** Where log lines go instead of stdout (tests capture them). */
  logStream?: DestinationStream;
  /** This app's metrics (served when config.metricsEnabled). */
  metrics: Metrics;
}

/**
 * The HTTP server with everything a route relies on — input guard, validator, error answers,
 * security headers, console, OpenAPI document, health and readiness — and no route of any feature:
 * the composition root (src/app.ts) registers those.
 */
export async function createHttpServer({
  db,
  config,
  logger = true,
  logStream,
  consoleRoot = consoleDir,
  metrics,
}: ServerOptions) {
  const app = Fastify({
    logger: logger ? loggerOptions(config.logLevel, logStream) : false,
    // Fastify's own two lines per request are off: logging.ts writes one, when it is answered.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestId,
    bodyLimit: 1024 * 1024,
    // Behind a load balancer request.ip is the caller's (X-Forwarded-For) only from proxies trusted here.
    trustProxy: config.trustProxy,
    ...serverTimeouts(config),
    // Longer than any id, so an over-long one is named by validation rather than refused as a URL.
    routerOptions: { maxParamLength: 500 },
    frameworkErrors: (error, _request, reply) => sendFrameworkError(reply, error),
    clientErrorHandler,
    // Each route's validators and serializers are compiled when first used, not all before listening.
    schemaController: { compilersFactory: compiledOnFirstUse },
    ajv: {
      // Unknown fields are errors, never silently dropped, and every violation is reported
      // (the answer lists a few, with the schema's description of a pattern). Coercion of "3" and "false" is the input guard's, strictly.
      customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true, useDefaults: true, verbose: true },
      onCreate: (ajv: Ajv) => ajv.addFormat('date-time', { type: 'string', validate: isTimestamp }),
    } as FastifyServerOptions['ajv'],
  }).withTypeProvider<TypeBoxTypeProvider>();

  installRequestLog(app);
  installSecurityHeaders(app, config.publicUrl);
  installErrorHandler(app, consoleRoot ? await installConsole(app, consoleRoot) : undefined);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  metrics.watch({ pool: () => poolUse(db) });
  installMetricsEndpoint(app, metrics, config);
  // JSON and forms only: a text/plain body is an unsupported media type (415), not a 400.
  app.removeContentTypeParser('text/plain');
  installJsonParser(app);
  installInputGuard(app);
  await app.register(formbody);
  await app.register(cookie);
  app.addSchema(ErrorResponse);

  await app.register(swagger, {
    // Named components (Tenant, User, Contact, …) rather than def-0, def-1: the console's types use these names.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Liaison API',
        version: '2',
        description:
          'Contacts of a multi-tenant cloud management portal, in the dialect of the established account-management API v2.',
        license: { name: 'Proprietary', url: config.publicUrl },
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, basic: { type: 'http', scheme: 'basic' } },
      },
      security: [{ bearer: [] }, { basic: [] }],
    },
    transform: documentRoute,
  });
  await app.register(swaggerUi, { routePrefix: '/api/2/docs' });

  installHealthRoutes(app, db);

  return app;
}
