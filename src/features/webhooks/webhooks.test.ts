import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectError } from '../../../test/support/expect-error.js';
import {
  createPartnerWorld,
  startTestApp,
  type Actor,
  type PartnerWorld,
  type TestApp,
} from '../../../test/support/test-app.js';

// Webhooks as a resource: create, read, change, delete, validation, isolation and the SSRF guard
// at creation. Deliveries are in webhook-delivery.test.ts (a receiver on 127.0.0.1 needs
// LIAISON_WEBHOOKS_ALLOW_PRIVATE, which this file leaves off).

let t: TestApp;
let p: PartnerWorld;
let other: PartnerWorld;
beforeAll(async () => {
  t = await startTestApp({ webhooksAllowPrivate: false });
  p = await createPartnerWorld(t, 'Hooks');
  other = await createPartnerWorld(t, 'Elsewhere');
});
afterAll(() => t?.close());

// A public address, so no DNS is needed; nothing is sent to it (no event of this file matches it).
const PUBLIC_URL = 'https://93.184.215.14/hooks/liaison';

const create = (actor: Actor = p.admin, fields: Record<string, unknown> = {}) =>
  t.call(actor, 'POST', '/api/2/webhooks', {
    tenant_id: p.customerId,
    url: PUBLIC_URL,
    events: ['announcement.done'],
    ...fields,
  });

describe('POST /webhooks', () => {
  it('answers 201 with the webhook and its secret, shown this once', async () => {
    const res = await create(p.admin, { description: 'PSA sync', events: ['announcement.done', 'tenant.*'] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      tenant_id: p.customerId,
      url: PUBLIC_URL,
      events: ['announcement.done', 'tenant.*'],
      description: 'PSA sync',
      enabled: true,
      version: 1,
      disabled_reason: null,
      failing_since: null,
      previous_secret_expires_at: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{32}$/),
    });
    expect(Buffer.from(res.body.secret.slice(6), 'base64')).toHaveLength(24);
    const read = await t.call(p.readonly, 'GET', `/api/2/webhooks/${res.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body.secret).toBeUndefined();
    expect(read.body).toEqual({ ...res.body, secret: undefined });
  });

  it('is open to API clients of the partner', async () => {
    expect((await create(p.client)).status).toBe(201);
  });

  it('answers 400 naming the field for bad input', async () => {
    expectError(await create(p.admin, { events: ['contact.exploded'] }), 400, 'validation_failed', 'events');
    expectError(await create(p.admin, { events: ['nope.*'] }), 400, 'validation_failed', 'events');
    expectError(await create(p.admin, { events: [] }), 400, 'validation_failed', 'events');
    expectError(await create(p.admin, { events: 'contact.created' }), 400, 'validation_failed', 'events');
    expectError(await create(p.admin, { url: 'not a url' }), 400, 'validation_failed', 'url');
    expectError(await create(p.admin, { tenant_id: 'x' }), 400, 'validation_failed', 'tenant_id');
    expectError(await create(p.admin, { colour: 'red' }), 400, 'validation_failed');
    expectError(await create(p.admin, { enabled: 'maybe' }), 400, 'validation_failed', 'enabled');
  });

  it('refuses what the SSRF guard refuses, naming url', async () => {
    for (const url of [
      'http://93.184.215.14/hook',
      'https://127.0.0.1/hook',
      'https://localhost/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://10.0.0.8/hook',
      'https://192.168.1.1/hook',
      'https://100.64.1.1/hook',
      'https://0.0.0.0/hook',
      'https://[::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://[::ffff:a9fe:a9fe]/hook',
      'https://[fd00::1]/hook',
      'https://[fe80::1]/hook',
      'https://user:pw@93.184.215.14/hook',
      'ftp://93.184.215.14/hook',
    ]) {
      expectError(await create(p.admin, { url }), 400, 'validation_failed', 'url');
    }
  });

  it('is refused to a read-only admin (403) and to another partner (404)', async () => {
    expectError(await create(p.readonly), 403, 1002);
    expectError(await create(other.admin), 404, 1005, 'tenant_id');
    expectError(await create(p.customerAdmin, { tenant_id: p.partnerId }), 404, 1005, 'tenant_id');
  });
});

describe('GET, PUT and DELETE /webhooks/{id}', () => {
  it('lists the webhooks of a tenant to who may read it', async () => {
    const made = (await create()).body;
    const list = await t.call(p.customerAdmin, 'GET', `/api/2/webhooks?tenant_id=${p.customerId}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((w: { id: string }) => w.id)).toContain(made.id);
    expectError(await t.call(other.admin, 'GET', `/api/2/webhooks?tenant_id=${p.customerId}`), 404, 1005);
    expectError(await t.call(p.admin, 'GET', '/api/2/webhooks'), 400, 'validation_failed', 'tenant_id');
  });

  it('changes a webhook at the version read, and answers 409 on a stale one', async () => {
    const made = (await create()).body;
    const res = await t.call(p.admin, 'PUT', `/api/2/webhooks/${made.id}`, {
      version: '1',
      events: ['contact.*'],
      enabled: 'false',
      description: null,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ version: 2, events: ['contact.*'], enabled: false, description: null });
    expectError(await t.call(p.admin, 'PUT', `/api/2/webhooks/${made.id}`, { version: 1, enabled: true }), 409, 1001);
    expectError(
      await t.call(p.admin, 'PUT', `/api/2/webhooks/${made.id}`, { enabled: true }),
      400,
      'validation_failed',
      'version',
    );
    expectError(
      await t.call(p.admin, 'PUT', `/api/2/webhooks/${made.id}`, { version: 2, url: 'https://127.0.0.1/' }),
      400,
      'validation_failed',
      'url',
    );
    expectError(
      await t.call(p.admin, 'PUT', `/api/2/webhooks/${made.id}`, { version: 2, events: ['user.frozen'] }),
      400,
      'validation_failed',
      'events',
    );
  });

  it('rotates the secret: a new one, the old one still signing for a day', async () => {
    const made = (await create()).body;
    const res = await t.call(p.admin, 'POST', `/api/2/webhooks/${made.id}/rotate-secret`);
    expect(res.status).toBe(200);
    expect(res.body.secret).toMatch(/^whsec_/);
    expect(res.body.secret).not.toBe(made.secret);
    const until = Date.parse(res.body.previous_secret_expires_at) - Date.now();
    expect(until).toBeGreaterThan(23 * 3600 * 1000);
    expect(until).toBeLessThanOrEqual(24 * 3600 * 1000);
    expectError(await t.call(p.readonly, 'POST', `/api/2/webhooks/${made.id}/rotate-secret`), 403, 1002);
    expectError(await t.call(other.admin, 'POST', `/api/2/webhooks/${made.id}/rotate-secret`), 404, 'not_found');
  });

  it('deletes a webhook (204), once', async () => {
    const made = (await create()).body;
    expectError(await t.call(p.admin, 'DELETE', `/api/2/webhooks/${made.id}?version=7`), 409, 1001);
    expect((await t.call(p.admin, 'DELETE', `/api/2/webhooks/${made.id}?version=1`)).status).toBe(204);
    expectError(await t.call(p.admin, 'GET', `/api/2/webhooks/${made.id}`), 404, 'not_found');
    expectError(await t.call(p.admin, 'DELETE', `/api/2/webhooks/${made.id}`), 404, 'not_found');
  });

  it('hides a webhook from another partner and keeps read-only admins from changing it', async () => {
    const made = (await create()).body;
    const url = `/api/2/webhooks/${made.id}`;
    for (const [method, path, body] of [
      ['GET', url, undefined],
      ['PUT', url, { version: 1, enabled: false }],
      ['DELETE', url, undefined],
      ['POST', `${url}/rotate-secret`, undefined],
      ['POST', `${url}/test`, undefined],
      ['GET', `${url}/deliveries`, undefined],
    ] as const) {
      expectError(await t.call(other.admin, method, path, body), 404, 'not_found');
      expectError(await t.call(other.client, method, path, body), 404, 'not_found');
    }
    expectError(await t.call(p.readonly, 'PUT', url, { version: 1, enabled: false }), 403, 1002);
    expectError(await t.call(p.readonly, 'DELETE', url), 403, 1002);
    expectError(await t.call(p.readonly, 'POST', `${url}/test`), 403, 1002);
    expect((await t.call(p.readonly, 'GET', `${url}/deliveries`)).status).toBe(200);
    expect((await t.call(p.admin, 'GET', url)).body.version).toBe(1);
  });
});

describe('the event outbox', () => {
  const eventsOf = (objectId: string) =>
    t.db
      .selectFrom('webhook_events')
      .select(['type', 'tenant_id', 'payload'])
      .where('object_id', '=', objectId)
      .orderBy('seq')
      .execute();

  it('holds one event per contact change, written with it, and none for a change that failed', async () => {
    // A webhook that wants them, at an address refused at send time (nothing leaves this file).
    const listening = (await create(p.admin, { events: ['contact.*'] })).body;
    await t.db.updateTable('webhooks').set({ url: 'https://127.0.0.1:1/' }).where('id', '=', listening.id).execute();
    const email = `outbox-${Date.now()}@example.test`;
    const body = { tenant_id: p.customerId, types: ['billing'], firstname: 'Ada', lastname: 'Byron', email };
    const made = await t.call(p.admin, 'POST', '/api/2/contacts', body);
    expect(made.status).toBe(201);
    const taken = await t.call(p.admin, 'POST', '/api/2/contacts', { ...body, firstname: 'Other' });
    expect(taken.status).toBe(409);
    const changed = await t.call(p.admin, 'PUT', `/api/2/contacts/${made.body.id}`, { version: 1, title: 'CFO' });
    expect(changed.status).toBe(200);
    expect((await t.call(p.admin, 'DELETE', `/api/2/contacts/${made.body.id}?version=2`)).status).toBe(204);
    const events = await eventsOf(made.body.id);
    expect(events.map((e) => e.type)).toEqual(['contact.created', 'contact.updated', 'contact.deleted']);
    expect(events.every((e) => e.tenant_id === p.customerId)).toBe(true);
    expect(events[0].payload).toEqual({
      type: 'contact.created',
      timestamp: expect.any(String),
      data: { ...made.body, tenant_id: p.customerId },
    });
    expect(events[1].payload).toMatchObject({ data: changed.body, changed: ['title'] });
    const all = await t.db.selectFrom('webhook_events').select('payload').execute();
    expect(all.filter((e) => JSON.stringify(e.payload).includes('"Other"'))).toEqual([]);
  });

  it('stores no event that no webhook wants', async () => {
    const body = { tenant_id: other.customerId, types: ['billing'], firstname: 'No', lastname: 'One' };
    const made = await t.call(other.admin, 'POST', '/api/2/contacts', { ...body, email: 'nobody@example.test' });
    expect(made.status).toBe(201);
    expect(await eventsOf(made.body.id)).toEqual([]);
  });
});

describe('the outbound guard at send time', () => {
  it('refuses to send where the name now resolves to a loopback address (DNS rebinding)', async () => {
    // Saved while its name pointed elsewhere: the row is written as creation would have, then tested.
    const made = (await create()).body;
    await t.db.updateTable('webhooks').set({ url: 'https://localhost:1/hook' }).where('id', '=', made.id).execute();
    const test = await t.call(p.admin, 'POST', `/api/2/webhooks/${made.id}/test`);
    expect(test.status).toBe(202);
    await vi.waitFor(
      async () => {
        const [delivery] = (await t.call(p.admin, 'GET', `/api/2/webhooks/${made.id}/deliveries`)).body.items;
        expect(delivery).toMatchObject({ attempts: 1, status: 'pending', last_status_code: null });
        expect(delivery.last_error).toMatch(/^refused: resolves to (127\.0\.0\.1|::1), a loopback/);
      },
      { timeout: 10_000, interval: 50 },
    );
  });
});

describe('the audit trail', () => {
  it('records create, update, rotate-secret, redeliver and delete, by whom, and never a secret', async () => {
    const made = (await create(p.admin, { description: 'Audited' })).body;
    // Disabled, so the test event stays pending here (nothing is sent) and can be redelivered.
    const off = await t.call(p.admin, 'PUT', `/api/2/webhooks/${made.id}`, { version: 1, enabled: false });
    expect(off.status).toBe(200);
    const rotated = await t.call(p.client, 'POST', `/api/2/webhooks/${made.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const test = (await t.call(p.admin, 'POST', `/api/2/webhooks/${made.id}/test`)).body;
    const again = await t.call(p.admin, 'POST', `/api/2/webhooks/${made.id}/deliveries/${test.id}/redeliver`);
    expect(again.status).toBe(202);
    expect((await t.call(p.admin, 'DELETE', `/api/2/webhooks/${made.id}?version=3`)).status).toBe(204);

    const trail = await t.call(p.readonly, 'GET', `/api/2/audit?tenant_id=${p.customerId}&object_id=${made.id}`);
    expect(trail.status).toBe(200);
    const items = trail.body.items;
    expect(items.map((i: any) => i.action)).toEqual(['delete', 'redeliver', 'rotate_secret', 'update', 'create']);
    expect(items.every((i: any) => i.object_type === 'webhook' && i.tenant_id === p.customerId)).toBe(true);
    const [deleted, redelivered, rotation, update, created] = items;
    expect(created.after).toMatchObject({ id: made.id, url: PUBLIC_URL, description: 'Audited', enabled: true });
    expect(update.before).toMatchObject({ enabled: true, version: 1 });
    expect(update.after).toMatchObject({ enabled: false, version: 2 });
    expect(rotation.actor.type).toBe('client');
    expect(rotation.after).toEqual({ previous_secret_expires_at: rotated.body.previous_secret_expires_at });
    expect(redelivered.after).toEqual({ delivery_id: test.id, event: 'webhook.test', message_id: test.message_id });
    expect(deleted.before).toMatchObject({ id: made.id, version: 3 });
    const text = JSON.stringify(items);
    for (const secret of [made.secret, rotated.body.secret]) expect(text).not.toContain(secret.slice(6));
    expect(text).not.toContain('whsec_');
  });
});
