import { createConfig, lintFromString } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** The API document is what SDKs are generated from: it lints clean and its names are stable. */

let t: TestApp;
let document: any;
beforeAll(async () => {
  t = await startTestApp();
  const res = await t.call(undefined, 'GET', '/api/2/openapi.json');
  expect(res.status).toBe(200);
  document = res.body;
});
afterAll(() => t?.close());

function operations(): { method: string; path: string; operation: any }[] {
  return Object.entries<any>(document.paths).flatMap(([path, item]) =>
    Object.entries<any>(item).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
}

describe('the OpenAPI document', () => {
  it("passes redocly's recommended rules with no error and no warning", async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: 'openapi.json', config });
    const seen = problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`);
    expect(seen).toEqual([]);
  });

  it('names the server this Liaison answers on', () => {
    expect(document.servers).toEqual([{ url: t.config.publicUrl }]);
  });

  it('gives every operation a unique, stable id', () => {
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(
      ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id)),
      ids.join(', '),
    ).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const idOf = (method: string, path: string) =>
      operations().find((o) => o.method === method && o.path === path)?.operation.operationId;
    // SDK method names: renaming any of these breaks generated clients.
    expect({
      list: idOf('GET', '/api/2/contacts'),
      get: idOf('GET', '/api/2/contacts/{id}'),
      create: idOf('POST', '/api/2/contacts'),
      update: idOf('PUT', '/api/2/contacts/{id}'),
      remove: idOf('DELETE', '/api/2/contacts/{id}'),
      nested: idOf('GET', '/api/2/tenants/{id}/users'),
      replace: idOf('PUT', '/api/2/users/{id}/access_policies'),
      action: idOf('POST', '/api/2/users/{id}/send-activation-email'),
      me: idOf('GET', '/api/2/users/me'),
      token: idOf('POST', '/api/2/idp/token'),
    }).toEqual({
      list: 'listContacts',
      get: 'getContact',
      create: 'createContact',
      update: 'updateContact',
      remove: 'deleteContact',
      nested: 'listTenantUsers',
      replace: 'replaceUserAccessPolicies',
      action: 'sendUserActivationEmail',
      me: 'getCurrentUser',
      token: 'createToken',
    });
  });

  it('documents the routes anyone may call as public, and only those', async () => {
    const publicOnes = operations()
      .filter(({ operation }) => Array.isArray(operation.security) && operation.security.length === 0)
      .map(({ method, path }) => `${method} ${path}`)
      .sort();
    expect(publicOnes).toEqual([
      'GET /api/2/attestations/{token}',
      'GET /api/2/unsubscribe/{token}',
      'POST /api/2/attestations',
      'POST /api/2/email-confirmations',
      'POST /api/2/idp/token',
      'POST /api/2/session',
      'POST /api/2/unsubscribe/{token}',
      'POST /api/2/users/activate',
    ]);
    // What the document says public answers without credentials: never 401.
    for (const path of [
      '/api/2/idp/token',
      '/api/2/session',
      '/api/2/email-confirmations',
      '/api/2/users/activate',
      '/api/2/attestations',
    ]) {
      const res = await t.call(undefined, 'POST', path, {});
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).not.toBe(401);
    }
    expect(document.security).toEqual([{ bearer: [] }, { basic: [] }]);
  });
});
