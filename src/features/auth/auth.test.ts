import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { loadConfig } from '../../platform/config.js';
import { buildApp } from '../../platform/http/app.js';
import { sha256 } from '../../platform/secrets.js';
import { ensureRoot, setPassword } from '../setup/bootstrap.service.js';
import { createPartnerWorld, form, ROOT_PASSWORD, startTestApp, type PartnerWorld, type TestApp } from '../../../test/support/test-app.js';
import { createTestDatabase } from '../../../test/support/test-database.js';

let t: TestApp;
let p: PartnerWorld;
beforeAll(async () => {
  t = await startTestApp();
  p = await createPartnerWorld(t, 'Auth');
});
afterAll(() => t?.close());

const passwordOf = (login: string) => `pw-${login}`;
const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

// Every test that fails sign-ins does so from its own address, so the per-address counter
// of one test never throttles another.
let lastOctet = 0;
const freshIp = () => { lastOctet++; return `10.0.${lastOctet >> 8}.${lastOctet & 255}`; };

interface TokenCall { authorization?: string; ip?: string; json?: boolean; contentType?: string }

/** POST /idp/token over the HTTP stack, form-encoded unless asked otherwise. */
async function token(app: TestApp, fields: Record<string, string>, opts: TokenCall = {}) {
  const res = await app.app.inject({
    method: 'POST', url: '/api/2/idp/token', remoteAddress: opts.ip,
    headers: {
      'content-type': opts.contentType ?? (opts.json ? 'application/json' : 'application/x-www-form-urlencoded'),
      ...(opts.authorization ? { authorization: opts.authorization } : {}),
    },
    payload: opts.json ? JSON.stringify(fields) : form(fields),
  });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}

/** GET /users/me with an Authorization header from a given address. */
async function me(app: TestApp, authorization: string | undefined, ip?: string) {
  const res = await app.app.inject({ method: 'GET', url: '/api/2/users/me', remoteAddress: ip, headers: authorization ? { authorization } : {} });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}

/** A user with a password and no role, created the way an admin would. */
async function newUser(app: TestApp, tenantId: string, login: string) {
  const res = await app.call(app.root, 'POST', '/api/2/users', { tenant_id: tenantId, login, contact: { email: `${login}@example.test` } });
  expect(res.status).toBe(200);
  await setPassword(app.db, login, passwordOf(login));
  return res.body.id as string;
}

describe('POST /idp/token with grant_type=password', () => {
  it('answers a bearer token that expires in the future and works on API calls', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await token(t, { grant_type: 'password', username: p.admin.login, password: passwordOf(p.admin.login) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 3600, expires_on: expect.any(Number) });
    expect(res.body.access_token.length).toBeGreaterThanOrEqual(40);
    expect(Number.isInteger(res.body.expires_on)).toBe(true);
    expect(res.body.expires_on).toBeGreaterThanOrEqual(before + 3600 - 1);
    expect(res.body.expires_on).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 3600);
    // RFC 6749 §5.1: token answers must not be cached by browsers or proxies.
    expect(res.headers['cache-control']).toBe('no-store');

    const self = await me(t, `Bearer ${res.body.access_token}`);
    expect(self.status).toBe(200);
    expect(self.body.id).toBe(p.admin.userId);
    // Only the hash of the token is stored.
    const stored = await t.db.selectFrom('access_tokens').selectAll().where('token_hash', '=', sha256(res.body.access_token)).execute();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(await t.db.selectFrom('access_tokens').selectAll().execute())).not.toContain(res.body.access_token);
  });

  it('treats the login case-insensitively', async () => {
    const res = await token(t, { grant_type: 'password', username: p.admin.login.toUpperCase(), password: passwordOf(p.admin.login) });
    expect(res.status).toBe(200);
    expect((await me(t, `Bearer ${res.body.access_token}`)).body.id).toBe(p.admin.userId);
  });

  it('answers a wrong password and an unknown login with the same 401 (code 1033)', async () => {
    const ip = freshIp();
    const wrong = await token(t, { grant_type: 'password', username: p.admin.login, password: 'not-the-password' }, { ip });
    const unknown = await token(t, { grant_type: 'password', username: 'nobody-here', password: 'not-the-password' }, { ip });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({ code: 1033, domain: 'auth', details: { info: null }, context: {}, data: [] });
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.body).toEqual(wrong.body);
    expect(unknown.headers['www-authenticate']).toBe(wrong.headers['www-authenticate']);
    expect(JSON.stringify(unknown.body)).not.toContain('nobody-here');
  });

  it('refuses a missing username or password with 400 naming the field', async () => {
    const noUser = await token(t, { grant_type: 'password', password: 'x' });
    expect(noUser.status).toBe(400);
    expect(noUser.body.error).toMatchObject({ code: 'validation_failed', details: { info: 'username' } });
    const emptyUser = await token(t, { grant_type: 'password', username: '', password: 'x' });
    expect(emptyUser.status).toBe(400);
    expect(emptyUser.body.error.details.info).toBe('username');
    const noPassword = await token(t, { grant_type: 'password', username: p.admin.login });
    expect(noPassword.status).toBe(400);
    expect(noPassword.body.error).toMatchObject({ code: 'validation_failed', details: { info: 'password' } });
    // RFC 6749 §3.2: a parameter without a value counts as omitted.
    const emptyPassword = await token(t, { grant_type: 'password', username: p.admin.login, password: '' });
    expect(emptyPassword.status).toBe(400);
    expect(emptyPassword.body.error.details.info).toBe('password');
  });

  it('refuses a missing or unsupported grant_type with 400', async () => {
    const none = await token(t, { username: p.admin.login, password: passwordOf(p.admin.login) });
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe('validation_failed');
    expect(none.body.error.details.info).toBe('grant_type');
    const other = await token(t, { grant_type: 'authorization_code', code: 'abc' });
    expect(other.status).toBe(400);
    expect(other.body.error).toMatchObject({ code: 'unsupported_grant_type', details: { info: 'grant_type' } });
  });

  it('ignores request parameters it does not know (RFC 6749 §3.2)', async () => {
    const res = await token(t, { grant_type: 'password', username: p.admin.login, password: passwordOf(p.admin.login), audience: 'liaison', scope: 'openid' });
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('bearer');
  });

  it('accepts a JSON body as well as the established form encoding, with the same rules', async () => {
    const ok = await token(t, { grant_type: 'password', username: p.admin.login, password: passwordOf(p.admin.login) }, { json: true });
    expect(ok.status).toBe(200);
    expect((await me(t, `Bearer ${ok.body.access_token}`)).body.id).toBe(p.admin.userId);
    const wrong = await token(t, { grant_type: 'password', username: p.admin.login, password: 'nope' }, { json: true, ip: freshIp() });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe(1033);
  });

  it('answers 415 to a body of a media type it cannot read', async () => {
    const res = await token(t, { grant_type: 'password' }, { contentType: 'application/xml' });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  it('refuses a disabled user with 401 (code 1018), and its tokens stop working', async () => {
    const login = 'auth-disabled-user';
    const id = await newUser(t, p.partnerId, login);
    const actor = await t.tokenFor(login, passwordOf(login));
    expect((await me(t, actor.authorization)).status).toBe(200);
    const user = await t.call(t.root, 'GET', `/api/2/users/${id}`);
    expect((await t.call(t.root, 'PUT', `/api/2/users/${id}`, { version: user.body.version, enabled: false })).status).toBe(200);

    const res = await token(t, { grant_type: 'password', username: login, password: passwordOf(login) });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe(1018);
    expect((await me(t, actor.authorization)).status).toBe(401);
    expect((await me(t, basic(login, passwordOf(login)))).status).toBe(401);
  });
});

describe('POST /idp/token with grant_type=client_credentials', () => {
  const bearerWorks = async (accessToken: string) => {
    const res = await t.call({ name: 'client', authorization: `Bearer ${accessToken}` }, 'GET', `/api/2/tenants/${p.partnerId}`);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(p.partnerId);
  };

  it('issues a token for HTTP Basic client_id:client_secret', async () => {
    const res = await token(t, { grant_type: 'client_credentials' }, { authorization: basic(p.client.clientId, p.client.secret) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    expect(res.body.expires_on).toBeGreaterThan(Date.now() / 1000);
    await bearerWorks(res.body.access_token);
  });

  it('issues a token for client_secret_post (credentials in the form)', async () => {
    const res = await token(t, { grant_type: 'client_credentials', client_id: p.client.clientId, client_secret: p.client.secret });
    expect(res.status).toBe(200);
    await bearerWorks(res.body.access_token);
  });

  it('answers 401 invalid_client for a wrong secret, an unknown client or a malformed id, alike', async () => {
    const ip = freshIp();
    const answers = [
      await token(t, { grant_type: 'client_credentials' }, { ip, authorization: basic(p.client.clientId, 'wrong-secret') }),
      await token(t, { grant_type: 'client_credentials', client_id: p.client.clientId, client_secret: 'wrong-secret' }, { ip }),
      await token(t, { grant_type: 'client_credentials', client_id: '00000000-0000-4000-8000-000000000000', client_secret: p.client.secret }, { ip }),
      await token(t, { grant_type: 'client_credentials', client_id: 'not-a-uuid', client_secret: 'x' }, { ip }),
    ];
    for (const res of answers) {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_client');
      expect(res.body).toEqual(answers[0].body);
    }
  });

  it('refuses a client grant without any client credentials with 400 naming client_id', async () => {
    const res = await token(t, { grant_type: 'client_credentials' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', details: { info: 'client_id' } });
  });
});

describe('Authorization on API calls', () => {
  it('accepts HTTP Basic login:password', async () => {
    const res = await me(t, basic(p.admin.login, passwordOf(p.admin.login)));
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(p.admin.userId);
  });

  it('refuses a wrong Basic password or unknown Basic login with 401 code 1033', async () => {
    const ip = freshIp();
    const wrong = await me(t, basic(p.admin.login, 'wrong'), ip);
    const unknown = await me(t, basic('who-is-this', 'wrong'), ip);
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe(1033);
    expect(unknown.body).toEqual(wrong.body);
    const malformed = await me(t, `Basic ${Buffer.from('no-colon-here').toString('base64')}`, ip);
    expect(malformed.status).toBe(401);
    expect(malformed.body.error.code).toBe('unauthorized');
  });

  it('refuses a bogus bearer token with 401 and a challenge', async () => {
    const res = await me(t, 'Bearer this-is-not-a-token');
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'unauthorized', domain: 'auth' });
    expect(String(res.headers['www-authenticate'])).toContain('Bearer');
  });

  it('refuses a call without Authorization with 401 and WWW-Authenticate', async () => {
    const res = await me(t, undefined);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(String(res.headers['www-authenticate'])).toMatch(/Bearer realm=/);
    const other = await me(t, 'Digest username="admin"');
    expect(other.status).toBe(401);
    expect(other.body.error.code).toBe('unauthorized');
  });

  it('refuses an expired token', async () => {
    const res = await token(t, { grant_type: 'password', username: p.admin.login, password: passwordOf(p.admin.login) });
    const bearer = `Bearer ${res.body.access_token}`;
    expect((await me(t, bearer)).status).toBe(200);
    await t.db.updateTable('access_tokens').set({ expires_at: new Date(Date.now() - 1000) })
      .where('token_hash', '=', sha256(res.body.access_token)).execute();
    const expired = await me(t, bearer);
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('unauthorized');
  });
});

describe('a disabled tenant (or ancestor) locks its users and clients out', () => {
  let d: PartnerWorld;
  beforeAll(async () => { d = await createPartnerWorld(t, 'Locked'); });

  const setEnabled = async (tenantId: string, enabled: boolean) => {
    const current = await t.call(t.root, 'GET', `/api/2/tenants/${tenantId}`);
    const res = await t.call(t.root, 'PUT', `/api/2/tenants/${tenantId}`, { version: current.body.version, enabled });
    expect(res.status).toBe(200);
  };
  const login = (l: string) => token(t, { grant_type: 'password', username: l, password: passwordOf(l) }, { ip: '10.1.0.1' });
  const customerLogin = () => d.customerAdmin.name;

  it('refuses tokens and existing tokens below a disabled ancestor, and lets them back in once enabled', async () => {
    await setEnabled(d.partnerId, false);
    // The customer admin's own tenant is enabled: only its ancestor is not.
    const denied = await login(customerLogin());
    expect(denied.status).toBe(401);
    expect(denied.body.error.code).toBe(1033);
    expect((await me(t, d.customerAdmin.authorization)).status).toBe(401);
    expect((await me(t, basic(customerLogin(), passwordOf(customerLogin())), '10.1.0.1')).status).toBe(401);
    expect((await login(d.admin.login)).status).toBe(401);
    expect((await me(t, d.admin.authorization)).status).toBe(401);
    const clientGrant = await token(t, { grant_type: 'client_credentials' }, { ip: '10.1.0.1', authorization: basic(d.client.clientId, d.client.secret) });
    expect(clientGrant.status).toBe(401);
    expect(clientGrant.body.error.code).toBe('invalid_client');
    expect((await t.call(d.client, 'GET', `/api/2/tenants/${d.partnerId}`)).status).toBe(401);

    await setEnabled(d.partnerId, true);
    expect((await login(customerLogin())).status).toBe(200);
    expect((await me(t, d.customerAdmin.authorization)).status).toBe(200);
    expect((await t.call(d.client, 'GET', `/api/2/tenants/${d.partnerId}`)).status).toBe(200);
  });

  it('disabling the customer locks out its admin but not the partner above it', async () => {
    await setEnabled(d.customerId, false);
    expect((await login(customerLogin())).status).toBe(401);
    expect((await me(t, d.customerAdmin.authorization)).status).toBe(401);
    expect((await login(d.admin.login)).status).toBe(200);
    expect((await me(t, d.admin.authorization)).status).toBe(200);
    await setEnabled(d.customerId, true);
  });
});

describe('throttling failed sign-ins', () => {
  const wrongPassword = (login: string, ip: string) => token(t, { grant_type: 'password', username: login, password: 'wrong' }, { ip });
  const rightPassword = (login: string, ip: string) => token(t, { grant_type: 'password', username: login, password: passwordOf(login) }, { ip });

  it('after 5 failures for one login answers 429 with Retry-After, even to the right password', async () => {
    const login = 'throttle-victim';
    await newUser(t, p.partnerId, login);
    const other = 'throttle-bystander';
    await newUser(t, p.partnerId, other);
    const ip = freshIp();
    for (let i = 0; i < t.config.authFailureLimit; i++) expect((await wrongPassword(login, ip)).status).toBe(401);
    expect(t.config.authFailureLimit).toBe(5);

    const blocked = await rightPassword(login, ip);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('too_many_requests');
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(t.config.authFailureWindowSeconds);
    // From anywhere, and over Basic too: the counter is the login's.
    expect((await rightPassword(login, freshIp())).status).toBe(429);
    expect((await me(t, basic(login, passwordOf(login)), freshIp())).status).toBe(429);

    // Another login is not affected, from the same address (below 4× the limit) or another.
    expect((await rightPassword(other, ip)).status).toBe(200);
    expect((await rightPassword(other, freshIp())).status).toBe(200);
  });

  it('holds the limit against concurrent guesses', async () => {
    const login = 'throttle-burst';
    await newUser(t, p.partnerId, login);
    const limit = t.config.authFailureLimit;
    // Each guess from its own address: only the login's counter can stop them.
    const answers = await Promise.all(Array.from({ length: limit * 4 }, () => wrongPassword(login, freshIp())));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(limit);
    expect(statuses.filter((s) => s === 429)).toHaveLength(limit * 3);
    expect((await rightPassword(login, freshIp())).status).toBe(429);
  });

  it('counts failures over Basic on API calls as well', async () => {
    const login = 'throttle-basic';
    await newUser(t, p.partnerId, login);
    const ip = freshIp();
    for (let i = 0; i < t.config.authFailureLimit; i++) expect((await me(t, basic(login, 'wrong'), ip)).status).toBe(401);
    expect((await rightPassword(login, freshIp())).status).toBe(429);
  });

  it('a success before the limit resets the login\'s counter', async () => {
    const login = 'throttle-forgetful';
    await newUser(t, p.partnerId, login);
    const ip = freshIp();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < t.config.authFailureLimit - 1; i++) expect((await wrongPassword(login, ip)).status).toBe(401);
      expect((await rightPassword(login, ip)).status).toBe(200);
    }
  });

  it('lets the login in again once the window has passed', async () => {
    const login = 'throttle-patient';
    await newUser(t, p.partnerId, login);
    const ip = freshIp();
    for (let i = 0; i < t.config.authFailureLimit; i++) await wrongPassword(login, ip);
    expect((await rightPassword(login, ip)).status).toBe(429);
    // Move the window into the past rather than sleeping through 15 minutes.
    await t.db.updateTable('auth_failures')
      .set({ window_started_at: sql<Date>`now() - make_interval(secs => ${t.config.authFailureWindowSeconds + 1})` })
      .where('key', 'in', [`login:${login}`, `ip:${ip}`]).execute();
    expect((await rightPassword(login, ip)).status).toBe(200);
  });

  it('throttles client credentials per client', async () => {
    const created = await t.call(p.admin, 'POST', '/api/2/clients', { type: 'api_client', tenant_id: p.partnerId, data: { client_name: 'throttled' } });
    expect(created.status).toBe(201);
    const { client_id: id, client_secret: secret } = created.body;
    const issued = await token(t, { grant_type: 'client_credentials' }, { authorization: basic(id, secret) });
    expect(issued.status).toBe(200);
    const ip = freshIp();
    for (let i = 0; i < t.config.authFailureLimit; i++) {
      const res = await token(t, { grant_type: 'client_credentials', client_id: id, client_secret: 'wrong' }, { ip });
      expect(res.status).toBe(401);
    }
    const blocked = await token(t, { grant_type: 'client_credentials' }, { ip: freshIp(), authorization: basic(id, secret) });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Its existing tokens keep working: throttling guards sign-in, not use.
    const bearer = { name: 'throttled', authorization: `Bearer ${issued.body.access_token}` };
    expect((await t.call(bearer, 'GET', `/api/2/tenants/${p.partnerId}`)).status).toBe(200);
  });

  describe('per address, with LIAISON_AUTH_FAILURE_LIMIT=2 (so 8 per address)', () => {
    let s: TestApp;
    beforeAll(async () => { s = await startTestApp({ authFailureLimit: 2 }); });
    afterAll(() => s?.close());

    it('honours the configured per-login limit', async () => {
      const ip = '10.2.0.1';
      for (let i = 0; i < 2; i++) expect((await token(s, { grant_type: 'password', username: 'admin', password: 'wrong' }, { ip })).status).toBe(401);
      expect((await token(s, { grant_type: 'password', username: 'admin', password: ROOT_PASSWORD }, { ip: '10.2.0.2' })).status).toBe(429);
      await s.db.deleteFrom('auth_failures').execute();
    });

    it('blocks an address after 4× the limit spread over many logins, but not other addresses', async () => {
      const login = 'spray-target';
      await newUser(s, s.rootTenantId, login);
      const ip = '10.2.1.1';
      // One failure per login never reaches the per-login limit; the address's count does.
      for (let i = 0; i < 7; i++) {
        expect((await token(s, { grant_type: 'password', username: `sprayed-${i}`, password: 'guess' }, { ip })).status).toBe(401);
      }
      expect((await token(s, { grant_type: 'password', username: login, password: passwordOf(login) }, { ip })).status).toBe(200);
      expect((await token(s, { grant_type: 'password', username: 'sprayed-7', password: 'guess' }, { ip })).status).toBe(401);

      const blocked = await token(s, { grant_type: 'password', username: login, password: passwordOf(login) }, { ip });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect((await token(s, { grant_type: 'password', username: login, password: passwordOf(login) }, { ip: '10.2.1.2' })).status).toBe(200);
    });
  });
});

describe('logs', () => {
  it('carry a request id on every line and never a password, secret, token or Basic header', async () => {
    const lines: string[] = [];
    const database = await createTestDatabase();
    const adminPassword = 'log-test-root-password-7f3a';
    await ensureRoot(database.db, { adminPassword });
    const app = await buildApp({ db: database.db, config: { ...loadConfig({}), logLevel: 'info' }, logStream: { write: (line: string) => { lines.push(line); } } });
    try {
      const post = (payload: Record<string, string>, headers: Record<string, string> = {}) => app.inject({
        method: 'POST', url: '/api/2/idp/token', payload: form(payload),
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      });
      const userToken = (await post({ grant_type: 'password', username: 'admin', password: adminPassword })).json().access_token as string;
      const wrongPassword = 'wrong-password-that-must-not-be-logged';
      expect((await post({ grant_type: 'password', username: 'admin', password: wrongPassword })).statusCode).toBe(401);

      const rootId = (await app.inject({ method: 'GET', url: '/api/2/users/me', headers: { authorization: `Bearer ${userToken}` } })).json().tenant_id;
      const created = await app.inject({
        method: 'POST', url: '/api/2/clients', headers: { authorization: `Bearer ${userToken}` },
        payload: { type: 'api_client', tenant_id: rootId, data: { client_name: 'log test' } },
      });
      expect(created.statusCode).toBe(201);
      const { client_id: clientId, client_secret: clientSecret } = created.json();
      const basicClient = basic(clientId, clientSecret);
      const clientToken = (await post({ grant_type: 'client_credentials' }, { authorization: basicClient })).json().access_token as string;
      expect((await post({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret })).statusCode).toBe(200);

      const basicUser = basic('admin', adminPassword);
      expect((await app.inject({ method: 'GET', url: '/api/2/users/me', headers: { authorization: basicUser } })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: `/api/2/tenants/${rootId}`, headers: { authorization: `Bearer ${clientToken}` } })).statusCode).toBe(200);
      // Credentials in a query string (as some scripts send them) are redacted from the URL.
      await app.inject({ method: 'GET', url: `/api/2/users/me?access_token=${userToken}&password=${adminPassword}`, headers: { authorization: `Bearer ${userToken}`, 'x-request-id': 'trace-42' } });
      await new Promise((resolve) => setImmediate(resolve));

      const text = lines.join('');
      expect(text).toContain('/api/2/idp/token');
      expect(text).toContain('/api/2/users/me?access_token=[redacted]&password=[redacted]');
      for (const secret of [adminPassword, wrongPassword, clientSecret, userToken, clientToken, basicUser.slice(6), basicClient.slice(6)]) {
        expect(text).not.toContain(secret);
      }
      // Nine requests, each logged when it arrives and when it is answered.
      expect(lines.length).toBeGreaterThanOrEqual(18);
      for (const line of lines) {
        const entry = JSON.parse(line);
        expect(typeof entry.reqId === 'string' && entry.reqId.length > 0, line).toBe(true);
      }
      expect(lines.some((l) => JSON.parse(l).reqId === 'trace-42')).toBe(true);
    } finally {
      await app.close();
      await database.close();
    }
  });
});
