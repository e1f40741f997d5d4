import { isIP } from 'node:net';
import path from 'node:path';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  adminPassword: string | undefined;
  publicUrl: string;
  logLevel: string;
  tokenTtlSeconds: number;
  /**
   * Failed sign-ins allowed per login (or API client) and address inside one window; 4× that
   * per address over every login, 10× that per login from everywhere.
   */
  authFailureLimit: number;
  authFailureWindowSeconds: number;
  /**
   * How long a bearer token's principal may be answered from memory (0: never). An entry goes at
   * once when anything it was read from changes (platform/db/auth-changes.ts); this bounds the rest.
   */
  authCacheSeconds: number;
  /** smtp://user:pass@host:port; unset: mail goes to the built-in mailbox. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** When set, each message's envelope sender is bounces+<token>@<this domain> (VERP), and DSNs find their delivery. */
  bounceDomain: string | undefined;
  /** An SMTP listener for bounces, feedback reports and mailto unsubscribes to the bounce domain (unset: none). */
  inboundSmtpPort: number | undefined;
  inboundSmtpHost: string;
  /** DKIM signing of every message, when all three are set. */
  dkim: { domain: string; selector: string; privateKeyFile: string } | undefined;
  /** The whole deployment's sends per second, all workers together (0: no cap). */
  mailRatePerSecond: number;
  /** Lifetime of confirmation and activation links. */
  linkTtlHours: number;
  /**
   * Re-attestation: a confirmation goes stale after staleDays; a campaign's links live linkDays;
   * a reminder follows after reminderDays, at most maxReminders; the sweep runs every pollMs.
   */
  attestation: { staleDays: number; linkDays: number; reminderDays: number; maxReminders: number; pollMs: number };
  /** Least time between two sends of the same link. */
  resendCooldownSeconds: number;
  mailPollMs: number;
  mailMaxAttempts: number;
  mailRetryBaseMs: number;
  /** LIAISON_WEBHOOKS_ALLOW_PRIVATE=true: webhooks may use http and reach loopback and private addresses (tests, closed networks). */
  webhooksAllowPrivate: boolean;
  /** The unit of the webhook retry schedule (5 s, then 60×, 360×, … of it); tests shorten it. */
  webhookRetryBaseMs: number;
  webhookPollMs: number;
  /** false: this process serves the API only (run `liaison worker` elsewhere). */
  runWorkers: boolean;
  /** Tenants resolved per enqueue transaction of an announcement. */
  enqueueChunkTenants: number;
  /**
   * Deliveries claimed and sent concurrently per pass (a worker keeps two passes in flight, so the
   * next batch is claimed while one sends), and the SMTP connections they share.
   */
  deliveryBatchSize: number;
  deliveryConnections: number;
  /** How long a claimed delivery stays reserved to its worker; a crashed worker's claims are retried after it. */
  deliveryLeaseSeconds: number;
  /** Test messages: least seconds between two to one contact; at most N per caller per window (0: no limit). */
  testMessageContactSeconds: number;
  testMessageCallerLimit: number;
  testMessageCallerWindowSeconds: number;
  /** A slow client's bounds: all headers within, the whole request within, and idle keep-alive connections closed after. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** How long a request waits for a PostgreSQL connection before answering 503; 0: forever. */
  dbConnectTimeoutMs: number;
  /** PostgreSQL's statement_timeout for every connection; 0: none (migrations may run long). */
  dbStatementTimeoutMs: number;
  /**
   * Fastify's `trustProxy`: which proxies' X-Forwarded-For gives the caller's address (false:
   * none, the socket's address counts; true: any; addresses and CIDRs; or the nearest n hops).
   */
  trustProxy: boolean | string[] | ((address: string, hop: number) => boolean);
  /** GET /metrics in Prometheus text (LIAISON_METRICS=true, or implied by a metrics port); off: 404. */
  metricsEnabled: boolean;
  /** Serves /metrics on this port of `host` instead of the API's (LIAISON_METRICS_PORT). */
  metricsPort: number | undefined;
}

/** LIAISON_TRUST_PROXY: unset or false, true, a hop count, or a comma-separated list of addresses and CIDRs. */
function trustProxy(raw: string | undefined): Config['trustProxy'] {
  const value = raw?.trim() ?? '';
  if (value === '' || value === 'false' || value === '0') return false;
  if (value === 'true') return true;
  // Fastify 5 ignores a bare hop count (it cannot tell a proxy from a caller): trusting the
  // nearest n hops is said explicitly, and is only safe where nothing reaches us but the proxies.
  if (/^[0-9]{1,2}$/.test(value)) return (_address, hop) => hop < Number(value);
  const entries = value.split(',').map((e) => e.trim());
  // proxy-addr's names for the private ranges are accepted too.
  const named = new Set(['loopback', 'linklocal', 'uniquelocal']);
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address);
    const prefixOk = bits === undefined || (/^[0-9]{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
    if (!named.has(entry) && (family === 0 || !prefixOk || extra !== undefined)) {
      throw new Error(
        `LIAISON_TRUST_PROXY must be true, false, a hop count or a list of addresses and CIDRs, got "${entry}"`,
      );
    }
  }
  return entries;
}

/** LIAISON_DKIM_DOMAIN, _SELECTOR and _PRIVATE_KEY_FILE: all three or none. */
function dkim(env: NodeJS.ProcessEnv): Config['dkim'] {
  const domain = env.LIAISON_DKIM_DOMAIN?.trim();
  const selector = env.LIAISON_DKIM_SELECTOR?.trim();
  const privateKeyFile = env.LIAISON_DKIM_PRIVATE_KEY_FILE?.trim();
  if (!domain && !selector && !privateKeyFile) return undefined;
  if (!domain || !selector || !privateKeyFile) {
    throw new Error('LIAISON_DKIM_DOMAIN, LIAISON_DKIM_SELECTOR and LIAISON_DKIM_PRIVATE_KEY_FILE are set together');
  }
  return { domain, selector, privateKeyFile: path.resolve(privateKeyFile) };
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const host = env.HOST || '127.0.0.1';
  const port = int(env, 'PORT', 8080);
  return {
    host,
    port,
    dataDir: path.resolve(env.LIAISON_DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    adminPassword: env.LIAISON_ADMIN_PASSWORD || undefined,
    publicUrl: (env.LIAISON_PUBLIC_URL || `http://${host}:${port}`).replace(/\/+$/, ''),
    logLevel: env.LOG_LEVEL || 'info',
    tokenTtlSeconds: int(env, 'LIAISON_TOKEN_TTL_SECONDS', 3600),
    authFailureLimit: int(env, 'LIAISON_AUTH_FAILURE_LIMIT', 5),
    authFailureWindowSeconds: int(env, 'LIAISON_AUTH_FAILURE_WINDOW_SECONDS', 900),
    authCacheSeconds: int(env, 'LIAISON_AUTH_CACHE_SECONDS', 30),
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM || 'Liaison <no-reply@liaison.invalid>',
    bounceDomain: env.LIAISON_BOUNCE_DOMAIN?.trim().toLowerCase() || undefined,
    inboundSmtpPort: env.LIAISON_INBOUND_SMTP_PORT ? int(env, 'LIAISON_INBOUND_SMTP_PORT', 0) : undefined,
    inboundSmtpHost: env.LIAISON_INBOUND_SMTP_HOST || '127.0.0.1',
    dkim: dkim(env),
    mailRatePerSecond: int(env, 'LIAISON_MAIL_RATE_PER_SECOND', 0),
    linkTtlHours: int(env, 'LIAISON_LINK_TTL_HOURS', 24),
    attestation: {
      staleDays: int(env, 'LIAISON_ATTESTATION_STALE_DAYS', 365),
      linkDays: int(env, 'LIAISON_ATTESTATION_LINK_DAYS', 30),
      reminderDays: int(env, 'LIAISON_ATTESTATION_REMINDER_DAYS', 7),
      maxReminders: int(env, 'LIAISON_ATTESTATION_MAX_REMINDERS', 2),
      pollMs: int(env, 'LIAISON_ATTESTATION_POLL_MS', 60_000),
    },
    resendCooldownSeconds: int(env, 'LIAISON_RESEND_COOLDOWN_SECONDS', 60),
    mailPollMs: int(env, 'LIAISON_MAIL_POLL_MS', 1000),
    mailMaxAttempts: int(env, 'LIAISON_MAIL_MAX_ATTEMPTS', 8),
    mailRetryBaseMs: int(env, 'LIAISON_MAIL_RETRY_BASE_MS', 5000),
    webhooksAllowPrivate: env.LIAISON_WEBHOOKS_ALLOW_PRIVATE === 'true',
    webhookRetryBaseMs: int(env, 'LIAISON_WEBHOOK_RETRY_BASE_MS', 5000),
    webhookPollMs: int(env, 'LIAISON_WEBHOOK_POLL_MS', 1000),
    runWorkers: env.LIAISON_RUN_WORKERS !== 'false',
    enqueueChunkTenants: int(env, 'LIAISON_ENQUEUE_CHUNK_TENANTS', 2000),
    deliveryBatchSize: int(env, 'LIAISON_DELIVERY_BATCH', 200),
    deliveryConnections: int(env, 'LIAISON_DELIVERY_CONNECTIONS', 10),
    deliveryLeaseSeconds: int(env, 'LIAISON_DELIVERY_LEASE_SECONDS', 300),
    testMessageContactSeconds: int(env, 'LIAISON_TEST_MESSAGE_CONTACT_SECONDS', 60),
    testMessageCallerLimit: int(env, 'LIAISON_TEST_MESSAGE_CALLER_LIMIT', 10),
    testMessageCallerWindowSeconds: int(env, 'LIAISON_TEST_MESSAGE_CALLER_WINDOW_SECONDS', 600),
    headersTimeoutMs: int(env, 'LIAISON_HEADERS_TIMEOUT_MS', 10_000),
    requestTimeoutMs: int(env, 'LIAISON_REQUEST_TIMEOUT_MS', 30_000),
    keepAliveTimeoutMs: int(env, 'LIAISON_KEEP_ALIVE_TIMEOUT_MS', 5_000),
    dbConnectTimeoutMs: int(env, 'LIAISON_DB_CONNECT_TIMEOUT_MS', 10_000),
    dbStatementTimeoutMs: int(env, 'LIAISON_DB_STATEMENT_TIMEOUT_MS', 0),
    trustProxy: trustProxy(env.LIAISON_TRUST_PROXY),
    metricsEnabled: env.LIAISON_METRICS === 'true' || Boolean(env.LIAISON_METRICS_PORT),
    metricsPort: env.LIAISON_METRICS_PORT ? int(env, 'LIAISON_METRICS_PORT', 0) : undefined,
  };
}
