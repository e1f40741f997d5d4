import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPartnerWorld,
  form,
  ROOT_PASSWORD,
  startTestApp,
  type Actor,
  type TestApp,
} from '../../../test/support/test-app.js';
import { expectError } from '../../../test/support/expect-error.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const signIn = (payload: string, contentType = 'application/json') =>
  t.app.inject({ method: 'POST', url: '/api/2/session', payload, headers: { 'content-type': contentType } });

describe('the console session', () => {
  it('signs in with JSON into an httpOnly SameSite=Strict cookie and answers the CSRF token', async () => {
    const res = await signIn(JSON.stringify({ username: 'admin', password: ROOT_PASSWORD }));
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^liaison_session=[\w-]+;/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toMatchObject({
      csrf_token: expect.stringMatching(/^[0-9a-f]{64}$/),
      user: { login: 'admin', tenant_kind: 'root' },
    });
  });

  it('refuses a form-encoded sign-in (415): a cross-site form cannot sign a browser in', async () => {
    const res = await signIn(form({ username: 'admin', password: ROOT_PASSWORD }), 'application/x-www-form-urlencoded');
    expect(res.statusCode).toBe(415);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a wrong password without a cookie', async () => {
    const res = await signIn(JSON.stringify({ username: 'admin', password: 'wrong' }));
    expect(res.statusCode).toBe(401);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('reads with the cookie alone, writes only with the CSRF token, and signs out', async () => {
    const login = await signIn(JSON.stringify({ username: 'admin', password: ROOT_PASSWORD }));
    const session = /liaison_session=([\w-]+)/.exec(String(login.headers['set-cookie']))![1];
    const csrf = login.json().csrf_token as string;
    const cookie = `liaison_session=${session}`;
    const call = (
      method: 'GET' | 'POST' | 'DELETE',
      url: string,
      headers: Record<string, string> = {},
      payload?: unknown,
    ) =>
      t.app.inject({
        method,
        url,
        headers: { cookie, ...headers },
        ...(payload ? { payload: payload as object } : {}),
      });

    const me = await call('GET', '/api/2/session');
    expect(me.statusCode).toBe(200);
    expect(me.json().csrf_token).toBe(csrf);

    const body = { name: 'Made in the console', parent_id: t.rootTenantId, kind: 'partner' };
    const noToken = await call('POST', '/api/2/tenants', {}, body);
    expectError({ status: noToken.statusCode, body: noToken.json(), headers: noToken.headers }, 403, 'forbidden');
    const wrongToken = await call('POST', '/api/2/tenants', { 'x-csrf-token': '0'.repeat(64) }, body);
    expect(wrongToken.statusCode).toBe(403);
    expect((await call('POST', '/api/2/tenants', { 'x-csrf-token': csrf }, body)).statusCode).toBe(201);

    expect((await call('DELETE', '/api/2/session')).statusCode).toBe(403);
    expect((await call('DELETE', '/api/2/session', { 'x-csrf-token': csrf })).statusCode).toBe(204);
    expect((await call('GET', '/api/2/session')).statusCode).toBe(401);
  });
});

describe('DELETE /session signs out the credential that made the call', () => {
  const answer = async (actor: Actor, method: 'GET' | 'DELETE', url: string) => t.call(actor, method, url);

  it("revokes a bearer token of a user: it is refused afterwards, the user's other tokens are not", async () => {
    const token = await t.tokenFor('admin', ROOT_PASSWORD);
    const other = await t.tokenFor('admin', ROOT_PASSWORD);
    expect((await answer(token, 'GET', '/api/2/users/me')).status).toBe(200);
    const out = await answer(token, 'DELETE', '/api/2/session');
    expect(out.status).toBe(204);
    expectError(await answer(token, 'GET', '/api/2/users/me'), 401, 'unauthorized');
    expectError(await answer(token, 'DELETE', '/api/2/session'), 401, 'unauthorized');
    expect((await answer(other, 'GET', '/api/2/users/me')).status).toBe(200);
  });

  it("revokes an API client's bearer token", async () => {
    const p = await createPartnerWorld(t, 'Signout');
    expect((await answer(p.client, 'GET', `/api/2/tenants/${p.partnerId}`)).status).toBe(200);
    expect((await answer(p.client, 'DELETE', '/api/2/session')).status).toBe(204);
    expectError(await answer(p.client, 'GET', `/api/2/tenants/${p.partnerId}`), 401, 'unauthorized');
  });

  it('says that HTTP Basic has nothing to revoke (400 not_revocable) rather than pretending to sign out', async () => {
    const basic = { name: 'basic', authorization: `Basic ${Buffer.from(`admin:${ROOT_PASSWORD}`).toString('base64')}` };
    const res = await answer(basic, 'DELETE', '/api/2/session');
    expectError(res, 400, 'not_revocable');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect((await answer(basic, 'GET', '/api/2/users/me')).status).toBe(200);
  });
});
