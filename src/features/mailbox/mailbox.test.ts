import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPassword } from '../setup/bootstrap.service.js';
import {
  createPartnerWorld,
  form,
  startTestApp,
  type Actor,
  type PartnerWorld,
  type TestApp,
} from '../../../test/support/test-app.js';
import { expectError } from '../../../test/support/expect-error.js';

// Without SMTP_URL the worker keeps every message in the built-in mailbox, which the
// platform operator reads through GET /api/2/mailbox.

let t: TestApp;
let p: PartnerWorld;
beforeAll(async () => {
  t = await startTestApp();
  p = await createPartnerWorld(t, 'Mailbox');
});
afterAll(() => t?.close());

let seq = 0;

/** A signed-in user of the root tenant holding one role there. */
async function rootUser(role: string): Promise<Actor> {
  const login = `mailbox-root-${role}-${++seq}`;
  const user = await t.call(t.root, 'POST', '/api/2/users', {
    tenant_id: t.rootTenantId,
    login,
    contact: { email: `${login}@example.test` },
  });
  expect(user.status).toBe(200);
  expect(
    (
      await t.call(t.root, 'PUT', `/api/2/users/${user.body.id}/access_policies`, {
        items: [{ tenant_id: t.rootTenantId, role_id: role }],
      })
    ).status,
  ).toBe(200);
  await setPassword(t.db, login, `pw-${login}`);
  return t.tokenFor(login, `pw-${login}`);
}

const mailbox = (actor: Actor | undefined, query = '') => t.call(actor, 'GET', `/api/2/mailbox${query}`);

/** Polls the mailbox until a message to `to` shows up (the worker stores it shortly after commit). */
async function messageTo(to: string) {
  for (let i = 0; i < 200; i++) {
    const res = await mailbox(t.root, '?limit=200');
    const found = res.body.items?.find((m: any) => m.to === to);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no message to ${to} in the mailbox`);
}

/** A new user of the customer, sent its activation mail: one message per call, each in its own transaction. */
async function activationFor(language?: string) {
  const login = `mailbox-${++seq}`;
  const email = `${login}@example.test`;
  const user = await t.call(p.admin, 'POST', '/api/2/users', {
    tenant_id: p.customerId,
    login,
    contact: { email, firstname: 'Box', ...(language ? { language } : {}) },
  });
  expect(user.status).toBe(200);
  expect((await t.call(p.admin, 'POST', `/api/2/users/${user.body.id}/send-activation-email`)).status).toBe(204);
  return { id: user.body.id as string, login, email, message: await messageTo(email) };
}

describe('GET /mailbox', () => {
  it('shows a message sent without SMTP, whose link completes the flow', async () => {
    const a = await activationFor('it');
    expect(a.message).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      kind: 'activation',
      to: a.email,
      subject: 'Attiva il tuo account',
      text: expect.stringContaining('http://liaison.test/activate?token='),
      html: expect.stringContaining('<a href="http://liaison.test/activate?token='),
      created_at: expect.any(String),
    });
    const row = await t.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('id', '=', a.message.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'sent', transport: 'mailbox', attempts: 1 });

    const token = decodeURIComponent(/\/activate\?token=([A-Za-z0-9_%-]+)/.exec(a.message.text)![1]);
    const done = await t.call(undefined, 'POST', '/api/2/users/activate', { token, password: 'from the mailbox' });
    expect(done.status).toBe(200);
    expect((await t.call(await t.tokenFor(a.login, 'from the mailbox'), 'GET', '/api/2/users/me')).body.id).toBe(a.id);
  });

  it('lists newest first and pages with a cursor, without repeats or gaps', async () => {
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await activationFor());
    const all = await mailbox(t.root, '?limit=200');
    expect(all.status).toBe(200);
    const order = all.body.items.map((m: any) => m.to);
    const positions = sent.map((s) => order.indexOf(s.email));
    expect(positions.every((pos) => pos >= 0)).toBe(true);
    expect([...positions].sort((x, y) => y - x)).toEqual(positions);
    const times = all.body.items.map((m: any) => Date.parse(m.created_at));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    expect(all.body.items[0].to).toBe(sent[4].email);

    const seen: string[] = [];
    let query = '?limit=2';
    let pages = 0;
    for (;;) {
      const page = await mailbox(t.root, query);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((m: any) => m.id));
      pages += 1;
      const after = page.body.paging?.cursors?.after;
      if (!after) break;
      query = `?limit=2&after=${encodeURIComponent(after)}`;
    }
    expect(seen).toEqual(all.body.items.map((m: any) => m.id));
    expect(seen.length).toBeGreaterThanOrEqual(6);
    expect(pages).toBe(Math.ceil(seen.length / 2));
  });

  it('pages through messages written within one millisecond (microsecond timestamps) without losing any', async () => {
    const base = '2030-01-01 00:00:00.123';
    for (let i = 0; i < 6; i++) {
      await sql`INSERT INTO mail_outbox (kind, to_address, subject, text_body, html_body, status, transport, created_at)
        VALUES ('probe', ${`same-ms-${i}@example.test`}, 'probe', 'x', 'x', 'sent', 'mailbox', ${`${base}${i}00+00`}::timestamptz)`.execute(
        t.db,
      );
    }
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const res = await t.call(t.root, 'GET', `/api/2/mailbox?limit=1${after ? `&after=${after}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((m: { to: string }) => m.to).filter((to: string) => to.startsWith('same-ms-')));
      after = res.body.paging.cursors.after;
    } while (after && seen.length < 6);
    expect(seen).toEqual([5, 4, 3, 2, 1, 0].map((i) => `same-ms-${i}@example.test`));
  });

  it('is for the platform operator only: 403 1002 to partner, customer and readonly admins and API clients, 401 without credentials', async () => {
    await activationFor();
    for (const actor of [p.admin, p.customerAdmin, p.readonly, p.client]) expectError(await mailbox(actor), 403, 1002);
    expectError(await mailbox(undefined), 401, 'unauthorized');
  });

  // It holds live activation links: whoever reads one can become its recipient.
  it('is for root administrators who may write only: a read-only root admin, a root user and a root API client get 403 1002', async () => {
    const a = await activationFor();
    const rootWriter = await rootUser('partner_admin');
    const page = await mailbox(rootWriter, '?limit=200');
    expect(page.status).toBe(200);
    expect(page.body.items.map((m: any) => m.id)).toContain(a.message.id);

    const client = await t.call(t.root, 'POST', '/api/2/clients', {
      type: 'api_client',
      tenant_id: t.rootTenantId,
      data: { client_name: 'root script' },
    });
    expect(client.status).toBe(201);
    const grant = await t.app.inject({
      method: 'POST',
      url: '/api/2/idp/token',
      payload: form({
        grant_type: 'client_credentials',
        client_id: client.body.client_id,
        client_secret: client.body.client_secret,
      }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(grant.statusCode).toBe(200);
    const rootClient = { name: 'root client', authorization: `Bearer ${grant.json().access_token}` };
    // The client may otherwise act at the root: the refusal is the mailbox's, not a missing scope.
    expect((await t.call(rootClient, 'GET', `/api/2/tenants/${t.rootTenantId}`)).status).toBe(200);

    for (const actor of [await rootUser('readonly_admin'), await rootUser('user'), rootClient]) {
      const res = await mailbox(actor, '?limit=200');
      expectError(res, 403, 1002);
      expect(JSON.stringify(res.body)).not.toContain('token=');
    }
  });

  it('validates its query', async () => {
    expectError(await mailbox(t.root, '?limit=0'), 400, 'validation_failed', 'limit');
    expectError(await mailbox(t.root, '?limit=201'), 400, 'validation_failed', 'limit');
    expectError(await mailbox(t.root, '?folder=inbox'), 400, 'validation_failed', 'folder');
    expectError(await mailbox(t.root, '?after=not-a-cursor'), 400, 'validation_failed', 'after');
  });
});
