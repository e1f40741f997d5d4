import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { setPassword } from '../setup/bootstrap.service.js';
import { addressKey } from './sign-in-throttle.js';
import {
  createPartnerWorld,
  form,
  ROOT_PASSWORD,
  startTestApp,
  type PartnerWorld,
  type TestApp,
} from '../../../test/support/test-app.js';

// Failed sign-ins are bounded per (login, address), per address, and per login from
// everywhere (10× the first); see sign-in-throttle.ts.

const passwordOf = (login: string) => `pw-${login}`;
const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

let lastOctet = 0;
/** A fresh caller address, so one test's counts never throttle another's. */
const freshIp = () => {
  lastOctet++;
  return `10.0.${lastOctet >> 8}.${lastOctet & 255}`;
};

interface From {
  ip?: string;
  forwardedFor?: string;
}

const headersOf = (from: From, extra: Record<string, string>) => ({
  ...extra,
  ...(from.forwardedFor ? { 'x-forwarded-for': from.forwardedFor } : {}),
});

/** POST /idp/token (password grant unless fields say otherwise), from an address. */
async function token(app: TestApp, fields: Record<string, string>, from: From = {}, authorization?: string) {
  const res = await app.app.inject({
    method: 'POST',
    url: '/api/2/idp/token',
    remoteAddress: from.ip,
    payload: form(fields),
    headers: headersOf(from, {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization ? { authorization } : {}),
    }),
  });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}

const signIn = (app: TestApp, login: string, password: string, from: From = {}) =>
  token(app, { grant_type: 'password', username: login, password }, from);
const wrong = (app: TestApp, login: string, from: From) => signIn(app, login, 'wrong', from);
const right = (app: TestApp, login: string, from: From) =>
  signIn(app, login, login === 'admin' ? ROOT_PASSWORD : passwordOf(login), from);

/** GET /users/me over HTTP Basic. */
async function basicCall(app: TestApp, login: string, password: string, from: From) {
  const res = await app.app.inject({
    method: 'GET',
    url: '/api/2/users/me',
    remoteAddress: from.ip,
    headers: headersOf(from, { authorization: basic(login, password) }),
  });
  return res.statusCode;
}

/** The console's sign-in. */
async function consoleSignIn(app: TestApp, login: string, password: string, from: From) {
  const res = await app.app.inject({
    method: 'POST',
    url: '/api/2/session',
    remoteAddress: from.ip,
    payload: JSON.stringify({ username: login, password }),
    headers: headersOf(from, { 'content-type': 'application/json' }),
  });
  return res.statusCode;
}

async function newUser(app: TestApp, tenantId: string, login: string) {
  const res = await app.call(app.root, 'POST', '/api/2/users', {
    tenant_id: tenantId,
    login,
    contact: { email: `${login}@example.test` },
  });
  expect(res.status).toBe(200);
  await setPassword(app.db, login, passwordOf(login));
}

describe('with the default limit (5 per login and address)', () => {
  let t: TestApp;
  let p: PartnerWorld;
  beforeAll(async () => {
    t = await startTestApp();
    p = await createPartnerWorld(t, 'Throttle');
  });
  afterAll(() => t?.close());

  it('one address cannot lock a person out from another: admin signs in from B while A is refused', async () => {
    expect(t.config.authFailureLimit).toBe(5);
    const a = { ip: freshIp() };
    const b = { ip: freshIp() };
    // Far past the per-login bound (50): refused guesses count against nothing.
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await wrong(t, 'admin', a)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(new Set(statuses.slice(5))).toEqual(new Set([429]));

    const blocked = await right(t, 'admin', a);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('too_many_requests');
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= t.config.authFailureWindowSeconds).toBe(
      true,
    );
    expect(await basicCall(t, 'admin', ROOT_PASSWORD, a)).toBe(429);
    expect(await consoleSignIn(t, 'admin', ROOT_PASSWORD, a)).toBe(429);

    expect((await right(t, 'admin', b)).status).toBe(200);
    expect(await basicCall(t, 'admin', ROOT_PASSWORD, b)).toBe(200);
    expect(await consoleSignIn(t, 'admin', ROOT_PASSWORD, b)).toBe(200);
  });

  it('holds the per-address limit for one login against concurrent guesses', async () => {
    const login = 'throttle-burst';
    await newUser(t, p.partnerId, login);
    const from = { ip: freshIp() };
    const statuses = (await Promise.all(Array.from({ length: 20 }, () => wrong(t, login, from)))).map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    expect((await right(t, login, from)).status).toBe(429);
    expect((await right(t, login, { ip: freshIp() })).status).toBe(200);
  });

  it('counts failures over Basic on API calls as well', async () => {
    const login = 'throttle-basic';
    await newUser(t, p.partnerId, login);
    const from = { ip: freshIp() };
    for (let i = 0; i < 5; i++) expect(await basicCall(t, login, 'wrong', from)).toBe(401);
    expect((await right(t, login, from)).status).toBe(429);
  });

  it('a success before the limit resets the count of that login and address', async () => {
    const login = 'throttle-forgetful';
    await newUser(t, p.partnerId, login);
    const from = { ip: freshIp() };
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) expect((await wrong(t, login, from)).status).toBe(401);
      expect((await right(t, login, from)).status).toBe(200);
    }
  });

  it('lets the login in again once the window has passed', async () => {
    const login = 'throttle-patient';
    await newUser(t, p.partnerId, login);
    const from = { ip: freshIp() };
    for (let i = 0; i < 5; i++) await wrong(t, login, from);
    expect((await right(t, login, from)).status).toBe(429);
    // Move the windows into the past rather than sleeping through 15 minutes.
    await t.db
      .updateTable('auth_failures')
      .set({ window_started_at: sql<Date>`now() - make_interval(secs => ${t.config.authFailureWindowSeconds + 1})` })
      .where((eb) => eb.or([eb('key', 'like', `%${login}%`), eb('key', '=', `ip:${from.ip}`)]))
      .execute();
    expect((await right(t, login, from)).status).toBe(200);
  });

  it('throttles client credentials per client and address', async () => {
    const created = await t.call(p.admin, 'POST', '/api/2/clients', {
      type: 'api_client',
      tenant_id: p.partnerId,
      data: { client_name: 'throttled' },
    });
    expect(created.status).toBe(201);
    const { client_id: id, client_secret: secret } = created.body;
    const issued = await token(t, { grant_type: 'client_credentials' }, {}, basic(id, secret));
    expect(issued.status).toBe(200);
    const from = { ip: freshIp() };
    for (let i = 0; i < 5; i++)
      expect(
        (await token(t, { grant_type: 'client_credentials', client_id: id, client_secret: 'wrong' }, from)).status,
      ).toBe(401);
    const blocked = await token(t, { grant_type: 'client_credentials' }, from, basic(id, secret));
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await token(t, { grant_type: 'client_credentials' }, { ip: freshIp() }, basic(id, secret))).status).toBe(
      200,
    );
    // Its existing tokens keep working: throttling guards sign-in, not use.
    const bearer = { name: 'throttled', authorization: `Bearer ${issued.body.access_token}` };
    expect((await t.call(bearer, 'GET', `/api/2/tenants/${p.partnerId}`)).status).toBe(200);
  });

  it('counts an IPv6 caller by its /64', async () => {
    const login = 'throttle-v6';
    await newUser(t, p.partnerId, login);
    for (let i = 1; i <= 5; i++) expect((await wrong(t, login, { ip: `2001:db8:0:7::${i}` })).status).toBe(401);
    expect((await right(t, login, { ip: '2001:db8:0:7:ffff::1' })).status).toBe(429);
    expect((await right(t, login, { ip: '2001:db8:0:8::1' })).status).toBe(200);
  });
});

describe('with LIAISON_AUTH_FAILURE_LIMIT=2 (8 per address, 20 per login)', () => {
  let s: TestApp;
  beforeAll(async () => {
    s = await startTestApp({ authFailureLimit: 2 });
  });
  afterAll(() => s?.close());

  it('bounds a login from everywhere at 10× the limit, also against concurrent guesses', async () => {
    const login = 'global-target';
    await newUser(s, s.rootTenantId, login);
    const statuses = (await Promise.all(Array.from({ length: 25 }, () => wrong(s, login, { ip: freshIp() })))).map(
      (a) => a.status,
    );
    expect(statuses.filter((x) => x === 401)).toHaveLength(20);
    expect(statuses.filter((x) => x === 429)).toHaveLength(5);
    expect((await right(s, login, { ip: freshIp() })).status).toBe(429);
    // Another login is not affected.
    expect((await right(s, 'admin', { ip: freshIp() })).status).toBe(200);
  });

  it('blocks an address after 4× the limit spread over many logins, but not other addresses', async () => {
    const login = 'spray-target';
    await newUser(s, s.rootTenantId, login);
    const from = { ip: freshIp() };
    // One failure per login never reaches a login's bound; the address's count does.
    for (let i = 0; i < 7; i++) expect((await wrong(s, `sprayed-${i}`, from)).status).toBe(401);
    // A right answer is taken back from the address's count.
    expect((await right(s, login, from)).status).toBe(200);
    expect((await wrong(s, 'sprayed-7', from)).status).toBe(401);
    const blocked = await right(s, login, from);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await right(s, login, { ip: freshIp() })).status).toBe(200);
  });

  it('ignores X-Forwarded-For without LIAISON_TRUST_PROXY: every caller behind a proxy is the proxy', async () => {
    const login = 'behind-untrusted-proxy';
    await newUser(s, s.rootTenantId, login);
    const proxy = freshIp();
    for (let i = 0; i < 2; i++)
      expect((await wrong(s, login, { ip: proxy, forwardedFor: '203.0.113.1' })).status).toBe(401);
    expect((await right(s, login, { ip: proxy, forwardedFor: '203.0.113.2' })).status).toBe(429);
  });
});

describe('with LIAISON_TRUST_PROXY=10.8.0.0/16 (the load balancers)', () => {
  let x: TestApp;
  beforeAll(async () => {
    x = await startTestApp({ authFailureLimit: 2, trustProxy: ['10.8.0.0/16'] });
  });
  afterAll(() => x?.close());

  it("counts the caller named by a trusted proxy's X-Forwarded-For", async () => {
    const login = 'behind-trusted-proxy';
    await newUser(x, x.rootTenantId, login);
    const attacker = { ip: '10.8.0.1', forwardedFor: '203.0.113.1' };
    for (let i = 0; i < 2; i++) expect((await wrong(x, login, attacker)).status).toBe(401);
    expect((await right(x, login, attacker)).status).toBe(429);
    // The same balancer, another caller.
    expect((await right(x, login, { ip: '10.8.0.1', forwardedFor: '203.0.113.2' })).status).toBe(200);
    // The header a client sent is not believed: only the hop the balancer appended counts.
    expect((await right(x, login, { ip: '10.8.0.2', forwardedFor: '198.51.100.9, 203.0.113.1' })).status).toBe(429);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const login = 'spoofing-caller';
    await newUser(x, x.rootTenantId, login);
    const peer = '192.0.2.7';
    for (let i = 0; i < 2; i++)
      expect((await wrong(x, login, { ip: peer, forwardedFor: `203.0.113.${50 + i}` })).status).toBe(401);
    expect((await right(x, login, { ip: peer, forwardedFor: '203.0.113.99' })).status).toBe(429);
  });
});

describe('addressKey', () => {
  it('keeps IPv4, unwraps IPv4-mapped IPv6, and reduces IPv6 to its /64', () => {
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('2001:DB8:0:0:ffff::2')).toBe('2001:db8:0:0::/64');
    expect(addressKey('2001:db8:0:1::1')).toBe('2001:db8:0:1::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('unknown')).toBe('unknown');
  });
});
