import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Ajv } from 'ajv';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { documentRoute } from './openapi.js';
import { serverTimeouts } from './timeouts.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { DestinationStream } from 'pino';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { clientErrorHandler, installErrorHandler, sendFrameworkError } from './error-handler.js';
import { installInputGuard, installJsonParser } from './input-hooks.js';
import { isTimestamp } from '../timestamps.js';
import { consoleDir, installConsole, installSecurityHeaders } from './console.js';
import { installAuth } from './auth-hook.js';
import { loggerOptions, requestId } from './logging.js';
import { ErrorResponse } from './common-schemas.js';
import { AuthService } from '../../features/auth/auth.service.js';
import { authRoutes } from '../../features/auth/auth.routes.js';
import { sessionRoutes } from '../../features/auth/session.routes.js';
import { TenantService } from '../../features/tenants/tenant.service.js';
import { tenantRoutes } from '../../features/tenants/tenant.routes.js';
import { UserService } from '../../features/users/user.service.js';
import { userRoutes } from '../../features/users/user.routes.js';
import { ClientService } from '../../features/clients/client.service.js';
import { clientRoutes } from '../../features/clients/client.routes.js';
import { SearchService } from '../../features/search/search.service.js';
import { searchRoutes } from '../../features/search/search.routes.js';
import { ContactService } from '../../features/contacts/contact.service.js';
import { contactRoutes } from '../../features/contacts/contact.routes.js';
import { ConfirmationService } from '../../features/confirmations/confirmation.service.js';
import { confirmationRoutes } from '../../features/confirmations/confirmation.routes.js';
import { AuditService, auditRoutes } from '../../features/audit/audit.routes.js';
import { mailboxRoutes } from '../../features/mailbox/mailbox.routes.js';
import { noKick, type MailKick } from '../mail/mailer.js';
import { AnnouncementService } from '../../features/announcements/announcement.service.js';
import { announcementRoutes } from '../../features/announcements/announcement.routes.js';
import { CoverageService, coverageRoutes } from '../../features/coverage/coverage.routes.js';

export interface AppOptions {
  db: Db;
  config: Config;
  /** The mail worker, nudged after a transaction that wrote mail commits. */
  mail?: MailKick;
  /** Where the console's build lives (default web/dist); null serves no console. */
  consoleRoot?: string | null;
  /** The announcement worker, nudged when an announcement is accepted. */
  announcements?: MailKick;
  /** false silences logs (tests); otherwise pino at config.logLevel. */
  logger?: boolean;
  /** Where log lines go instead of stdout (tests capture them). */
  logStream?: DestinationStream;
}

export async function buildApp({ db, config, logger = true, logStream, mail = noKick, announcements = noKick, consoleRoot = consoleDir }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ? loggerOptions(config.logLevel, logStream) : false,
    genReqId: requestId,
    bodyLimit: 1024 * 1024,
    // Behind a load balancer request.ip is the caller's (X-Forwarded-For) only from proxies trusted here.
    trustProxy: config.trustProxy,
    ...serverTimeouts(config),
    // Longer than any id, so an over-long one is named by validation rather than refused as a URL.
    routerOptions: { maxParamLength: 500 },
    frameworkErrors: (error, _request, reply) => sendFrameworkError(reply, error),
    clientErrorHandler,
    ajv: {
      // Unknown fields are errors, never silently dropped, and every violation is reported
      // (the answer lists a few, with the schema's description of a pattern). Coercion of "3" and "false" is the input guard's, strictly.
      customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true, useDefaults: true, verbose: true },
      onCreate: (ajv: Ajv) => ajv.addFormat('date-time', { type: 'string', validate: isTimestamp }),
    } as FastifyServerOptions['ajv'],
  }).withTypeProvider<TypeBoxTypeProvider>();

  await installSecurityHeaders(app, config.publicUrl);
  installErrorHandler(app, consoleRoot ? await installConsole(app, consoleRoot) : undefined);
  app.addHook('onSend', async (request, reply) => { reply.header('x-request-id', request.id); });
  // JSON and forms only: a text/plain body is an unsupported media type (415), not a 400.
  app.removeContentTypeParser('text/plain');
  installJsonParser(app);
  installInputGuard(app);
  await app.register(formbody);
  await app.register(cookie);
  app.addSchema(ErrorResponse);

  await app.register(swagger, {
    // Named components (Tenant, User, Contact, …) rather than def-0, def-1: the console's types use these names.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Liaison API', version: '2', description: 'Contacts of a multi-tenant cloud management portal, in the dialect of the established account-management API v2.', license: { name: 'Proprietary', url: config.publicUrl } },
      servers: [{ url: config.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, basic: { type: 'http', scheme: 'basic' } } },
      security: [{ bearer: [] }, { basic: [] }],
    },
    transform: documentRoute,
  });
  await app.register(swaggerUi, { routePrefix: '/api/2/docs' });

  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
    return reply.send({ status: 'ok' });
  });

  const auth = new AuthService(db, config);
  const confirmations = new ConfirmationService(db, config, mail);
  const contacts = new ContactService(db, confirmations);
  const tenants = new TenantService(db, (principal, ids) => contacts.ofTenants(principal, ids));
  const users = new UserService(db, confirmations);
  await app.register(async (api) => {
    installAuth(api, (header, ip) => auth.authenticate(header, ip));
    api.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
    await api.register(authRoutes(auth));
    await api.register(sessionRoutes(auth, users, config));
    await api.register(tenantRoutes(tenants));
    await api.register(userRoutes(users));
    await api.register(clientRoutes(new ClientService(db)));
    await api.register(searchRoutes(new SearchService(db)));
    await api.register(contactRoutes(contacts));
    await api.register(confirmationRoutes(confirmations));
    await api.register(auditRoutes(new AuditService(db)));
    await api.register(mailboxRoutes(db));
    await api.register(announcementRoutes(new AnnouncementService(db, announcements, config)));
    await api.register(coverageRoutes(new CoverageService(db)));
  }, { prefix: '/api/2' });

  return app;
}
