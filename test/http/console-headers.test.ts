import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';
import { consoleDir } from '../../src/platform/http/console.js';

/** The console pages (and the link pages above all: their URLs carry one-time tokens) and the API's answers. */
const haveConsole = fs.existsSync(path.join(consoleDir, 'index.html'));
const page = (t: TestApp, url: string) => t.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
const directives = (csp: unknown) =>
  new Map(
    String(csp)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name, values.join(' ')]),
  );

describe('security headers', () => {
  let t: TestApp;
  let https: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    https = await startTestApp({ publicUrl: 'https://liaison.example' });
  });
  afterAll(async () => {
    await t?.close();
    await https?.close();
  });

  it.runIf(haveConsole)(
    'console pages send a strict CSP, no framing, no referrer, nosniff; no HSTS over http',
    async () => {
      for (const url of [
        '/confirm-email?token=one-time-token',
        '/activate?token=one-time-token',
        '/sign-in',
        '/my-company',
        '/',
      ]) {
        const res = await page(t, url);
        expect(res.statusCode, url).toBe(200);
        expect(res.headers['content-type'], url).toContain('text/html');
        const csp = directives(res.headers['content-security-policy']);
        expect(csp.get('default-src'), url).toBe("'self'");
        expect(csp.get('script-src'), url).toBe("'self'");
        expect(csp.get('frame-ancestors'), url).toBe("'none'");
        expect(csp.get('object-src'), url).toBe("'none'");
        expect(csp.get('base-uri'), url).toBe("'none'");
        expect(csp.get('style-src'), url).toBe("'self'");
        expect(csp.has('upgrade-insecure-requests'), url).toBe(false);
        expect(res.headers['x-frame-options'], url).toBe('DENY');
        expect(res.headers['referrer-policy'], url).toBe('no-referrer');
        expect(res.headers['x-content-type-options'], url).toBe('nosniff');
        expect(res.headers['strict-transport-security'], url).toBeUndefined();
      }
    },
  );

  it.runIf(haveConsole)(
    'the console ships a favicon, and its bundle has no inline script the CSP would block',
    async () => {
      const ico = await t.app.inject({ method: 'GET', url: '/favicon.ico' });
      expect(ico.statusCode).toBe(200);
      expect(ico.rawPayload.readUInt16LE(2)).toBe(1); // an icon resource
      expect((await t.app.inject({ method: 'GET', url: '/favicon.svg' })).statusCode).toBe(200);
      const html = (await page(t, '/sign-in')).body;
      expect(html).toMatch(/<link rel="icon" href="\/favicon\.svg"/);
      expect(html.match(/<script\b[^>]*>/g)?.every((tag) => / src="\/assets\//.test(tag))).toBe(true);
      expect(html).not.toMatch(/<style\b|\sstyle="/);
    },
  );

  it('API answers carry them too, and the API docs get a policy that lets them work', async () => {
    const api = await t.call(t.root, 'GET', '/api/2/users/me');
    expect(api.status).toBe(200);
    expect(api.headers['x-content-type-options']).toBe('nosniff');
    expect(directives(api.headers['content-security-policy']).get('frame-ancestors')).toBe("'none'");

    const docs = await t.app.inject({ method: 'GET', url: '/api/2/docs/' });
    expect(docs.statusCode).toBe(200);
    const csp = directives(docs.headers['content-security-policy']);
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(csp.get('style-src')).toContain("'unsafe-inline'");
    expect(csp.get('img-src')).toContain('data:');
    expect(docs.body.match(/<script\b[^>]*>/g)?.every((tag) => / src="/.test(tag))).toBe(true);
  });

  it('over https: HSTS, upgrade of insecure requests, and a Secure session cookie', async () => {
    const api = await https.call(https.root, 'GET', '/api/2/users/me');
    expect(api.headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
    expect(directives(api.headers['content-security-policy']).has('upgrade-insecure-requests')).toBe(true);
    const signIn = await https.app.inject({
      method: 'POST',
      url: '/api/2/session',
      payload: { username: 'admin', password: ROOT_PASSWORD },
    });
    expect(signIn.statusCode).toBe(200);
    expect(String(signIn.headers['set-cookie'])).toMatch(/liaison_session=.*;\s*Secure/i);
    const plain = await t.app.inject({
      method: 'POST',
      url: '/api/2/session',
      payload: { username: 'admin', password: ROOT_PASSWORD },
    });
    expect(String(plain.headers['set-cookie'])).not.toMatch(/Secure/i);
  });
});
