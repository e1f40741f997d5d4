import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { createPartnerWorld, startTestApp, type Answer, type PartnerWorld, type TestApp } from '../support/test-app.js';

/** The API-wide conventions every route shares: health, OpenAPI, errors, request ids, coercion. */

let t: TestApp;
let p: PartnerWorld;
beforeAll(async () => {
  t = await startTestApp();
  p = await createPartnerWorld(t, 'Conv');
});
afterAll(() => t?.close());

/** inject with raw control over headers and payload (content types, request ids). */
async function raw(options: InjectOptions): Promise<Answer> {
  const res = await t.app.inject(options);
  const json = String(res.headers['content-type'] ?? '').includes('json') && res.body;
  return { status: res.statusCode, body: json ? JSON.parse(res.body) : res.body, headers: res.headers };
}

const errorKeys = ['code', 'context', 'data', 'details', 'domain', 'message'];

/** The one error shape: {"error": {code, domain, message, details: {info}, context, data}} and nothing else. */
function expectErrorShape(res: Answer, status: number, code: number | string) {
  const seen = `${res.status} ${JSON.stringify(res.body)}`;
  expect(res.status, seen).toBe(status);
  expect(String(res.headers['content-type']), seen).toMatch(/^application\/json/);
  expect(Object.keys(res.body), seen).toEqual(['error']);
  const error = res.body.error;
  expect(Object.keys(error).sort(), seen).toEqual(errorKeys);
  expect(error.code, seen).toBe(code);
  expect(error.domain === null || typeof error.domain === 'string', seen).toBe(true);
  expect(typeof error.message === 'string' && error.message.length > 0, seen).toBe(true);
  expect(Object.keys(error.details), seen).toEqual(['info']);
  expect(error.details.info === null || typeof error.details.info === 'string', seen).toBe(true);
  expect(error.context !== null && typeof error.context === 'object' && !Array.isArray(error.context), seen).toBe(true);
  expect(Array.isArray(error.data), seen).toBe(true);
  expect(res.headers['x-request-id'], seen).toEqual(expect.any(String));
}

/** Every route as Fastify registered it, read off `printRoutes()` (a tree of path segments). */
function registeredRoutes(app: FastifyInstance): { method: string; url: string }[] {
  const routes: { method: string; url: string }[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    stack.length = match[1].length / 4;
    stack.push(match[2]);
    for (const method of match[3]?.split(', ') ?? []) routes.push({ method, url: stack.join('') });
  }
  return routes;
}

describe('GET /healthz', () => {
  it('answers 200 {"status":"ok"} without credentials', async () => {
    const res = await t.call(undefined, 'GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});

describe('OpenAPI document and docs', () => {
  let doc: any;
  let apiRoutes: { method: string; url: string }[];
  beforeAll(async () => {
    const res = await t.call(undefined, 'GET', '/api/2/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
    apiRoutes = registeredRoutes(t.app)
      .filter((r) => r.url.startsWith('/api/2/') && r.method !== 'HEAD')
      .filter((r) => r.url !== '/api/2/openapi.json' && !r.url.startsWith('/api/2/docs'));
  });

  const operations = () =>
    Object.entries<any>(doc.paths).flatMap(([path, item]) =>
      Object.entries<any>(item)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, op]) => ({ path, method, op })),
    );
  const resolve = (schema: any): any => (schema?.$ref ? doc.components.schemas[schema.$ref.split('/').pop()] : schema);

  it('is served without credentials as an OpenAPI 3 document', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
  });

  it('lists every registered /api/2 route, and nothing that is not one', () => {
    // Sanity: the route listing parsed into real routes, so a missing path would show.
    expect(apiRoutes).toEqual(
      expect.arrayContaining([
        { method: 'GET', url: '/api/2/tenants/:id/children' },
        { method: 'POST', url: '/api/2/idp/token' },
      ]),
    );
    expect(apiRoutes.length).toBeGreaterThanOrEqual(20);
    const documented = operations()
      .map((o) => `${o.method.toUpperCase()} ${o.path}`)
      .sort();
    const registered = apiRoutes.map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`).sort();
    expect(documented).toEqual([...new Set(registered)]);
  });

  it('gives every operation its request and response schemas', () => {
    for (const { path, method, op } of operations()) {
      const where = `${method.toUpperCase()} ${path}`;
      const success = Object.keys(op.responses).filter((s) => /^2\d\d$/.test(s));
      // A notice is accepted for sending (202); saved as a draft, it is created (201).
      if (where === 'POST /api/2/announcements') expect(success, where).toEqual(['201', '202']);
      else expect(success, where).toHaveLength(1);
      if (success[0] !== '204') {
        const content = Object.values<any>(op.responses[success[0]].content ?? {});
        expect(content.length, `${where}: ${success[0]} answer has no schema`).toBeGreaterThan(0);
        // A file (the contact export: a CSV or a JSON array) is not an object.
        if (path !== '/api/2/tenants/{id}/contacts/export')
          expect(resolve(content[0].schema)?.type, where).toBe('object');
      }
      // Action routes (send this mail again) take no body; everything else that writes does.
      const bodyless = ['/api/2/users/{id}/send-activation-email', '/api/2/contacts/{id}/pending-email/resend'];
      // The contact import takes a file (text/csv or a JSON array), read by its own parser; its summary says so.
      const files = ['/api/2/contact-imports'];
      if ((method === 'post' || method === 'put') && !bodyless.includes(path) && !files.includes(path)) {
        const content = Object.values<any>(op.requestBody?.content ?? {});
        expect(content.length, `${where}: no request body schema`).toBeGreaterThan(0);
        expect(resolve(content[0].schema)?.type, where).toBe('object');
      }
      for (const name of path.match(/\{(\w+)\}/g) ?? []) {
        expect(
          op.parameters?.some((param: any) => param.in === 'path' && `{${param.name}}` === name),
          `${where}: ${name} undocumented`,
        ).toBe(true);
      }
      const errors = Object.entries<any>(op.responses).filter(([s]) => /^4\d\d$/.test(s));
      expect(errors.length, `${where}: no error answers documented`).toBeGreaterThan(0);
      for (const [status, answer] of errors) {
        const schema = resolve(Object.values<any>(answer.content)[0].schema);
        expect(schema.properties.error.required, `${where} ${status}`).toEqual([
          'code',
          'domain',
          'message',
          'details',
          'context',
          'data',
        ]);
      }
    }
  });

  it('bounds every string a client can send (maxLength, or a fixed set of values)', () => {
    const unbounded: string[] = [];
    const walk = (schema: any, at: string): void => {
      schema = resolve(schema);
      if (!schema || typeof schema !== 'object') return;
      for (const key of ['anyOf', 'oneOf', 'allOf'] as const)
        schema[key]?.forEach((s: any, i: number) => walk(s, `${at}[${key} ${i}]`));
      if (
        schema.type === 'string' &&
        schema.maxLength === undefined &&
        schema.enum === undefined &&
        schema.const === undefined
      )
        unbounded.push(at);
      if (schema.type === 'array') walk(schema.items, `${at}[]`);
      for (const [name, property] of Object.entries<any>(schema.properties ?? {})) walk(property, `${at}.${name}`);
    };
    for (const { path, method, op } of operations()) {
      const where = `${method.toUpperCase()} ${path}`;
      for (const param of op.parameters ?? []) walk(param.schema, `${where} ${param.in}:${param.name}`);
      for (const content of Object.values<any>(op.requestBody?.content ?? {})) walk(content.schema, `${where} body`);
    }
    expect(unbounded).toEqual([]);
  });

  it('serves the interactive docs as HTML at /api/2/docs', async () => {
    let res = await raw({ method: 'GET', url: '/api/2/docs' });
    for (let hops = 0; res.status >= 300 && res.status < 400 && hops < 3; hops++) {
      res = await raw({
        method: 'GET',
        url: new URL(String(res.headers.location), 'http://localhost/api/2/docs').pathname,
      });
    }
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
    expect(res.body).toMatch(/<html/i);
  });
});

describe('error answers: one shape, the fitting status', () => {
  const tenantUrl = () => `/api/2/tenants/${p.customerId}`;
  const cases: { name: string; status: number; code: number | string; send: () => Promise<Answer> }[] = [
    {
      name: 'unknown route, no credentials',
      status: 404,
      code: 'not_found',
      send: () => t.call(undefined, 'GET', '/api/2/no-such-thing'),
    },
    {
      name: 'unknown route, signed in',
      status: 404,
      code: 'not_found',
      send: () => t.call(p.admin, 'GET', '/api/2/tenants/x/y/z'),
    },
    {
      name: 'unregistered method',
      status: 404,
      code: 'not_found',
      send: () => t.call(p.admin, 'PATCH', tenantUrl(), {}),
    },
    {
      name: 'POST /tenants as text/plain',
      status: 415,
      code: 'unsupported_media_type',
      send: () =>
        raw({
          method: 'POST',
          url: '/api/2/tenants',
          headers: { authorization: p.admin.authorization, 'content-type': 'text/plain' },
          payload: 'name=Acme',
        }),
    },
    {
      name: 'POST /tenants as application/xml',
      status: 415,
      code: 'unsupported_media_type',
      send: () =>
        raw({
          method: 'POST',
          url: '/api/2/tenants',
          headers: { authorization: p.admin.authorization, 'content-type': 'application/xml' },
          payload: '<tenant/>',
        }),
    },
    {
      name: 'malformed JSON',
      status: 400,
      code: 'bad_request',
      send: () =>
        raw({
          method: 'POST',
          url: '/api/2/tenants',
          headers: { authorization: p.admin.authorization, 'content-type': 'application/json' },
          payload: '{"name": "Acme",',
        }),
    },
    {
      name: 'schema violation',
      status: 400,
      code: 'validation_failed',
      send: () => t.call(p.admin, 'POST', '/api/2/tenants', { name: 'x' }),
    },
    {
      name: 'bad id in the path',
      status: 400,
      code: 'validation_failed',
      send: () => t.call(p.admin, 'GET', '/api/2/tenants/not-a-uuid'),
    },
    { name: 'no credentials', status: 401, code: 'unauthorized', send: () => t.call(undefined, 'GET', tenantUrl()) },
    {
      name: 'unknown bearer token',
      status: 401,
      code: 'unauthorized',
      send: () => t.call({ name: 'nobody', authorization: 'Bearer not-a-token' }, 'GET', tenantUrl()),
    },
    {
      name: 'read-only admin writing',
      status: 403,
      code: 1002,
      send: async () =>
        t.call(p.readonly, 'PUT', tenantUrl(), {
          version: (await t.call(p.admin, 'GET', tenantUrl())).body.version,
          name: 'Renamed',
        }),
    },
    {
      name: 'tenant outside the subtree',
      status: 404,
      code: 1005,
      send: () => t.call(p.customerAdmin, 'GET', `/api/2/tenants/${p.partnerId}`),
    },
    {
      name: 'stale version',
      status: 409,
      code: 1001,
      send: () => t.call(p.admin, 'PUT', tenantUrl(), { version: 999, name: 'Renamed' }),
    },
    {
      name: 'login taken',
      status: 409,
      code: 'login_taken',
      send: () => t.call(p.admin, 'GET', `/api/2/users/check_login?username=${p.admin.login.toUpperCase()}`),
    },
    {
      name: 'body over the size limit',
      status: 413,
      code: 'bad_request',
      send: () =>
        raw({
          method: 'POST',
          url: '/api/2/tenants',
          headers: { authorization: p.admin.authorization, 'content-type': 'application/json' },
          payload: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
        }),
    },
  ];

  it.each(cases)('$name → $status $code', async ({ send, status, code }) => {
    expectErrorShape(await send(), status, code);
  });

  it('a stale version names the current one in context', async () => {
    const current = (await t.call(p.admin, 'GET', tenantUrl())).body.version;
    const res = await t.call(p.admin, 'PUT', tenantUrl(), { version: current + 5, name: 'Renamed' });
    expectErrorShape(res, 409, 1001);
    expect(res.body.error.context).toEqual({ current_version: current });
  });

  it('a validation error names every failing field at once, in context.fields and details.info', async () => {
    const res = await t.call(p.admin, 'POST', '/api/2/tenants', {
      name: '',
      parent_id: 'not-a-uuid',
      kind: 'galaxy',
      language: 'english',
      color: 'red',
      contact: { shoe_size: '42', email: 'nope' },
    });
    expectErrorShape(res, 400, 'validation_failed');
    const fields = ['name', 'parent_id', 'kind', 'language', 'color', 'contact.shoe_size', 'contact.email'];
    expect([...res.body.error.context.fields].sort()).toEqual([...fields].sort());
    expect(res.body.error.details.info.split(',').sort()).toEqual([...fields].sort());
    for (const field of fields) expect(res.body.error.message).toContain(field);
  });

  it('a missing required field is named too', async () => {
    const res = await t.call(p.admin, 'POST', '/api/2/users', { contact: {} });
    expectErrorShape(res, 400, 'validation_failed');
    expect([...res.body.error.context.fields].sort()).toEqual(['contact.email', 'tenant_id']);
  });

  it('an over-long string is refused, naming the field', async () => {
    const res = await t.call(p.admin, 'POST', '/api/2/tenants', {
      name: 'x'.repeat(256),
      parent_id: p.partnerId,
      kind: 'customer',
    });
    expectErrorShape(res, 400, 'validation_failed');
    expect(res.body.error.context.fields).toEqual(['name']);
  });
});

// A 500 in the error shape: test/http/database-faults.test.ts.

describe('x-request-id', () => {
  it('is on every answer, whatever the status, and differs between requests', async () => {
    const answers = await Promise.all([
      t.call(undefined, 'GET', '/healthz'),
      t.call(undefined, 'GET', '/api/2/openapi.json'),
      t.call(p.admin, 'GET', `/api/2/tenants/${p.customerId}`),
      t.call(p.admin, 'GET', `/api/2/users/check_login?username=free-login-${Date.now()}`),
      t.call(undefined, 'GET', '/api/2/nowhere'),
      t.call(undefined, 'GET', `/api/2/tenants/${p.customerId}`),
      t.call(p.admin, 'POST', '/api/2/tenants', { bogus: true }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 204, 404, 401, 400]);
    const ids = answers.map((a) => a.headers['x-request-id']);
    for (const id of ids) expect(id).toMatch(/^[\w.-]{1,100}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('echoes the id the caller gave, on success and on error', async () => {
    const ok = await raw({
      method: 'GET',
      url: `/api/2/tenants/${p.customerId}`,
      headers: { authorization: p.admin.authorization, 'x-request-id': 'trace-42.a_b' },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers['x-request-id']).toBe('trace-42.a_b');
    const failed = await raw({
      method: 'GET',
      url: '/api/2/tenants/not-a-uuid',
      headers: { authorization: p.admin.authorization, 'x-request-id': 'trace-43' },
    });
    expect(failed.status).toBe(400);
    expect(failed.headers['x-request-id']).toBe('trace-43');
  });

  it('replaces a given id that is not a safe token (no header injection, no log pollution)', async () => {
    for (const given of ['has spaces', 'x'.repeat(101), 'a\u00e9b', 'semi;colon']) {
      const res = await raw({ method: 'GET', url: '/healthz', headers: { 'x-request-id': given } });
      expect(res.status).toBe(200);
      expect(res.headers['x-request-id']).not.toBe(given);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });
});

describe('numbers and booleans sent as strings', () => {
  it('PUT /tenants/{id} accepts "version":"1" and "enabled":"false"', async () => {
    const created = await t.call(p.admin, 'POST', '/api/2/tenants', {
      name: 'Strings Inc',
      parent_id: p.partnerId,
      kind: 'customer',
      enabled: 'true',
    });
    expect(created.status).toBe(201);
    expect(created.body.enabled).toBe(true);
    const res = await t.call(p.admin, 'PUT', `/api/2/tenants/${created.body.id}`, {
      version: String(created.body.version),
      enabled: 'false',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ enabled: false, version: created.body.version + 1 });
    const removed = await t.call(p.admin, 'DELETE', `/api/2/tenants/${created.body.id}?version=${res.body.version}`);
    expect(removed.status).toBe(204);
  });

  it('POST /tenants accepts "enabled":"false"', async () => {
    const res = await t.call(p.admin, 'POST', '/api/2/tenants', {
      name: 'Dormant Strings',
      parent_id: p.partnerId,
      kind: 'customer',
      enabled: 'false',
    });
    expect(res.status).toBe(201);
    expect(res.body.enabled).toBe(false);
  });

  it('PUT /users/{id} accepts "version":"N" and "enabled":"false"', async () => {
    const user = await t.call(p.admin, 'POST', '/api/2/users', {
      tenant_id: p.customerId,
      login: 'string-sender',
      contact: { email: 'strings@example.test' },
      enabled: 'true',
    });
    expect(user.status).toBe(200);
    const res = await t.call(p.admin, 'PUT', `/api/2/users/${user.body.id}`, {
      version: String(user.body.version),
      enabled: 'false',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ enabled: false, version: user.body.version + 1 });
  });

  it('refuses strings that are not numbers or booleans, naming the field', async () => {
    const res = await t.call(p.admin, 'PUT', `/api/2/tenants/${p.customerId}`, { version: 'three', enabled: 'maybe' });
    expectErrorShape(res, 400, 'validation_failed');
    expect([...res.body.error.context.fields].sort()).toEqual(['enabled', 'version']);
  });

  it.each([
    {
      what: 'tenant customer_id and internal_tag',
      url: () => `/api/2/tenants/${p.customerId}`,
      set: { customer_id: 'C-42', internal_tag: 'gold' },
      clear: { customer_id: null, internal_tag: null },
    },
    {
      what: 'user phone and title',
      url: () => `/api/2/users/${p.customerAdmin.userId}`,
      set: { contact: { phone: '+39 06 1234', title: 'CFO' } },
      clear: { contact: { phone: null, title: null } },
    },
  ])('keeps an explicit null as null on $what (coercion must not turn it into "")', async ({ url, set, clear }) => {
    const written = await t.call(p.admin, 'PUT', url(), {
      version: (await t.call(p.admin, 'GET', url())).body.version,
      ...set,
    });
    expect(written.status).toBe(200);
    expect(written.body).toMatchObject(set);
    const cleared = await t.call(p.admin, 'PUT', url(), { version: written.body.version, ...clear });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject(clear);
  });
});

describe('unknown fields', () => {
  it('POST /tenants with unknown fields, top-level and nested → 400 naming them, nothing created', async () => {
    const before = (await t.call(p.admin, 'GET', `/api/2/tenants/${p.partnerId}/children`)).body.items;
    const res = await t.call(p.admin, 'POST', '/api/2/tenants', {
      name: 'Extra',
      parent_id: p.partnerId,
      kind: 'customer',
      color: 'red',
      contact: { city: 'Rome', shoe_size: '42' },
    });
    expectErrorShape(res, 400, 'validation_failed');
    expect([...res.body.error.context.fields].sort()).toEqual(['color', 'contact.shoe_size']);
    expect(res.body.error.message).toMatch(/color is not a known field/);
    expect((await t.call(p.admin, 'GET', `/api/2/tenants/${p.partnerId}/children`)).body.items).toEqual(before);
  });

  it('PUT /users/{id} with an unknown field → 400 naming it, user unchanged', async () => {
    const url = `/api/2/users/${p.customerAdmin.userId}`;
    const before = (await t.call(p.admin, 'GET', url)).body;
    const res = await t.call(p.admin, 'PUT', url, {
      version: before.version,
      contact: { firstname: 'Changed' },
      password: 'sneaky',
    });
    expectErrorShape(res, 400, 'validation_failed');
    expect(res.body.error.context.fields).toEqual(['password']);
    expect((await t.call(p.admin, 'GET', url)).body).toEqual(before);
  });

  it('an unknown query parameter → 400 naming it', async () => {
    const res = await t.call(p.admin, 'GET', '/api/2/tenants?bogus=1');
    expectErrorShape(res, 400, 'validation_failed');
    expect(res.body.error.context.fields).toEqual(['bogus']);
  });
});

describe('paging cursors', () => {
  let ids: string[];
  beforeAll(async () => {
    for (const name of ['Page A', 'Page B', 'Page C']) {
      const res = await t.call(p.admin, 'POST', '/api/2/tenants', { name, parent_id: p.customerId, kind: 'unit' });
      expect(res.status).toBe(201);
    }
    ids = (await t.call(p.admin, 'GET', `/api/2/tenants/${p.customerId}/children`)).body.items;
    expect(ids).toHaveLength(3);
  });

  it('walks a filtered list one item at a time with only `after`, then stops', async () => {
    const seen: string[] = [];
    let url = `/api/2/tenants?parent_id=${p.customerId}&limit=1`;
    for (let page = 0; page < 5; page++) {
      const res = await t.call(p.admin, 'GET', url);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((x: any) => x.id));
      const after = res.body.paging.cursors.after;
      if (!after) break;
      url = `/api/2/tenants?limit=1&after=${after}`;
    }
    expect(seen.sort()).toEqual([...ids].sort());
  });

  const cursor = (state: unknown) => Buffer.from(JSON.stringify(state)).toString('base64url');
  it.each([
    ['not base64 JSON', '%%%not-a-cursor'],
    ['a JSON array', cursor([1, 2])],
    ['a JSON string', cursor('abc')],
    ['a malformed last id', cursor({ afterId: 'x' })],
    ['ids that are not a list', cursor({ ids: 'abc' })],
    ['ids that are not uuids', cursor({ ids: ['abc'] })],
    ['a malformed date', cursor({ updatedSince: 'garbage' })],
    ['a malformed subtree id', cursor({ subtreeRootId: 'zz' })],
    ['an object where a scalar goes', cursor({ parentId: { $ne: null } })],
  ])('a forged cursor (%s) → 400 naming `after`, on tenants and users', async (_what, after) => {
    for (const list of ['tenants', 'users']) {
      const res = await t.call(p.admin, 'GET', `/api/2/${list}?after=${encodeURIComponent(after)}`);
      expectErrorShape(res, 400, 'validation_failed');
      expect(res.body.error.context.fields).toEqual(['after']);
    }
  });
});
