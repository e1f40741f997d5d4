import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpServer, type TestSmtpServer } from '../../../test/support/smtp-server.js';
import {
  createPartnerWorld,
  startTestApp,
  type Actor,
  type PartnerWorld,
  type TestApp,
} from '../../../test/support/test-app.js';
import { expectError } from '../../../test/support/expect-error.js';

// The announcements API over HTTP, with the app's own workers sending into a real SMTP server.

let t: TestApp;
let smtp: TestSmtpServer;
let p: PartnerWorld;
let other: PartnerWorld;
let rootUserId: string;
beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp({ smtpUrl: smtp.url });
  p = await createPartnerWorld(t, 'A');
  other = await createPartnerWorld(t, 'B');
  rootUserId = (await t.call(t.root, 'GET', '/api/2/users/me')).body.id;
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

let seq = 0;
const unique = (base: string) => `${base}-${++seq}`;
const address = (base: string) => `${unique(base)}@example.test`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function tenant(actor: Actor, parentId: string, kind = 'customer', fields: Record<string, unknown> = {}) {
  const res = await t.call(actor, 'POST', '/api/2/tenants', {
    name: unique(`T ${kind}`),
    parent_id: parentId,
    kind,
    ...fields,
  });
  if (res.status !== 201) throw new Error(`create tenant: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; name: string; version: number };
}

async function contact(actor: Actor, tenantId: string, types: string[], fields: Record<string, unknown> = {}) {
  const res = await t.call(actor, 'POST', '/api/2/contacts', {
    tenant_id: tenantId,
    types,
    firstname: 'Grace',
    lastname: unique('Hopper'),
    email: address('contact'),
    ...fields,
  });
  if (res.status !== 201) throw new Error(`create contact: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; email: string; version: number; tenant_id: string };
}

const notice = (fields: Record<string, unknown> = {}) => {
  const subject = unique('Notice');
  return {
    category: 'technical',
    subject: { en: subject },
    body: { en: `Body of ${subject}` },
    fallback: 'none',
    ...fields,
  };
};
const post = (actor: Actor, body: unknown) => t.call(actor, 'POST', '/api/2/announcements', body);
const preview = (actor: Actor, body: unknown) => t.call(actor, 'POST', '/api/2/announcements/preview', body);

async function announce(actor: Actor, fields: Record<string, unknown>) {
  const res = await post(actor, notice(fields));
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body as { id: string; subject: { en: string }; recipients: number };
}

async function finished(id: string, actor: Actor = t.root) {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const res = await t.call(actor, 'GET', `/api/2/announcements/${id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    if (res.body.status === 'done') return res.body;
    if (Date.now() > deadline) throw new Error(`announcement ${id} not done: ${JSON.stringify(res.body)}`);
    await sleep(25);
  }
}

const mailsOf = (subject: string) => smtp.received.filter((m) => m.subject === subject);
const recipientsOf = (subject: string) =>
  mailsOf(subject)
    .flatMap((m) => m.to.map((a) => a.toLowerCase()))
    .sort();
const count = async (table: 'announcements' | 'deliveries' | 'audit_events') =>
  Number(
    (
      await t.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('POST /announcements', () => {
  it('accepts (202) with the recipient count, then sends and ends done with counts', async () => {
    const c = await tenant(p.admin, p.partnerId);
    const a = await contact(p.admin, p.partnerId, ['technical']);
    const b = await contact(p.admin, c.id, ['technical', 'billing']);
    const body = notice({
      scope_tenant_id: p.partnerId,
      subject: { en: unique('Upgrade'), it: unique('Aggiornamento') },
      body: { en: 'Hello', it: 'Ciao' },
    });
    const res = await post(t.root, body);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(Object.keys(res.body).sort()).toEqual([
      'body',
      'cancelled_at',
      'category',
      'completed_at',
      'counts',
      'created_at',
      'created_by',
      'enqueued_at',
      'fallback',
      'id',
      'mandatory',
      'recipient_rule',
      'recipients',
      'scope_tenant_id',
      'send_at',
      'status',
      'subject',
      'test',
    ]);
    expect(res.body).toMatchObject({
      scope_tenant_id: p.partnerId,
      category: 'technical',
      subject: body.subject,
      body: body.body,
      fallback: 'none',
      test: false,
      recipients: 2,
      created_by: { type: 'user', id: rootUserId },
    });
    expect(res.body.id).toMatch(uuidPattern);
    expect(['enqueuing', 'queued', 'sending', 'done']).toContain(res.body.status);
    expect(res.body).toMatchObject({ mandatory: false, send_at: null, cancelled_at: null });
    expect(Object.keys(res.body.counts).sort()).toEqual([
      'bounced',
      'cancelled',
      'complained',
      'failed',
      'opted_out',
      'pending',
      'sent',
      'skipped',
    ]);

    const done = await finished(res.body.id);
    expect(done).toMatchObject({
      id: res.body.id,
      status: 'done',
      recipients: 2,
      counts: { pending: 0, sent: 2, failed: 0, cancelled: 0, skipped: 0, opted_out: 0, bounced: 0, complained: 0 },
    });
    expect(Date.parse(done.enqueued_at)).toBeGreaterThanOrEqual(Date.parse(done.created_at));
    expect(Date.parse(done.completed_at)).toBeGreaterThanOrEqual(Date.parse(done.enqueued_at));
    expect(recipientsOf(body.subject.en)).toEqual([a.email, b.email].map((e) => e.toLowerCase()).sort());

    // Each message carries a stable Message-ID naming its delivery, so a resent copy can be dropped.
    const deliveries = (await t.call(t.root, 'GET', `/api/2/announcements/${res.body.id}/deliveries`)).body.items;
    for (const mail of mailsOf(body.subject.en)) {
      const delivery = deliveries.find((d: { email: string }) => d.email.toLowerCase() === mail.to[0].toLowerCase());
      expect(mail.messageId).toBe(`<delivery.${delivery.id}@liaison.test>`);
    }
    const audit = await t.db.selectFrom('audit_events').selectAll().where('object_id', '=', res.body.id).execute();
    expect(audit.map((e) => e.action)).toEqual(['create']);
  });

  it('lets the root admin announce platform-wide', async () => {
    const mine = await contact(p.admin, p.customerId, ['management']);
    const theirs = await contact(other.admin, other.partnerId, ['management']);
    const created = await announce(t.root, { category: 'management', scope_tenant_id: t.rootTenantId });
    await finished(created.id);
    expect(recipientsOf(created.subject.en)).toEqual(
      expect.arrayContaining([mine.email.toLowerCase(), theirs.email.toLowerCase()]),
    );
    // The partner neither sees the platform's announcement nor its deliveries.
    expectError(await t.call(p.admin, 'GET', `/api/2/announcements/${created.id}`), 404, 'not_found');
    expectError(await t.call(p.admin, 'GET', `/api/2/announcements/${created.id}/deliveries`), 404, 'not_found');
  });

  it('lets a partner admin and its API client announce to their subtree', async () => {
    const reader = await contact(p.admin, p.customerId, ['billing']);
    const byAdmin = await announce(p.admin, { category: 'billing', scope_tenant_id: p.partnerId });
    const byClient = await announce(p.client, { category: 'billing', scope_tenant_id: p.customerId });
    expect((await finished(byAdmin.id, p.admin)).created_by).toEqual({ type: 'user', id: p.admin.userId });
    expect((await finished(byClient.id, p.client)).created_by).toEqual({ type: 'client', id: p.client.clientId });
    expect(recipientsOf(byAdmin.subject.en)).toContain(reader.email.toLowerCase());
    expect(recipientsOf(byClient.subject.en)).toEqual([reader.email.toLowerCase()]);
  });

  it('answers 404 to a partner announcing (or previewing) outside its subtree, and creates nothing', async () => {
    const before = await count('announcements');
    for (const scope of [other.partnerId, other.customerId, t.rootTenantId, randomUUID()]) {
      for (const actor of [p.admin, p.client]) {
        expectError(await post(actor, notice({ scope_tenant_id: scope })), 404, 1005, 'scope_tenant_id');
        expectError(await preview(actor, notice({ scope_tenant_id: scope })), 404, 1005, 'scope_tenant_id');
      }
    }
    // A deleted tenant is no scope either.
    const gone = await tenant(p.admin, p.partnerId);
    const off = await t.call(p.admin, 'PUT', `/api/2/tenants/${gone.id}`, { version: gone.version, enabled: false });
    expect((await t.call(p.admin, 'DELETE', `/api/2/tenants/${gone.id}?version=${off.body.version}`)).status).toBe(204);
    expectError(await post(p.admin, notice({ scope_tenant_id: gone.id })), 404, 1005, 'scope_tenant_id');
    expect(await count('announcements')).toBe(before);
  });

  it("refuses a customer's company admin and a read-only admin (403 1002)", async () => {
    const before = await count('announcements');
    expectError(await post(p.customerAdmin, notice({ scope_tenant_id: p.customerId })), 403, 1002);
    expectError(await preview(p.customerAdmin, notice({ scope_tenant_id: p.customerId })), 403, 1002);
    expectError(await post(p.readonly, notice({ scope_tenant_id: p.partnerId })), 403, 1002);
    expectError(await preview(p.readonly, notice({ scope_tenant_id: p.customerId })), 403, 1002);
    // Still 404, not 403, outside what they can see.
    expectError(await post(p.customerAdmin, notice({ scope_tenant_id: p.partnerId })), 404, 1005);
    expect(await count('announcements')).toBe(before);
  });

  it('validates the body, naming the failing field', async () => {
    const base = notice({ scope_tenant_id: p.partnerId });
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, subject: { it: 'Solo italiano' } }, 'subject.en'],
      [{ ...base, body: { it: 'Solo italiano' } }, 'body.en'],
      [{ ...base, subject: undefined }, 'subject'],
      [{ ...base, subject: { en: '   ' } }, 'subject.en'],
      [{ ...base, subject: { en: 'x'.repeat(201) } }, 'subject.en'],
      [{ ...base, body: { en: 'x'.repeat(50_001) } }, 'body.en'],
      [{ ...base, subject: { en: 'ok', fr: 'oui' } }, 'subject.fr'],
      [{ ...base, subject: { en: 'ok', it: 'x'.repeat(201) } }, 'subject.it'],
      [{ ...base, body: { en: 'ok', it: ' \n ' } }, 'body.it'],
      [{ ...base, body: 'plain text' }, 'body'],
      [{ ...base, category: 'marketing' }, 'category'],
      [{ ...base, category: undefined }, 'category'],
      [{ ...base, fallback: 'parent' }, 'fallback'],
      [{ ...base, scope_tenant_id: 'not-a-uuid' }, 'scope_tenant_id'],
      [{ ...base, scope_tenant_id: undefined }, 'scope_tenant_id'],
      [{ ...base, priority: 'high' }, 'priority'],
    ];
    const before = await count('announcements');
    for (const [body, field] of cases) {
      for (const send of [post, preview]) {
        const res = await send(p.admin, body);
        expectError(res, 400, 'validation_failed', field);
        expect(res.body.error.message).toContain(field);
      }
    }
    expect(await count('announcements')).toBe(before);
  });
});

describe('POST /announcements/preview', () => {
  it('counts recipients by tenant kind with a sample, and has no side effects', async () => {
    const partner = await tenant(t.root, t.rootTenantId, 'partner');
    const c = await tenant(t.root, partner.id);
    const u = await tenant(t.root, c.id, 'unit');
    const c2 = await tenant(t.root, partner.id);
    const pT = await contact(t.root, partner.id, ['technical']);
    const cT = await contact(t.root, c.id, ['technical']);
    const bad = await contact(t.root, c2.id, ['technical']);
    await t.db.updateTable('contacts').set({ validation_state: 'invalid' }).where('id', '=', bad.id).execute();

    const counts = {
      announcements: await count('announcements'),
      deliveries: await count('deliveries'),
      audit: await count('audit_events'),
    };
    const mailsBefore = smtp.received.length;
    const res = await preview(t.root, notice({ scope_tenant_id: partner.id, fallback: 'ancestor' }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // U inherits C's contact, C2 (its only contact bounced) the partner's. The kinds count
    // the same two people, each under the kind of the tenant whose contact it is.
    expect(res.body).toMatchObject({ recipients: 2, skipped: 1 });
    expect(res.body.by_tenant_kind).toEqual({ partner: 1, customer: 1 });
    const sample = res.body.sample.map((s: Record<string, unknown>) => ({
      ...s,
      email: String(s.email).toLowerCase(),
    }));
    expect(sample).toHaveLength(4);
    expect(sample).toEqual(
      expect.arrayContaining([
        { email: pT.email.toLowerCase(), tenant_id: partner.id, tenant_name: partner.name, inherited: false },
        { email: pT.email.toLowerCase(), tenant_id: c2.id, tenant_name: c2.name, inherited: true },
        { email: cT.email.toLowerCase(), tenant_id: c.id, tenant_name: c.name, inherited: false },
        { email: cT.email.toLowerCase(), tenant_id: u.id, tenant_name: u.name, inherited: true },
      ]),
    );

    const none = await preview(t.root, notice({ scope_tenant_id: partner.id, fallback: 'none' }));
    expect(none.body).toMatchObject({ recipients: 2, skipped: 1 });
    expect(none.body.by_tenant_kind).toEqual({ partner: 1, customer: 1 });

    await sleep(200);
    expect({
      announcements: await count('announcements'),
      deliveries: await count('deliveries'),
      audit: await count('audit_events'),
    }).toEqual(counts);
    expect(smtp.received.length).toBe(mailsBefore);
  });
});

describe('GET /announcements', () => {
  it("lists the announcements to a tenant's subtree, newest first, paged", async () => {
    const partner = await tenant(t.root, p.partnerId, 'partner');
    const c = await tenant(t.root, partner.id);
    const first = await announce(p.admin, { scope_tenant_id: partner.id });
    const second = await announce(p.admin, { scope_tenant_id: c.id });
    const third = await announce(t.root, { scope_tenant_id: partner.id });
    await finished(third.id);

    const page1 = await t.call(p.admin, 'GET', `/api/2/announcements?tenant_id=${partner.id}&limit=2`);
    expect(page1.status, JSON.stringify(page1.body)).toBe(200);
    expect(page1.body.items.map((a: { id: string }) => a.id)).toEqual([third.id, second.id]);
    expect(page1.body.items[0]).toMatchObject({ status: 'done', counts: { pending: 0, failed: 0, skipped: 0 } });
    const page2 = await t.call(
      p.admin,
      'GET',
      `/api/2/announcements?tenant_id=${partner.id}&limit=2&after=${page1.body.paging.cursors.after}`,
    );
    expect(page2.body.items.map((a: { id: string }) => a.id)).toEqual([first.id]);
    expect(page2.body.paging.cursors.after).toBeUndefined();

    // Only announcements whose scope lies in the tenant's subtree.
    const ofCustomer = await t.call(p.admin, 'GET', `/api/2/announcements?tenant_id=${c.id}`);
    expect(ofCustomer.body.items.map((a: { id: string }) => a.id)).toEqual([second.id]);
    // Without tenant_id: the caller's own tenant.
    const own = await t.call(p.admin, 'GET', '/api/2/announcements?limit=200');
    expect(own.body.items.map((a: { id: string }) => a.id)).toEqual(
      expect.arrayContaining([first.id, second.id, third.id]),
    );
  });

  it('pages announcements made within the same millisecond without losing any', async () => {
    const partner = await tenant(t.root, t.rootTenantId, 'partner');
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await announce(t.root, { scope_tenant_id: partner.id })).id);
    // Microseconds apart, as on a busy PostgreSQL; the cursor must not round them away.
    for (const [i, id] of ids.entries()) {
      await sql`UPDATE announcements SET created_at = '2031-01-01T00:00:00.000Z'::timestamptz + make_interval(secs => ${(i + 1) / 1e6})
        WHERE id = ${id}::uuid`.execute(t.db);
    }
    const seen: string[] = [];
    let after = '';
    for (let page = 0; page < 5; page++) {
      const res = await t.call(t.root, 'GET', `/api/2/announcements?tenant_id=${partner.id}&limit=1${after}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      seen.push(...res.body.items.map((a: { id: string }) => a.id));
      if (!res.body.paging.cursors.after) break;
      after = `&after=${res.body.paging.cursors.after}`;
    }
    expect(seen).toEqual([...ids].reverse());
  });

  it("answers 404 for another partner's tenant and a forged cursor 400", async () => {
    expectError(await t.call(p.admin, 'GET', `/api/2/announcements?tenant_id=${other.partnerId}`), 404, 1005);
    expectError(await t.call(p.admin, 'GET', `/api/2/announcements?tenant_id=${t.rootTenantId}`), 404, 1005);
    expectError(await t.call(p.admin, 'GET', '/api/2/announcements?after=bm9wZQ'), 400, 'validation_failed', 'after');
    // Well-formed cursors of another shape (forged, or from another list) are bad input too.
    for (const foreign of [{}, { before: 3 }, { created_at: '2030-01-01T00:00:00Z' }]) {
      expectError(
        await t.call(p.admin, 'GET', `/api/2/announcements?after=${cursor(foreign)}`),
        400,
        'validation_failed',
        'after',
      );
    }
    expectError(
      await t.call(p.admin, 'GET', '/api/2/announcements?tenant_id=nope'),
      400,
      'validation_failed',
      'tenant_id',
    );
  });
});

describe('GET /announcements/{id} and its deliveries', () => {
  it('records a permanent failure: the delivery fails with its error, the contact turns invalid until its email changes', async () => {
    const customer = await tenant(p.admin, p.partnerId);
    const good = await contact(p.admin, customer.id, ['management'], { email: address('good') });
    const bad = await contact(p.admin, customer.id, ['management'], { email: address('bounces') });
    smtp.refuseAddress(bad.email, 550);
    const created = await announce(p.admin, { category: 'management', scope_tenant_id: customer.id });
    const done = await finished(created.id, p.admin);
    expect(done).toMatchObject({ recipients: 2, counts: { pending: 0, sent: 1, failed: 1, skipped: 0 } });
    expect(recipientsOf(created.subject.en)).toEqual([good.email.toLowerCase()]);

    const failed = await t.call(p.admin, 'GET', `/api/2/announcements/${created.id}/deliveries?status=failed`);
    expect(failed.status).toBe(200);
    expect(failed.body.items).toHaveLength(1);
    expect(failed.body.items[0]).toMatchObject({
      email: bad.email,
      status: 'failed',
      attempts: 1,
      tenants: [{ id: customer.id, name: customer.name }],
      contact_ids: [bad.id],
      sent_at: null,
    });
    expect(failed.body.items[0].last_error).toContain('550');
    const sent = await t.call(p.admin, 'GET', `/api/2/announcements/${created.id}/deliveries?status=sent`);
    expect(sent.body.items.map((d: { email: string }) => d.email)).toEqual([good.email]);
    expect(sent.body.items[0]).toMatchObject({ status: 'sent', attempts: 1, last_error: null, language: 'en' });
    expect(Date.parse(sent.body.items[0].sent_at)).not.toBeNaN();
    expectError(
      await t.call(p.admin, 'GET', `/api/2/announcements/${created.id}/deliveries?status=bounced`),
      400,
      'validation_failed',
      'status',
    );

    const invalid = (await t.call(p.admin, 'GET', `/api/2/contacts/${bad.id}`)).body;
    expect(invalid.validation_state).toBe('invalid');
    expect((await t.call(p.admin, 'GET', `/api/2/contacts/${good.id}`)).body.validation_state).toBe('valid');
    const history = await t.call(p.admin, 'GET', `/api/2/contacts/${bad.id}/deliveries`);
    expect(history.body.items).toEqual([
      expect.objectContaining({ announcement_id: created.id, status: 'failed', email: bad.email }),
    ]);

    // The next notice skips it.
    const next = await announce(p.admin, { category: 'management', scope_tenant_id: customer.id });
    expect(await finished(next.id, p.admin)).toMatchObject({
      recipients: 1,
      counts: { sent: 1, failed: 0, skipped: 1 },
    });

    const fixed = address('fixed');
    const put = await t.call(p.admin, 'PUT', `/api/2/contacts/${bad.id}`, { version: invalid.version, email: fixed });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.validation_state).toBe('valid');
    const again = await announce(p.admin, { category: 'management', scope_tenant_id: customer.id });
    expect(await finished(again.id, p.admin)).toMatchObject({ recipients: 2, counts: { sent: 2, skipped: 0 } });
    expect(recipientsOf(again.subject.en)).toEqual([good.email, fixed].map((e) => e.toLowerCase()).sort());
  });

  it("marks a linked contact invalid on a bounce of its user's address, and valid again when the user's email changes", async () => {
    const customer = await tenant(p.admin, p.partnerId);
    const login = unique('bouncer');
    const user = await t.call(p.admin, 'POST', '/api/2/users', {
      tenant_id: customer.id,
      login,
      contact: { email: `${login}@example.test`, firstname: 'B', lastname: 'Ouncer' },
    });
    expect(user.status, JSON.stringify(user.body)).toBe(200);
    const linked = await t.call(p.admin, 'POST', '/api/2/contacts', {
      tenant_id: customer.id,
      user_id: user.body.id,
      types: ['technical'],
    });
    expect(linked.status, JSON.stringify(linked.body)).toBe(201);
    smtp.refuseAddress(`${login}@example.test`, 550);
    const created = await announce(p.admin, { scope_tenant_id: customer.id });
    expect(await finished(created.id, p.admin)).toMatchObject({ counts: { failed: 1, sent: 0 } });
    expect((await t.call(p.admin, 'GET', `/api/2/contacts/${linked.body.id}`)).body.validation_state).toBe('invalid');

    // Not activated yet: the new address applies at once, and starts out valid.
    const current = (await t.call(p.admin, 'GET', `/api/2/users/${user.body.id}`)).body;
    const put = await t.call(p.admin, 'PUT', `/api/2/users/${user.body.id}`, {
      version: current.version,
      contact: { email: address('bouncer-fixed') },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await t.call(p.admin, 'GET', `/api/2/contacts/${linked.body.id}`)).body.validation_state).toBe('valid');
  });

  it('does not blame a new address for a bounce of the old one', async () => {
    const customer = await tenant(p.admin, p.partnerId);
    const old = address('moving');
    const moving = await contact(p.admin, customer.id, ['billing'], { email: old });
    smtp.refuseAddress(old, 451);
    const created = await announce(p.admin, { category: 'billing', scope_tenant_id: customer.id });
    const deadline = Date.now() + 30_000;
    while (
      !(
        await t.db
          .selectFrom('deliveries')
          .select('last_error')
          .where('announcement_id', '=', created.id)
          .executeTakeFirst()
      )?.last_error
    ) {
      if (Date.now() > deadline) throw new Error('no temporary failure recorded');
      await sleep(10);
    }
    // While the old address is still being retried, an admin corrects it; then the old one bounces for good.
    const put = await t.call(p.admin, 'PUT', `/api/2/contacts/${moving.id}`, {
      version: moving.version,
      email: address('moved'),
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    smtp.refuseAddress(old, 550);
    expect(await finished(created.id, p.admin)).toMatchObject({ counts: { failed: 1, sent: 0 } });
    expect((await t.call(p.admin, 'GET', `/api/2/contacts/${moving.id}`)).body.validation_state).toBe('valid');
  });

  it('retries a temporary failure and records the attempts', async () => {
    const partner = await tenant(t.root, t.rootTenantId, 'partner');
    const reader = await contact(t.root, partner.id, ['billing']);
    smtp.refuseNext(451, 2);
    const created = await announce(t.root, { category: 'billing', scope_tenant_id: partner.id });
    expect(await finished(created.id)).toMatchObject({ counts: { sent: 1, failed: 0 } });
    const rows = (await t.call(t.root, 'GET', `/api/2/announcements/${created.id}/deliveries`)).body.items;
    expect(rows).toEqual([
      expect.objectContaining({ email: reader.email, status: 'sent', attempts: 3, last_error: null }),
    ]);
    expect(recipientsOf(created.subject.en)).toEqual([reader.email.toLowerCase()]);
  });

  it('pages deliveries', async () => {
    const partner = await tenant(t.root, t.rootTenantId, 'partner');
    const emails = [];
    for (let i = 0; i < 5; i++) emails.push((await contact(t.root, partner.id, ['technical'])).email);
    const created = await announce(t.root, { scope_tenant_id: partner.id });
    await finished(created.id);
    const seen: string[] = [];
    let after = '';
    for (let page = 0; page < 5; page++) {
      const res = await t.call(t.root, 'GET', `/api/2/announcements/${created.id}/deliveries?limit=2${after}`);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((d: { email: string }) => d.email));
      if (!res.body.paging.cursors.after) break;
      after = `&after=${res.body.paging.cursors.after}`;
    }
    expect(seen.sort()).toEqual(emails.sort());
  });

  it('finds deliveries by recipient: address text, any case, % and _ taken literally', async () => {
    const customer = await tenant(p.admin, p.partnerId);
    const emails = ['anna.rossi', 'anna_x', 'bob'].map(address);
    for (const email of emails) await contact(p.admin, customer.id, ['technical'], { email });
    const created = await announce(p.admin, { scope_tenant_id: customer.id });
    await finished(created.id, p.admin);
    const found = async (recipient: string) =>
      (
        await t.call(
          p.admin,
          'GET',
          `/api/2/announcements/${created.id}/deliveries?recipient=${encodeURIComponent(recipient)}`,
        )
      ).body.items
        .map((d: { email: string }) => d.email)
        .sort();
    expect(await found('ANNA')).toEqual([emails[0], emails[1]]);
    expect(await found('anna_')).toEqual([emails[1]]);
    expect(await found('%')).toEqual([]);
    expect(await found('bob')).toEqual([emails[2]]);
    expectError(
      await t.call(p.admin, 'GET', `/api/2/announcements/${created.id}/deliveries?recipient=`),
      400,
      'validation_failed',
      'recipient',
    );
  });

  it('is invisible to another partner (404), and a missing one is 404', async () => {
    await contact(p.admin, p.customerId, ['technical']);
    const created = await announce(p.admin, { scope_tenant_id: p.customerId });
    await finished(created.id, p.admin);
    for (const actor of [other.admin, other.client, other.customerAdmin]) {
      expectError(await t.call(actor, 'GET', `/api/2/announcements/${created.id}`), 404, 'not_found');
      expectError(await t.call(actor, 'GET', `/api/2/announcements/${created.id}/deliveries`), 404, 'not_found');
      expectError(
        await t.call(actor, 'GET', `/api/2/announcements/${created.id}/deliveries?status=failed`),
        404,
        'not_found',
      );
    }
    // Readable by the partner's read-only admin.
    expect((await t.call(p.readonly, 'GET', `/api/2/announcements/${created.id}`)).status).toBe(200);
    for (const foreign of [{}, { created_at: '2030-01-01T00:00:00Z', id: randomUUID() }]) {
      expectError(
        await t.call(p.admin, 'GET', `/api/2/announcements/${created.id}/deliveries?after=${cursor(foreign)}`),
        400,
        'validation_failed',
        'after',
      );
    }
    expectError(await t.call(t.root, 'GET', `/api/2/announcements/${randomUUID()}`), 404, 'not_found');
    expectError(await t.call(t.root, 'GET', '/api/2/announcements/not-a-uuid'), 400, 'validation_failed', 'id');
  });
});

describe('POST /contacts/{id}/send-test-message', () => {
  it('queues a short "[Test]" notice to the contact (202), in its language', async () => {
    const reader = await contact(p.admin, p.customerId, ['technical'], { email: address('tester') });
    const res = await t.call(p.admin, 'POST', `/api/2/contacts/${reader.id}/send-test-message`, { type: 'technical' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toEqual({ status: 'queued' });
    const customerName = (await t.call(p.admin, 'GET', `/api/2/tenants/${p.customerId}`)).body.name;
    const mail = await smtp.waitFor((m) => m.to.includes(reader.email) && m.subject.startsWith('[Test]'));
    expect(mail.subject).toBe('[Test] Technical notices reach you');
    expect(mail.text).toContain('This is a test message.');
    expect(mail.text).toContain(`You receive this notice as the Technical contact of: ${customerName}.`);

    const italian = await contact(p.client, p.customerId, ['billing'], { email: address('tester-it'), language: 'it' });
    expect(
      (await t.call(p.client, 'POST', `/api/2/contacts/${italian.id}/send-test-message`, { type: 'billing' })).status,
    ).toBe(202);
    const it = await smtp.waitFor((m) => m.to.includes(italian.email) && m.subject.startsWith('[Test]'));
    expect(it.subject).toBe('[Test] Gli avvisi Fatturazione ti raggiungono');
    expect(it.text).toContain('Ricevi questo avviso come contatto Fatturazione di: ');
  });

  it('refuses readers (403), outsiders (404) and a bad type (400)', async () => {
    const reader = await contact(p.admin, p.customerId, ['technical']);
    const url = `/api/2/contacts/${reader.id}/send-test-message`;
    expectError(await t.call(p.readonly, 'POST', url, { type: 'technical' }), 403, 1002);
    expectError(await t.call(other.admin, 'POST', url, { type: 'technical' }), 404, 'not_found');
    expectError(await t.call(other.client, 'POST', url, { type: 'technical' }), 404, 'not_found');
    expectError(await t.call(p.admin, 'POST', url, { type: 'marketing' }), 400, 'validation_failed', 'type');
    // It would say "as the Billing contact" to someone who is not one.
    expectError(await t.call(p.admin, 'POST', url, { type: 'billing' }), 400, 'validation_failed', 'type');
    expectError(await t.call(p.admin, 'POST', url, {}), 400, 'validation_failed', 'type');
    expectError(
      await t.call(p.admin, 'POST', url, { type: 'technical', to: 'x@example.test' }),
      400,
      'validation_failed',
      'to',
    );
    expectError(
      await t.call(p.admin, 'POST', `/api/2/contacts/${randomUUID()}/send-test-message`, { type: 'technical' }),
      404,
      'not_found',
    );
    await sleep(200);
    expect(smtp.received.filter((m) => m.to.includes(reader.email))).toEqual([]);
  });
});

describe('GET /contacts/{id}/deliveries', () => {
  it('lists the notices the contact got, newest first, paged, and hides them from other partners', async () => {
    const partner = await tenant(t.root, p.partnerId, 'partner');
    const reader = await contact(p.admin, partner.id, ['technical', 'billing']);
    const bystander = await contact(p.admin, partner.id, ['management']);
    const first = await announce(p.admin, { scope_tenant_id: partner.id, category: 'technical' });
    await finished(first.id, p.admin);
    const second = await announce(t.root, { scope_tenant_id: partner.id, category: 'billing' });
    await finished(second.id);
    const unrelated = await announce(p.admin, { scope_tenant_id: partner.id, category: 'management' });
    await finished(unrelated.id, p.admin);

    const res = await t.call(p.admin, 'GET', `/api/2/contacts/${reader.id}/deliveries`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items).toHaveLength(2);
    expect(res.body.items[0]).toMatchObject({
      announcement_id: second.id,
      category: 'billing',
      subject: second.subject.en,
      email: reader.email,
      status: 'sent',
      attempts: 1,
      last_error: null,
    });
    expect(res.body.items[1]).toMatchObject({
      announcement_id: first.id,
      category: 'technical',
      subject: first.subject.en,
      status: 'sent',
    });
    expect(Date.parse(res.body.items[0].sent_at)).not.toBeNaN();

    const page1 = await t.call(p.admin, 'GET', `/api/2/contacts/${reader.id}/deliveries?limit=1`);
    expect(page1.body.items.map((d: { announcement_id: string }) => d.announcement_id)).toEqual([second.id]);
    const page2 = await t.call(
      p.admin,
      'GET',
      `/api/2/contacts/${reader.id}/deliveries?limit=1&after=${page1.body.paging.cursors.after}`,
    );
    expect(page2.body.items.map((d: { announcement_id: string }) => d.announcement_id)).toEqual([first.id]);
    expect(page2.body.paging.cursors.after).toBeUndefined();

    const theirs = await t.call(p.admin, 'GET', `/api/2/contacts/${bystander.id}/deliveries`);
    expect(theirs.body.items.map((d: { announcement_id: string }) => d.announcement_id)).toEqual([unrelated.id]);

    expect((await t.call(p.readonly, 'GET', `/api/2/contacts/${reader.id}/deliveries`)).status).toBe(200);
    for (const actor of [other.admin, other.client, p.customerAdmin]) {
      expectError(await t.call(actor, 'GET', `/api/2/contacts/${reader.id}/deliveries`), 404, 'not_found');
    }
    for (const foreign of [{}, { afterId: randomUUID() }, 'bm9wZQ']) {
      const after = typeof foreign === 'string' ? foreign : cursor(foreign);
      expectError(
        await t.call(p.admin, 'GET', `/api/2/contacts/${reader.id}/deliveries?after=${after}`),
        400,
        'validation_failed',
        'after',
      );
    }
  });

  it('shows the subject as it was sent: in Italian to a person who read it in Italian, in English when the notice had no Italian', async () => {
    const customer = await tenant(p.admin, p.partnerId, 'customer', { language: 'it' });
    const reader = await contact(p.admin, customer.id, ['technical']);
    const subject = { en: unique('Maintenance'), it: unique('Manutenzione') };
    const italian = await announce(p.admin, {
      scope_tenant_id: customer.id,
      subject,
      body: { en: 'Short stop.', it: 'Breve fermo.' },
    });
    await finished(italian.id, p.admin);
    expect((await smtp.waitFor((m) => m.to.includes(reader.email) && m.subject === subject.it)).text).toContain(
      'Breve fermo.',
    );
    const halfItalian = await announce(p.admin, {
      scope_tenant_id: customer.id,
      subject: { en: unique('Only English body'), it: unique('Oggetto') },
      body: { en: 'English only.' },
    });
    await finished(halfItalian.id, p.admin);

    const history = await t.call(p.admin, 'GET', `/api/2/contacts/${reader.id}/deliveries`);
    expect(history.status, JSON.stringify(history.body)).toBe(200);
    expect(history.body.items.map((d: { subject: string }) => d.subject)).toEqual([halfItalian.subject.en, subject.it]);
  });
});

describe('without an SMTP server', () => {
  it('shows the expected recipients while enqueuing, then puts the notices into the built-in mailbox', async () => {
    const local = await startTestApp();
    try {
      const partner = (
        await local.call(local.root, 'POST', '/api/2/tenants', {
          name: 'Mailbox partner',
          parent_id: local.rootTenantId,
          kind: 'partner',
        })
      ).body;
      for (const email of ['one@example.test', 'two@example.test']) {
        const res = await local.call(local.root, 'POST', '/api/2/contacts', {
          tenant_id: partner.id,
          types: ['billing'],
          firstname: 'M',
          lastname: 'B',
          email,
        });
        expect(res.status).toBe(201);
      }
      // Paused: nothing is enqueued yet, and GET still tells how many it will reach.
      await local.announcementWorker.stop();
      const created = await local.call(
        local.root,
        'POST',
        '/api/2/announcements',
        notice({ category: 'billing', scope_tenant_id: partner.id }),
      );
      expect(created.status).toBe(202);
      expect(created.body).toMatchObject({
        status: 'enqueuing',
        recipients: 2,
        counts: { pending: 0, sent: 0, failed: 0, skipped: 0 },
      });
      expect((await local.call(local.root, 'GET', `/api/2/announcements/${created.body.id}`)).body).toMatchObject({
        status: 'enqueuing',
        recipients: 2,
      });

      local.announcementWorker.start();
      const deadline = Date.now() + 30_000;
      let done;
      while (
        (done = (await local.call(local.root, 'GET', `/api/2/announcements/${created.body.id}`)).body).status !== 'done'
      ) {
        if (Date.now() > deadline) throw new Error(`not done: ${JSON.stringify(done)}`);
        await sleep(25);
      }
      expect(done).toMatchObject({ recipients: 2, counts: { sent: 2, pending: 0, failed: 0 } });
      const mailbox = await local.call(local.root, 'GET', '/api/2/mailbox?limit=200');
      const notices = mailbox.body.items.filter((m: { subject: string }) => m.subject === created.body.subject.en);
      expect(notices.map((m: { to: string }) => m.to).sort()).toEqual(['one@example.test', 'two@example.test']);
      expect(notices[0].text).toContain('You receive this notice as the Billing contact of: Mailbox partner.');
    } finally {
      await local.close();
    }
  });
});
