import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.js';
import { buildApp } from '../../app.js';
import { sha256 } from '../../platform/secrets.js';
import { ensureRoot, setPassword } from '../setup/bootstrap.service.js';
import {
  createPartnerWorld,
  form,
  startTestApp,
  type PartnerWorld,
  type TestApp,
} from '../../../test/support/test-app.js';
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
const freshIp = () => {
  lastOctet++;
  return `10.0.${lastOctet >> 8}.${lastOctet & 255}`;
};

interface TokenCall {
  authorization?: string;
  ip?: string;
  json?: boolean;
  contentType?: string;
}

/** POST /idp/token over the HTTP stack, form-encoded unless asked otherwise. */
async function token(app: TestApp, fields: Record<string, string>, opts: TokenCall = {}) {
  const res = await app.app.inject({
    method: 'POST',
    url: '/api/2/idp/token',
    remoteAddress: opts.ip,
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
  const res = await app.app.inject({
    method: 'GET',
    url: '/api/2/users/me',
    remoteAddress: ip,
    headers: authorization ? { authorization } : {},
  });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}

/** A user with a password and no role, created the way an admin would. */
async function newUser(app: TestApp, tenantId: string, login: string) {
  const res = await app.call(app.root, 'POST', '/api/2/users', {
    tenant_id: tenantId,
    login,
    contact: { email: `${login}@example.test` },
  });
  expect(res.status).toBe(200);
  await setPassword(app.db, login, passwordOf(login));
  return res.body.id as string;
}

describe('POST /idp/token with grant_type=password', () => {
  it('answers a bearer token that expires in the future and works on API calls', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await token(t, {
      grant_type: 'password',
      username: p.admin.login,
      password: passwordOf(p.admin.login),
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 3600,
      expires_on: expect.any(Number),
    });
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
    const stored = await t.db
      .selectFrom('access_tokens')
      .selectAll()
      .where('token_hash', '=', sha256(res.body.access_token))
      .execute();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(await t.db.selectFrom('access_tokens').selectAll().execute())).not.toContain(
      res.body.access_token,
    );
  });

  it('treats the login case-insensitively', async () => {
    const res = await token(t, {
      grant_type: 'password',
      username: p.admin.login.toUpperCase(),
      password: passwordOf(p.admin.login),
    });
    expect(res.status).toBe(200);
    expect((await me(t, `Bearer ${res.body.access_token}`)).body.id).toBe(p.admin.userId);
  });

  it('answers a wrong password and an unknown login with the same 401 (code 1033)', async () => {
    const ip = freshIp();
    const wrong = await token(
      t,
      { grant_type: 'password', username: p.admin.login, password: 'not-the-password' },
      { ip },
    );
    const unknown = await token(
      t,
      { grant_type: 'password', username: 'nobody-here', password: 'not-the-password' },
      { ip },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({
      code: 1033,
      domain: 'auth',
      details: { info: null },
      context: {},
      data: [],
    });
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
    const res = await token(t, {
      grant_type: 'password',
      username: p.admin.login,
      password: passwordOf(p.admin.login),
      audience: 'liaison',
      scope: 'openid',
    });
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('bearer');
  });

  it('accepts a JSON body as well as the established form encoding, with the same rules', async () => {
    const ok = await token(
      t,
      { grant_type: 'password', username: p.admin.login, password: passwordOf(p.admin.login) },
      { json: true },
    );
    expect(ok.status).toBe(200);
    expect((await me(t, `Bearer ${ok.body.access_token}`)).body.id).toBe(p.admin.userId);
    const wrong = await token(
      t,
      { grant_type: 'password', username: p.admin.login, password: 'nope' },
      { json: true, ip: freshIp() },
    );
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
    expect(
      (await t.call(t.root, 'PUT', `/api/2/users/${id}`, { version: user.body.version, enabled: false })).status,
    ).toBe(200);

    const res = await token(t, { grant_type: 'password', username: login, password: passwordOf(login) });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe(1018);
    expect((await me(t, actor.authorization)).status).toBe(401);
    expect((await me(t, basic(login, passwordOf(login)))).status).toBe(401);
  });
});

describe("a token's principal is read on every call", () => {
  it('a removed role stops opening its tenants from the next call with the same token', async () => {
    const login = 'auth-role-removed';
    const id = await newUser(t, p.partnerId, login);
    const policies = `/api/2/users/${id}/access_policies`;
    const grant = { items: [{ tenant_id: p.partnerId, role_id: 'partner_admin' }] };
    expect((await t.call(t.root, 'PUT', policies, grant)).status).toBe(200);
    const actor = await t.tokenFor(login, passwordOf(login));
    expect((await t.call(actor, 'GET', `/api/2/tenants/${p.customerId}`)).status).toBe(200);

    expect((await t.call(t.root, 'PUT', policies, { items: [] })).status).toBe(200);
    expect((await t.call(actor, 'GET', `/api/2/tenants/${p.customerId}`)).status).toBe(404);
    expect((await me(t, actor.authorization)).status).toBe(200);
  });
});

describe('POST /idp/token with grant_type=client_credentials', () => {
  const bearerWorks = async (accessToken: string) => {
    const res = await t.call(
      { name: 'client', authorization: `Bearer ${accessToken}` },
      'GET',
      `/api/2/tenants/${p.partnerId}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(p.partnerId);
  };

  it('issues a token for HTTP Basic client_id:client_secret', async () => {
    const res = await token(
      t,
      { grant_type: 'client_credentials' },
      { authorization: basic(p.client.clientId, p.client.secret) },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    expect(res.body.expires_on).toBeGreaterThan(Date.now() / 1000);
    await bearerWorks(res.body.access_token);
  });

  it('issues a token for client_secret_post (credentials in the form)', async () => {
    const res = await token(t, {
      grant_type: 'client_credentials',
      client_id: p.client.clientId,
      client_secret: p.client.secret,
    });
    expect(res.status).toBe(200);
    await bearerWorks(res.body.access_token);
  });

  it('answers 401 invalid_client for a wrong secret, an unknown client or a malformed id, alike', async () => {
    const ip = freshIp();
    const answers = [
      await token(
        t,
        { grant_type: 'client_credentials' },
        { ip, authorization: basic(p.client.clientId, 'wrong-secret') },
      ),
      await token(
        t,
        { grant_type: 'client_credentials', client_id: p.client.clientId, client_secret: 'wrong-secret' },
        { ip },
      ),
      await token(
        t,
        {
          grant_type: 'client_credentials',
          client_id: '00000000-0000-4000-8000-000000000000',
          client_secret: p.client.secret,
        },
        { ip },
      ),
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

  it('answers a NUL in a Basic login or client id with 401, not a database error', async () => {
    const user = await me(t, basic('ad\u0000min', 'x'), freshIp());
    expect(user.status).toBe(401);
    expect(user.body.error.code).toBe(1033);
    const client = await token(
      t,
      { grant_type: 'client_credentials' },
      { ip: freshIp(), authorization: basic(`${p.client.clientId}\u0000`, p.client.secret) },
    );
    expect(client.status).toBe(401);
    expect(client.body.error.code).toBe('invalid_client');
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
    const res = await token(t, {
      grant_type: 'password',
      username: p.admin.login,
      password: passwordOf(p.admin.login),
    });
    const bearer = `Bearer ${res.body.access_token}`;
    expect((await me(t, bearer)).status).toBe(200);
    await t.db
      .updateTable('access_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('token_hash', '=', sha256(res.body.access_token))
      .execute();
    const expired = await me(t, bearer);
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('unauthorized');
  });
});

describe('a disabled tenant (or ancestor) locks its users and clients out', () => {
  let d: PartnerWorld;
  beforeAll(async () => {
    d = await createPartnerWorld(t, 'Locked');
  });

  const setEnabled = async (tenantId: string, enabled: boolean) => {
    const current = await t.call(t.root, 'GET', `/api/2/tenants/${tenantId}`);
    const res = await t.call(t.root, 'PUT', `/api/2/tenants/${tenantId}`, { version: current.body.version, enabled });
    expect(res.status).toBe(200);
  };
  const login = (l: string) =>
    token(t, { grant_type: 'password', username: l, password: passwordOf(l) }, { ip: '10.1.0.1' });
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
    const clientGrant = await token(
      t,
      { grant_type: 'client_credentials' },
      { ip: '10.1.0.1', authorization: basic(d.client.clientId, d.client.secret) },
    );
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

// Throttling of failed sign-ins: throttle.test.ts.

describe('logs', () => {
  it('carry a request id on every line and never a password, secret, token or Basic header', async () => {
    const lines: string[] = [];
    const database = await createTestDatabase();
    const adminPassword = 'log-test-root-password-7f3a';
    await ensureRoot(database.db, { adminPassword });
    const app = await buildApp({
      db: database.db,
      config: { ...loadConfig({}), logLevel: 'info' },
      logStream: {
        write: (line: string) => {
          lines.push(line);
        },
      },
    });
    try {
      const post = (payload: Record<string, string>, headers: Record<string, string> = {}) =>
        app.inject({
          method: 'POST',
          url: '/api/2/idp/token',
          payload: form(payload),
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        });
      const userToken = (await post({ grant_type: 'password', username: 'admin', password: adminPassword })).json()
        .access_token as string;
      const wrongPassword = 'wrong-password-that-must-not-be-logged';
      expect((await post({ grant_type: 'password', username: 'admin', password: wrongPassword })).statusCode).toBe(401);

      const rootId = (
        await app.inject({ method: 'GET', url: '/api/2/users/me', headers: { authorization: `Bearer ${userToken}` } })
      ).json().tenant_id;
      const created = await app.inject({
        method: 'POST',
        url: '/api/2/clients',
        headers: { authorization: `Bearer ${userToken}` },
        payload: { type: 'api_client', tenant_id: rootId, data: { client_name: 'log test' } },
      });
      expect(created.statusCode).toBe(201);
      const { client_id: clientId, client_secret: clientSecret } = created.json();
      const basicClient = basic(clientId, clientSecret);
      const clientToken = (await post({ grant_type: 'client_credentials' }, { authorization: basicClient })).json()
        .access_token as string;
      expect(
        (await post({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret })).statusCode,
      ).toBe(200);

      const basicUser = basic('admin', adminPassword);
      expect(
        (await app.inject({ method: 'GET', url: '/api/2/users/me', headers: { authorization: basicUser } })).statusCode,
      ).toBe(200);
      expect(
        (
          await app.inject({
            method: 'GET',
            url: `/api/2/tenants/${rootId}`,
            headers: { authorization: `Bearer ${clientToken}` },
          })
        ).statusCode,
      ).toBe(200);
      // Credentials in a query string (as some scripts send them) are redacted from the URL.
      await app.inject({
        method: 'GET',
        url: `/api/2/users/me?access_token=${userToken}&password=${adminPassword}`,
        headers: { authorization: `Bearer ${userToken}`, 'x-request-id': 'trace-42' },
      });
      await new Promise((resolve) => setImmediate(resolve));

      const text = lines.join('');
      expect(text).toContain('/api/2/idp/token');
      expect(text).toContain('/api/2/users/me?access_token=[redacted]&password=[redacted]');
      for (const secret of [
        adminPassword,
        wrongPassword,
        clientSecret,
        userToken,
        clientToken,
        basicUser.slice(6),
        basicClient.slice(6),
      ]) {
        expect(text).not.toContain(secret);
      }
      // Nine requests, each logged once, when it is answered (with its method and URL).
      expect(lines.filter((l) => JSON.parse(l).msg === 'request completed').length).toBeGreaterThanOrEqual(9);
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
