import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectError } from '../../../test/support/expect-error.js';
import { createAnnouncement } from '../../../test/support/factories.js';
import {
  createPartnerWorld,
  startTestApp,
  type Actor,
  type PartnerWorld,
  type TestApp,
} from '../../../test/support/test-app.js';
import { recordEvent } from '../../platform/events.js';

// Deliveries to a real HTTP receiver on 127.0.0.1 (hence LIAISON_WEBHOOKS_ALLOW_PRIVATE), every
// signature checked with the standardwebhooks library. The retry base is 20 ms, so the schedule
// runs 20 ms, 1.2 s, 7.2 s, …

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  json: any;
}

let t: TestApp;
let p: PartnerWorld;
let other: PartnerWorld;
let server: http.Server;
let base: string;
const received: Received[] = [];
/** The status each path answers next (default 200); a list is used up one answer at a time. */
const answers = new Map<string, number[]>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '';
      received.push({ path, headers: req.headers as Record<string, string>, body, json: JSON.parse(body) });
      res.statusCode = answers.get(path)?.shift() ?? 200;
      // A redirect points at another path of this receiver; a 500 of /big-* says a megabyte of why.
      if (res.statusCode === 302) res.setHeader('location', `${base}/redirected${path}`);
      res.end(res.statusCode === 500 && path.includes('big') ? 'x'.repeat(1 << 20) : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = await startTestApp({ webhooksAllowPrivate: true, webhookPollMs: 50, webhookRetryBaseMs: 20 });
  p = await createPartnerWorld(t, 'Receiver');
  other = await createPartnerWorld(t, 'Outsider');
});
afterAll(async () => {
  await t?.close();
  await new Promise((resolve) => server?.close(resolve));
});

let paths = 0;
/** A webhook posting to a path of its own on the receiver. */
async function hook(tenantId: string, events: string[], actor: Actor = p.admin, name = 'hook') {
  const path = `/${name}-${++paths}`;
  const res = await t.call(actor, 'POST', '/api/2/webhooks', { tenant_id: tenantId, url: `${base}${path}`, events });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id as string, secret: res.body.secret as string, path };
}

const at = (path: string) => received.filter((r) => r.path === path);
const arrived = (path: string, count: number) =>
  vi.waitFor(() => expect(at(path).length).toBeGreaterThanOrEqual(count), { timeout: 10_000, interval: 20 });

/** Each request verified by the library, with this secret. */
function verified(request: Received, secret: string) {
  return new Webhook(secret).verify(request.body, request.headers) as any;
}

const deliveries = async (id: string) => (await t.call(p.admin, 'GET', `/api/2/webhooks/${id}/deliveries`)).body.items;

async function createContact(tenantId: string, fields: Record<string, unknown> = {}) {
  const email = `c${Date.now()}${Math.random().toString(36).slice(2, 6)}@example.test`;
  const body = { tenant_id: tenantId, types: ['technical'], firstname: 'Lin', lastname: 'Qi', email, ...fields };
  const res = await t.call(p.admin, 'POST', '/api/2/contacts', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('contact events', () => {
  it('sends contact.created, signed, with the contact as the API shows it', async () => {
    const w = await hook(p.customerId, ['contact.created']);
    const contact = await createContact(p.customerId);
    await arrived(w.path, 1);
    const [request] = at(w.path);
    expect(verified(request, w.secret)).toEqual({
      type: 'contact.created',
      timestamp: expect.any(String),
      data: { ...contact, tenant_id: p.customerId },
    });
    expect(request.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(request.headers['content-type']).toBe('application/json');
    await vi.waitFor(async () => expect((await deliveries(w.id))[0]).toMatchObject({ status: 'succeeded' }));
    expect((await deliveries(w.id))[0]).toMatchObject({
      event: 'contact.created',
      attempts: 1,
      last_status_code: 200,
      next_attempt_at: null,
      message_id: request.headers['webhook-id'],
    });
  });

  it("reaches the webhooks of the tenant and its ancestors, never another subtree's", async () => {
    const partnerHook = await hook(p.partnerId, ['contact.*']);
    const customerHook = await hook(p.customerId, ['contact.*'], p.customerAdmin);
    const outsider = await hook(other.partnerId, ['contact.*'], other.admin);
    const rootHook = await hook(t.rootTenantId, ['contact.*'], t.root);
    const below = await createContact(p.customerId);
    const above = await createContact(p.partnerId);
    await arrived(partnerHook.path, 2);
    await arrived(rootHook.path, 2);
    await arrived(customerHook.path, 1);
    const ids = (path: string) => at(path).map((r) => r.json.data.id);
    expect(ids(partnerHook.path).sort()).toEqual([below.id, above.id].sort());
    expect(ids(customerHook.path)).toEqual([below.id]);
    expect(ids(outsider.path)).toEqual([]);
    for (const r of at(partnerHook.path)) verified(r, partnerHook.secret);
  });

  it('sends an object’s events in order, each update with the fields that changed', async () => {
    const w = await hook(p.customerId, ['contact.*']);
    answers.set(w.path, [503]);
    const contact = await createContact(p.customerId);
    let version = contact.version;
    for (const title of ['CTO', 'CEO']) {
      const res = await t.call(p.admin, 'PUT', `/api/2/contacts/${contact.id}`, { version, title });
      expect(res.status).toBe(200);
      version = res.body.version;
    }
    expect((await t.call(p.admin, 'DELETE', `/api/2/contacts/${contact.id}?version=${version}`)).status).toBe(204);
    await arrived(w.path, 5);
    const seen = at(w.path).map((r) => verified(r, w.secret));
    expect(seen.map((e) => e.type)).toEqual([
      'contact.created',
      'contact.created',
      'contact.updated',
      'contact.updated',
      'contact.deleted',
    ]);
    expect(seen.map((e) => e.data.title ?? null)).toEqual([null, null, 'CTO', 'CEO', 'CEO']);
    expect(seen[2].changed).toEqual(['title']);
  });

  it('sends nothing for a change that rolled back', async () => {
    const w = await hook(p.customerId, ['contact.*']);
    const taken = await createContact(p.customerId);
    await arrived(w.path, 1);
    const again = await t.call(p.admin, 'POST', '/api/2/contacts', {
      tenant_id: p.customerId,
      types: ['billing'],
      firstname: 'Twin',
      lastname: 'Qi',
      email: taken.email,
    });
    expect(again.status).toBe(409);
    await expect(
      t.db.transaction().execute(async (trx) => {
        await recordEvent(trx, { type: 'contact.updated', tenantId: p.customerId, data: { id: taken.id } });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    const marker = await createContact(p.customerId);
    await arrived(w.path, 2);
    expect(at(w.path).map((r) => r.json.data.id)).toEqual([taken.id, marker.id]);
  });
});

describe('tenant and user events', () => {
  it('sends tenant.* and user.* events of the subtree, updates with the fields that changed', async () => {
    const w = await hook(p.partnerId, ['tenant.*', 'user.created', 'user.updated']);
    const tenant = await t.call(p.admin, 'POST', '/api/2/tenants', {
      name: `Hooked ${Date.now()}`,
      parent_id: p.partnerId,
      kind: 'customer',
    });
    expect(tenant.status).toBe(201);
    const renamed = await t.call(p.admin, 'PUT', `/api/2/tenants/${tenant.body.id}`, { version: 1, name: 'Renamed' });
    expect(renamed.status).toBe(200);
    const user = await t.call(p.admin, 'POST', '/api/2/users', {
      tenant_id: tenant.body.id,
      login: `hooked-${Date.now()}`,
      contact: { email: `hooked-${Date.now()}@example.test`, firstname: 'Ida', lastname: 'Noddack' },
    });
    expect(user.status).toBe(200);
    await arrived(w.path, 3);
    const seen = at(w.path).map((r) => verified(r, w.secret));
    expect(seen.map((e) => e.type).sort()).toEqual(['tenant.created', 'tenant.updated', 'user.created']);
    const updated = seen.find((e) => e.type === 'tenant.updated');
    expect(updated).toMatchObject({ data: { id: tenant.body.id, name: 'Renamed', tenant_id: tenant.body.id } });
    expect(updated.changed).toEqual(['name']);
    expect(seen.find((e) => e.type === 'user.created').data).toMatchObject({
      id: user.body.id,
      tenant_id: tenant.body.id,
    });
  });
});

describe('announcement events', () => {
  it('sends announcement.done once a notice has gone out, to the webhooks above its scope', async () => {
    const w = await hook(p.partnerId, ['announcement.done']);
    const outsider = await hook(other.partnerId, ['announcement.*'], other.admin);
    await createContact(p.customerId);
    const notice = await createAnnouncement(t, { scopeTenantId: p.customerId, as: p.admin });
    await arrived(w.path, 1);
    expect(verified(at(w.path)[0], w.secret)).toMatchObject({
      type: 'announcement.done',
      data: {
        id: notice.id,
        status: 'done',
        category: 'technical',
        scope_tenant_id: p.customerId,
        tenant_id: p.customerId,
      },
    });
    expect(at(outsider.path)).toEqual([]);
  });
});

describe('retries, 410 and rotation', () => {
  it('retries a failed attempt with the same webhook-id until it succeeds', async () => {
    const w = await hook(p.partnerId, ['tenant.*']);
    answers.set(w.path, [500, 502]);
    const test = await t.call(p.admin, 'POST', `/api/2/webhooks/${w.id}/test`);
    expect(test.status).toBe(202);
    expect(test.body).toMatchObject({ event: 'webhook.test', status: 'pending' });
    await arrived(w.path, 3);
    const requests = at(w.path);
    expect(new Set(requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([test.body.message_id]));
    for (const r of requests) expect(verified(r, w.secret)).toMatchObject({ type: 'webhook.test' });
    await vi.waitFor(async () => expect((await deliveries(w.id))[0]).toMatchObject({ status: 'succeeded' }));
    expect((await deliveries(w.id))[0]).toMatchObject({ attempts: 3, last_status_code: 200 });
  });

  it('fails a delivery after its last attempt, and redelivers it on demand', async () => {
    const w = await hook(p.partnerId, ['tenant.*']);
    answers.set(w.path, [500]);
    // Staged while the endpoint is off (no worker takes it meanwhile): 7 attempts made, so the
    // schedule's last retry has come and the next failure is final.
    await t.call(p.admin, 'PUT', `/api/2/webhooks/${w.id}`, { version: 1, enabled: false });
    const test = (await t.call(p.admin, 'POST', `/api/2/webhooks/${w.id}/test`)).body;
    await t.db.updateTable('webhook_deliveries').set({ attempts: 7 }).where('id', '=', test.id).execute();
    await t.call(p.admin, 'PUT', `/api/2/webhooks/${w.id}`, { version: 2, enabled: true });
    await arrived(w.path, 1);
    await vi.waitFor(async () => expect((await deliveries(w.id))[0]).toMatchObject({ status: 'failed' }));
    expect((await deliveries(w.id))[0]).toMatchObject({ attempts: 8, last_status_code: 500, next_attempt_at: null });
    expectError(
      await t.call(other.admin, 'POST', `/api/2/webhooks/${w.id}/deliveries/${test.id}/redeliver`),
      404,
      'not_found',
    );
    expectError(await t.call(p.readonly, 'POST', `/api/2/webhooks/${w.id}/deliveries/${test.id}/redeliver`), 403, 1002);
    const again = await t.call(p.admin, 'POST', `/api/2/webhooks/${w.id}/deliveries/${test.id}/redeliver`);
    expect(again.status).toBe(202);
    await arrived(w.path, 2);
    expect(at(w.path)[1].headers['webhook-id']).toBe(test.message_id);
    await vi.waitFor(async () => expect((await deliveries(w.id))[0]).toMatchObject({ status: 'succeeded' }));
  });

  it('follows no redirect and keeps only the start of a long answer', async () => {
    const moved = await hook(p.partnerId, ['tenant.*']);
    answers.set(moved.path, [302]);
    await t.call(p.admin, 'POST', `/api/2/webhooks/${moved.id}/test`);
    const big = await hook(p.partnerId, ['tenant.*'], p.admin, 'big');
    answers.set(big.path, [500, 500, 500]);
    await t.call(p.admin, 'POST', `/api/2/webhooks/${big.id}/test`);
    // The 302 was a failure: the second attempt came to the same URL, none to the redirect's.
    await arrived(moved.path, 2);
    expect(received.filter((r) => r.path.startsWith('/redirected'))).toEqual([]);
    await arrived(big.path, 3);
    await vi.waitFor(async () =>
      expect((await deliveries(big.id))[0]).toMatchObject({ attempts: 3, status: 'pending' }),
    );
    const [first] = await deliveries(big.id);
    expect(first.last_status_code).toBe(500);
    expect(first.last_error).toMatch(/^HTTP 500: x+$/);
    expect(first.last_error.length).toBeLessThanOrEqual(4096 + 'HTTP 500: '.length);
  });

  it('disables an endpoint that answers 410 Gone', async () => {
    const w = await hook(p.customerId, ['contact.created']);
    answers.set(w.path, [410]);
    await createContact(p.customerId);
    await arrived(w.path, 1);
    await vi.waitFor(async () =>
      expect((await t.call(p.admin, 'GET', `/api/2/webhooks/${w.id}`)).body).toMatchObject({
        enabled: false,
        disabled_reason: 'gone',
      }),
    );
    expect((await deliveries(w.id))[0]).toMatchObject({ status: 'failed', attempts: 1, last_status_code: 410 });
  });

  it('disables an endpoint failing for 5 days and tells its tenant’s admins by mail', async () => {
    const w = await hook(p.partnerId, ['tenant.*']);
    answers.set(w.path, [500]);
    const sixDays = new Date(Date.now() - 6 * 86_400_000 * (20 / 5000));
    await t.db.updateTable('webhooks').set({ failing_since: sixDays }).where('id', '=', w.id).execute();
    await t.call(p.admin, 'POST', `/api/2/webhooks/${w.id}/test`);
    await vi.waitFor(async () =>
      expect((await t.call(p.admin, 'GET', `/api/2/webhooks/${w.id}`)).body).toMatchObject({
        enabled: false,
        disabled_reason: 'failing',
      }),
    );
    const mail = await t.db
      .selectFrom('mail_outbox')
      .select(['to_address', 'text_body'])
      .where('kind', '=', 'webhook_disabled')
      .execute();
    expect(mail.map((m) => m.to_address)).toContain(`${p.admin.login}@example.test`);
    expect(mail.every((m) => m.text_body.includes(w.path))).toBe(true);
  });

  it('signs with both secrets for a day after a rotation', async () => {
    const w = await hook(p.partnerId, ['tenant.*']);
    const rotated = await t.call(p.admin, 'POST', `/api/2/webhooks/${w.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    await t.call(p.admin, 'POST', `/api/2/webhooks/${w.id}/test`);
    await arrived(w.path, 1);
    const [request] = at(w.path);
    expect(request.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(request.headers['webhook-signature']).toMatch(/^v1,\S+ v1,\S+$/);
    expect(verified(request, rotated.body.secret)).toMatchObject({ type: 'webhook.test' });
    expect(verified(request, w.secret)).toMatchObject({ type: 'webhook.test' });
    expect(() => verified(request, `whsec_${Buffer.alloc(24, 7).toString('base64')}`)).toThrow();
  });

  it('loses nothing when a worker dies between claiming a delivery and recording it', async () => {
    // Disabled, so no worker claims it before the crash is staged; the test event waits for it.
    const w = await hook(p.partnerId, ['tenant.*']);
    await t.call(p.admin, 'PUT', `/api/2/webhooks/${w.id}`, { version: 1, enabled: false });
    const test = (await t.call(p.admin, 'POST', `/api/2/webhooks/${w.id}/test`)).body;
    // What a worker that claimed it and then died leaves behind: one attempt counted, a lease held.
    const claim = { attempts: 1, next_attempt_at: new Date(Date.now() + 3_600_000) };
    await t.db.updateTable('webhook_deliveries').set(claim).where('id', '=', test.id).execute();
    await t.call(p.admin, 'PUT', `/api/2/webhooks/${w.id}`, { version: 2, enabled: true });
    expect(at(w.path)).toEqual([]);
    // The lease runs out: another worker sends it, with the same webhook-id.
    await t.db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: new Date() })
      .where('id', '=', test.id)
      .execute();
    await arrived(w.path, 1);
    expect(at(w.path)[0].headers['webhook-id']).toBe(test.message_id);
    await vi.waitFor(async () =>
      expect((await deliveries(w.id))[0]).toMatchObject({ status: 'succeeded', attempts: 2 }),
    );
  });

  it('lets no other partner test a webhook or read its deliveries', async () => {
    const w = await hook(p.partnerId, ['tenant.*']);
    expectError(await t.call(other.admin, 'POST', `/api/2/webhooks/${w.id}/test`), 404, 'not_found');
    expectError(await t.call(other.client, 'GET', `/api/2/webhooks/${w.id}/deliveries`), 404, 'not_found');
    const mine = await hook(other.partnerId, ['tenant.*'], other.admin);
    const test = (await t.call(p.admin, 'POST', `/api/2/webhooks/${w.id}/test`)).body;
    expectError(
      await t.call(other.admin, 'POST', `/api/2/webhooks/${mine.id}/deliveries/${test.id}/redeliver`),
      404,
      'not_found',
    );
  });
});
