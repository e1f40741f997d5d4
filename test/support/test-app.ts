import type { FastifyInstance, InjectOptions } from 'fastify';
import { loadConfig, type Config } from '../../src/platform/config.js';
import type { Db } from '../../src/platform/db/database.js';
import { buildApp } from '../../src/app.js';
import { ensureRoot, setPassword } from '../../src/features/setup/bootstrap.service.js';
import { createTestDatabase } from './test-database.js';
import type { MailWorker } from '../../src/engine/outbox-queue.js';
import type { AnnouncementWorker } from '../../src/engine/delivery-queue.js';
import { Workers } from '../../src/engine/workers.js';
import { Metrics } from '../../src/platform/metrics.js';

export interface Actor {
  name: string;
  authorization: string;
}

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
}

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  config: Config;
  root: Actor;
  rootTenantId: string;
  call<T = any>(
    actor: Actor | undefined,
    method: InjectOptions['method'],
    url: string,
    body?: unknown,
  ): Promise<Answer<T>>;
  tokenFor(login: string, password: string): Promise<Actor>;
  /** The running mail worker (SMTP when config.smtpUrl is set, else the built-in mailbox). */
  mail: MailWorker;
  /** The metrics the app serves and its workers count into. */
  metrics: Metrics;
  /** The running announcement worker (enqueues and sends notices). */
  announcementWorker: AnnouncementWorker;
  close(): Promise<void>;
}

export const ROOT_PASSWORD = 'root-password-for-tests';

/** A Liaison app on a fresh database of this run's backend, with the root admin signed in. */
export async function startTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  // Fast mail: the worker polls often and retries soon, so tests wait milliseconds, not minutes.
  const config: Config = {
    ...loadConfig({}),
    publicUrl: 'http://liaison.test',
    mailPollMs: 50,
    mailRetryBaseMs: 100,
    ...overrides,
  };
  await ensureRoot(database.db, { adminPassword: ROOT_PASSWORD });
  // The app's metrics count the workers' sends too, as in a running Liaison.
  const metrics = new Metrics();
  const workers = new Workers(metrics);
  const app = await buildApp({ db: database.db, config, logger: false, wakers: workers.wakers, metrics });
  workers.start(database.db, config, app.log);
  await app.ready();

  const call: TestApp['call'] = async (actor, method, url, body) => {
    const res = await app.inject({
      method,
      url,
      headers: actor ? { authorization: actor.authorization } : {},
      ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] }),
    });
    let parsed: unknown = res.body;
    if (String(res.headers['content-type'] ?? '').includes('json') && res.body) parsed = JSON.parse(res.body);
    return { status: res.statusCode, body: parsed as any, headers: res.headers };
  };

  const tokenFor = async (login: string, password: string): Promise<Actor> => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/2/idp/token',
      payload: form({ grant_type: 'password', username: login, password }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    if (res.statusCode !== 200) throw new Error(`token for ${login}: ${res.statusCode} ${res.body}`);
    return { name: login, authorization: `Bearer ${res.json().access_token}` };
  };

  const root = await tokenFor('admin', ROOT_PASSWORD);
  const me = await call(root, 'GET', '/api/2/users/me');
  return {
    app,
    db: database.db,
    config,
    root,
    rootTenantId: me.body.tenant_id,
    call,
    tokenFor,
    mail: workers.mailWorker!,
    announcementWorker: workers.announcementWorker!,
    metrics,
    async close() {
      await app.close();
      await workers.stop();
      await database.close();
    },
  };
}

/** Form-encodes a body for inject (the token endpoint is form-encoded). */
export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

export interface PartnerWorld {
  partnerId: string;
  customerId: string;
  admin: Actor & { userId: string; login: string };
  readonly: Actor & { userId: string };
  customerAdmin: Actor & { userId: string };
  client: Actor & { clientId: string; secret: string };
}

let counter = 0;

/**
 * A partner with a customer below it, as the root admin would set it up: a partner admin,
 * a read-only admin, the customer's company admin, and an API client of the partner.
 */
export async function createPartnerWorld(t: TestApp, label: string): Promise<PartnerWorld> {
  const tag = `${label.toLowerCase()}${++counter}`;
  const ok = <T>(answer: Answer<T>, status = 200) => {
    if (answer.status !== status)
      throw new Error(`fixture ${label}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as any;
  };
  const partner = ok(
    await t.call(t.root, 'POST', '/api/2/tenants', {
      name: `Partner ${label}`,
      parent_id: t.rootTenantId,
      kind: 'partner',
    }),
    201,
  );
  const customer = ok(
    await t.call(t.root, 'POST', '/api/2/tenants', {
      name: `Customer of ${label}`,
      parent_id: partner.id,
      kind: 'customer',
    }),
    201,
  );
  const makeUser = async (tenantId: string, login: string, role: string) => {
    const user = ok(
      await t.call(t.root, 'POST', '/api/2/users', {
        tenant_id: tenantId,
        login,
        contact: { email: `${login}@example.test`, firstname: login, lastname: label },
      }),
    );
    ok(
      await t.call(t.root, 'PUT', `/api/2/users/${user.id}/access_policies`, {
        items: [{ tenant_id: tenantId, role_id: role }],
      }),
    );
    await setPassword(t.db, login, `pw-${login}`);
    return { ...(await t.tokenFor(login, `pw-${login}`)), userId: user.id as string, login };
  };
  const admin = await makeUser(partner.id, `${tag}-admin`, 'partner_admin');
  const readonly = await makeUser(partner.id, `${tag}-ro`, 'readonly_admin');
  const customerAdmin = await makeUser(customer.id, `${tag}-cust`, 'company_admin');
  const created = ok(
    await t.call(admin, 'POST', '/api/2/clients', {
      type: 'api_client',
      tenant_id: partner.id,
      token_endpoint_auth_method: 'client_secret_basic',
      data: { client_name: `${label} integration` },
    }),
    201,
  );
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/2/idp/token',
    payload: form({ grant_type: 'client_credentials' }),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${created.client_id}:${created.client_secret}`).toString('base64')}`,
    },
  });
  if (res.statusCode !== 200) throw new Error(`client token: ${res.body}`);
  return {
    partnerId: partner.id,
    customerId: customer.id,
    admin,
    readonly,
    customerAdmin,
    client: {
      name: `${label} client`,
      authorization: `Bearer ${res.json().access_token}`,
      clientId: created.client_id,
      secret: created.client_secret,
    },
  };
}
