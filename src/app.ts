import type { DestinationStream } from 'pino';
import type { Config } from './platform/config.js';
import type { Db } from './platform/db/database.js';
import { installAuth } from './platform/http/auth-hook.js';
import { createHttpServer } from './platform/http/server.js';
import { UnitOfWork, type Wakers } from './platform/db/unit-of-work.js';
import { Metrics } from './platform/metrics.js';
import { queueStates } from './engine/queue-states.js';
import { AnnouncementService } from './features/announcements/announcement.service.js';
import { announcementsPlugin } from './features/announcements/announcements.plugin.js';
import { attestationPlugin } from './features/attestation/attestation.plugin.js';
import { AttestationSchedules } from './features/attestation/attestation.schedules.js';
import { AttestationService } from './features/attestation/attestation.service.js';
import { auditPlugin } from './features/audit/audit.plugin.js';
import { AuditService } from './features/audit/audit.service.js';
import { authPlugin } from './features/auth/auth.plugin.js';
import { AuthService } from './features/auth/auth.service.js';
import { ClientService } from './features/clients/client.service.js';
import { clientsPlugin } from './features/clients/clients.plugin.js';
import { ConfirmationService } from './features/confirmations/confirmation.service.js';
import { confirmationsPlugin } from './features/confirmations/confirmations.plugin.js';
import { ContactService } from './features/contacts/contact.service.js';
import { contactsPlugin } from './features/contacts/contacts.plugin.js';
import { ContactTransferService } from './features/contact-transfer/transfer.service.js';
import { contactTransferPlugin } from './features/contact-transfer/transfer.plugin.js';
import { coveragePlugin } from './features/announcements/coverage.plugin.js';
import { CoverageService } from './features/announcements/coverage.service.js';
import { mailboxPlugin } from './features/mailbox/mailbox.plugin.js';
import { oneClickPlugin } from './features/opt-outs/one-click.plugin.js';
import { OptOutService } from './features/opt-outs/opt-out.service.js';
import { optOutsPlugin } from './features/opt-outs/opt-outs.plugin.js';
import { SearchService } from './features/search/search.service.js';
import { searchPlugin } from './features/search/search.plugin.js';
import { TenantService } from './features/tenants/tenant.service.js';
import { tenantsPlugin } from './features/tenants/tenants.plugin.js';
import { AccessPolicyService } from './features/users/access-policy.service.js';
import { UserService } from './features/users/user.service.js';
import { usersPlugin } from './features/users/users.plugin.js';
import { WebhookService } from './features/webhooks/webhook.service.js';
import { webhooksPlugin } from './features/webhooks/webhooks.plugin.js';
import { ChangePersonEmail } from './use-cases/change-person-email.js';
import { createTenant } from './use-cases/create-tenant.js';
import { deleteTenant } from './use-cases/delete-tenant.js';

export interface AppOptions {
  db: Db;
  config: Config;
  /** The delivery engine's loops, woken once a transaction that gave them work commits (none: they poll). */
  wakers?: Wakers;
  /** Where the console's build lives (default web/dist); null serves no console. */
  consoleRoot?: string | null;
  /** false silences logs (tests); otherwise pino at config.logLevel. */
  logger?: boolean;
  /** Where log lines go instead of stdout (tests capture them). */
  logStream?: DestinationStream;
  /** The metrics this app serves, shared with the process's workers (default: a registry of its own). */
  metrics?: Metrics;
}

/**
 * The composition root: the one file that names every feature. It builds each feature's
 * services, hands them what they depend on, and registers each feature's plugin under /api/2
 * on a platform server that knows none of them.
 */
export async function buildApp({ wakers, metrics = new Metrics(), ...options }: AppOptions) {
  const { db, config } = options;
  metrics.watch({ queues: () => queueStates(db) });
  const app = await createHttpServer({ ...options, metrics });
  const { uow, auth, users, confirmations, contacts, personEmail, tenants, clients, attestation } = composeServices(
    db,
    config,
    wakers,
  );
  const optOuts = new OptOutService(uow, contacts, config.publicUrl);

  await app.register(
    async (api) => {
      installAuth(api, (header, ip) => auth.authenticate(header, ip));
      api.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
      await api.register(authPlugin, { auth, users, config });
      await api.register(tenantsPlugin, {
        tenants,
        createTenant: createTenant({ uow, tenants, contacts }),
        deleteTenant: deleteTenant({ uow, tenants, contacts, users, clients }),
      });
      await api.register(usersPlugin, { users, policies: new AccessPolicyService(uow) });
      await api.register(clientsPlugin, { clients });
      await api.register(searchPlugin, { search: new SearchService(db) });
      await api.register(contactsPlugin, { contacts });
      await api.register(contactTransferPlugin, { transfer: new ContactTransferService(uow, contacts) });
      await api.register(confirmationsPlugin, { confirmations, confirmEmail: (token) => personEmail.confirm(token) });
      await api.register(auditPlugin, { audit: new AuditService(db) });
      await api.register(mailboxPlugin, { db });
      await api.register(announcementsPlugin, { announcements: new AnnouncementService(uow, contacts, config) });
      await api.register(coveragePlugin, { coverage: new CoverageService(db, contacts) });
      await api.register(optOutsPlugin, { optOuts });
      await api.register(webhooksPlugin, { webhooks: new WebhookService(uow, config.webhooksAllowPrivate) });
      await api.register(attestationPlugin, { attestation, schedules: new AttestationSchedules(uow) });
    },
    { prefix: '/api/2' },
  );
  // RFC 8058 one-click unsubscribe: the URL of the List-Unsubscribe header, outside /api/2.
  await app.register(oneClickPlugin, { optOuts });

  return app;
}

/** The services that depend on one another, wired once (tests use it to reach a step inside their own transaction). */
export function composeServices(db: Db, config: Config, wakers?: Wakers) {
  const uow = new UnitOfWork(db, wakers);
  // A linked user's own sign-in confirms its contact (re-attestation, built below).
  const auth = new AuthService(db, config, (userId) => attestation.confirmBySignIn(userId));
  // Users tell their contact and ask for address changes through interfaces of their own: the
  // features that answer them sit above users, so they are read when first used.
  const users: UserService = new UserService(uow, () => ({
    emailChanges: personEmail,
    person: contacts.personListener,
  }));
  const confirmations = new ConfirmationService(uow, config, users);
  const contacts: ContactService = new ContactService(uow, users, () => personEmail);
  const personEmail = new ChangePersonEmail({ uow, users, contacts, confirmations });
  const tenants = new TenantService(uow, (principal, ids) => contacts.ofTenants(principal, ids));
  const clients = new ClientService(uow);
  const attestation = new AttestationService(uow, config, contacts);
  return { uow, auth, users, confirmations, contacts, personEmail, tenants, clients, attestation };
}
