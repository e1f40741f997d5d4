import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnnouncement, createContact, createTenant } from '../support/factories.js';
import { expectError } from '../support/expect-error.js';
import { freePort } from '../support/processes.js';
import { relay, reportAbout } from '../support/bounce-reports.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import { createPartnerWorld, startTestApp, type PartnerWorld, type TestApp } from '../support/test-app.js';
import { Workers } from '../../src/engine/workers.js';
import { loadConfig } from '../../src/platform/config.js';
import { startWorkerProcess } from '../../src/server.js';

/** GET /metrics: off by default, Prometheus text on the API port or on a port of its own. */

type Labels = Record<string, string>;

/** The value of the sample `name` whose labels include `labels` (undefined: no such sample). */
function sample(text: string, name: string, labels: Labels = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found: Labels = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) found[key] = value;
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

async function scrape(t: TestApp) {
  const res = await t.app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.body;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for the announcement to be sent to everyone (the worker sends after the request answered). */
async function finished(t: TestApp, id: string) {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const res = await t.call(t.root, 'GET', `/api/2/announcements/${id}`);
    if (res.body.status === 'done') return res.body;
    if (Date.now() > deadline) throw new Error(`announcement ${id} not done: ${JSON.stringify(res.body)}`);
    await sleep(25);
  }
}

describe('metrics off (the default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('answers 404 at /metrics, in the error shape, as any unknown path', async () => {
    expect(t.config.metricsEnabled).toBe(false);
    expectError(await t.call(undefined, 'GET', '/metrics'), 404, 'not_found');
    expectError(await t.call(t.root, 'GET', '/metrics'), 404, 'not_found');
  });
});

describe('metrics on the API port (LIAISON_METRICS=true)', () => {
  let t: TestApp;
  let p: PartnerWorld;
  beforeAll(async () => {
    t = await startTestApp({ metricsEnabled: true });
    p = await createPartnerWorld(t, 'Metrics');
  });
  afterAll(() => t?.close());

  it('counts requests by route template, method and status class, never by raw URL', async () => {
    const customer = await createTenant(t, { parentId: p.partnerId, as: p.admin });
    for (let i = 0; i < 3; i++)
      expect((await t.call(p.admin, 'GET', `/api/2/tenants/${customer.id}`)).status).toBe(200);
    // Another partner's caller: the tenant is invisible to it (404), counted under the same template.
    const other = await createPartnerWorld(t, 'Other');
    expect((await t.call(other.admin, 'GET', `/api/2/tenants/${customer.id}`)).status).toBe(404);
    expect((await t.call(undefined, 'GET', '/no/such/path/1234')).status).toBe(404);

    const text = await scrape(t);
    const name = 'liaison_http_request_duration_seconds_count';
    const route = '/api/2/tenants/:id';
    expect(sample(text, name, { route, method: 'GET', status_class: '2xx' })).toBe(3);
    expect(sample(text, name, { route, method: 'GET', status_class: '4xx' })).toBe(1);
    expect(sample(text, name, { route: '/api/2/tenants', method: 'POST', status_class: '2xx' })).toBeGreaterThan(0);
    expect(sample(text, name, { route: 'unmatched', method: 'GET', status_class: '4xx' })).toBe(1);
    expect(sample(text, 'liaison_http_request_duration_seconds_bucket', { route, le: '+Inf' })).toBe(3);
    // No id, token or unknown path reaches a label: the series stay bounded and name no tenant.
    expect(text).not.toContain(customer.id);
    expect(text).not.toContain('/no/such/path');
    expect(text).not.toMatch(/Bearer|example\.test/);
  });

  it('shows the pool, the process and the send queues', async () => {
    const text = await scrape(t);
    expect(sample(text, 'liaison_db_pool_connections')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'liaison_db_pool_idle_connections')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'liaison_db_pool_waiting_requests')).toBe(0);
    expect(sample(text, 'liaison_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'liaison_queue_depth', { queue: 'delivery' })).toBe(0);
    expect(sample(text, 'liaison_queue_depth', { queue: 'mail' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'liaison_queue_oldest_age_seconds', { queue: 'delivery' })).toBe(0);
    expect(sample(text, 'liaison_queue_depth', { queue: 'webhook' })).toBe(0);
  });

  it('reads the queues again after a few seconds: a due delivery an hour late shows as depth and age', async () => {
    // A notice scheduled for tomorrow holds a delivery no worker claims yet, due an hour ago.
    const sendAt = new Date(Date.now() + 86_400_000).toISOString();
    const scheduled = await createAnnouncement(t, { scopeTenantId: p.partnerId, fields: { send_at: sendAt } });
    await sql`INSERT INTO deliveries (announcement_id, email, address, language, tenant_ids, contact_ids, next_attempt_at)
      VALUES (${scheduled.id}, 'late@example.test', 'late@example.test', 'en', ARRAY[${p.partnerId}]::uuid[],
        ARRAY[]::uuid[], now() - interval '1 hour')`.execute(t.db);
    // A webhook's backlog: an event due an hour ago waits behind its object's earlier one, retried tomorrow.
    const hook = await t.call(p.admin, 'POST', '/api/2/webhooks', {
      tenant_id: p.partnerId,
      url: 'https://93.184.215.14/hook',
      events: ['tenant.*'],
    });
    await sql`WITH e AS (INSERT INTO webhook_events (type, tenant_id, object_id, payload)
        SELECT 'tenant.updated', ${p.partnerId}::uuid, 'x', '{}'::jsonb FROM generate_series(1, 2) RETURNING id, seq)
      INSERT INTO webhook_deliveries (webhook_id, event_id, seq, object_id, next_attempt_at)
      SELECT ${hook.body.id}::uuid, id, seq, 'x', CASE WHEN seq = (SELECT min(seq) FROM e) THEN now() + interval '1 day'
        ELSE now() - interval '1 hour' END FROM e`.execute(t.db);
    // The queues are read at most every 5 s, whatever the scrape rate.
    await sleep(5_100);
    const text = await scrape(t);
    expect(sample(text, 'liaison_queue_depth', { queue: 'delivery' })).toBe(1);
    expect(sample(text, 'liaison_queue_oldest_age_seconds', { queue: 'delivery' })).toBeGreaterThanOrEqual(3600);
    expect(sample(text, 'liaison_queue_depth', { queue: 'webhook' })).toBe(2);
    expect(sample(text, 'liaison_queue_oldest_age_seconds', { queue: 'webhook' })).toBeGreaterThanOrEqual(3600);
    await sql`DELETE FROM deliveries WHERE announcement_id = ${scheduled.id}`.execute(t.db);
    await sql`DELETE FROM webhooks WHERE id = ${hook.body.id}`.execute(t.db);
  });
});

describe('metrics on a port of their own (LIAISON_METRICS_PORT), with real SMTP servers', () => {
  const bounceDomain = 'bounce.liaison.test';
  let t: TestApp;
  let smtp: TestSmtpServer;
  let port: number;
  let listener: Workers;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    port = await freePort();
    t = await startTestApp({
      metricsEnabled: true,
      metricsPort: port,
      smtpUrl: smtp.url,
      bounceDomain,
      inboundSmtpPort: 0,
      inboundSmtpHost: '127.0.0.1',
    });
    // The bounce listener as a process opens it, counting into the same metrics.
    listener = new Workers(t.metrics);
    await listener.listen(t.db, t.config, t.app.log);
  });
  afterAll(async () => {
    await listener?.stop();
    await t?.close();
    await smtp?.close();
  });

  const fetchMetrics = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  it('answers there, and /metrics is a 404 on the API port', async () => {
    expect((await t.call(t.root, 'GET', '/api/2/users/me')).status).toBe(200);
    const text = await fetchMetrics();
    expect(
      sample(text, 'liaison_http_request_duration_seconds_count', { route: '/api/2/users/me', status_class: '2xx' }),
    ).toBeGreaterThan(0);
    expectError(await t.call(undefined, 'GET', '/metrics'), 404, 'not_found');
    expect((await fetch(`http://127.0.0.1:${port}/api/2/users/me`)).status).toBe(404);
  });

  it('counts a notice sent through the SMTP server, and an address it refuses for good as failed and bounced', async () => {
    const before = await fetchMetrics();
    const sentBefore = sample(before, 'liaison_messages_sent_total', { queue: 'delivery' }) ?? 0;
    const partner = await createTenant(t, { kind: 'partner' });
    const good = await createContact(t, { tenantId: partner.id, types: ['technical'] });
    await createContact(t, { tenantId: partner.id, types: ['technical'] });
    const bad = await createContact(t, { tenantId: partner.id, types: ['technical'] });
    smtp.refuseAddress(bad.email, 550);
    const notice = await createAnnouncement(t, { scopeTenantId: partner.id });
    await finished(t, notice.id);
    await smtp.waitFor((mail) => mail.to.includes(good.email));

    const text = await fetchMetrics();
    expect(sample(text, 'liaison_messages_sent_total', { queue: 'delivery' })).toBe(sentBefore + 2);
    expect(sample(text, 'liaison_messages_failed_total', { queue: 'delivery' })).toBe(1);
    expect(sample(text, 'liaison_messages_bounced_total', { queue: 'delivery', source: 'smtp' })).toBe(1);
  });

  it('counts a bounce report (DSN) and an abuse complaint applied by the inbound listener', async () => {
    const partner = await createTenant(t, { kind: 'partner' });
    const first = await createContact(t, { tenantId: partner.id, types: ['technical'] });
    const second = await createContact(t, { tenantId: partner.id, types: ['technical'] });
    const notice = await createAnnouncement(t, { scopeTenantId: partner.id });
    await finished(t, notice.id);
    const mailTo = (email: string) => smtp.waitFor((mail) => mail.to.includes(email));
    const [bounced, complained] = [await mailTo(first.email), await mailTo(second.email)];

    const port = listener.inbound!.port;
    const accepted = { ok: true };
    expect(
      await relay(port, [bounced.envelopeFrom], reportAbout('postfix-user-unknown.eml', first.email, bounced)),
    ).toMatchObject(accepted);
    expect(
      await relay(port, [`bounces@${bounceDomain}`], reportAbout('arf-yahoo-abuse.eml', second.email, complained)),
    ).toMatchObject(accepted);
    // A report naming no message of ours changes nothing and counts nothing.
    expect(
      await relay(port, [`bounces@${bounceDomain}`], reportAbout('auto-reply.eml', first.email, bounced)),
    ).toMatchObject(accepted);

    const text = await fetchMetrics();
    expect(sample(text, 'liaison_messages_bounced_total', { queue: 'delivery', source: 'report' })).toBe(1);
    expect(sample(text, 'liaison_messages_complained_total', { queue: 'delivery' })).toBe(1);
  });
});

describe('a worker process (liaison worker) with LIAISON_METRICS_PORT', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  /** A database of the run's backend for the process to open itself: a new data folder, or a new database on the server. */
  async function databaseSettings() {
    const serverUrl = process.env.DATABASE_URL;
    if (!serverUrl) {
      const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'liaison-worker-metrics-'));
      cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
      return { dataDir, databaseUrl: undefined };
    }
    const name = `liaison_worker_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    cleanups.push(() => admin.query(`DROP DATABASE IF EXISTS ${name}`).finally(() => admin.end()));
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return { databaseUrl: url.toString() };
  }

  it('serves its own /metrics there: its sends are seen nowhere else', async () => {
    const port = await freePort();
    const config = { ...loadConfig({}), ...(await databaseSettings()), metricsEnabled: true, metricsPort: port };
    const log = pino({ level: 'silent' });
    const worker = await startWorkerProcess(config, log);
    cleanups.push(() => worker.close());
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(sample(text, 'liaison_queue_depth', { queue: 'delivery' })).toBe(0);
    expect(sample(text, 'liaison_queue_depth', { queue: 'mail' })).toBe(0);
    expect(sample(text, 'liaison_db_pool_connections')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'liaison_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(404);
  });
});
