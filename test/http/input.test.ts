import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { createPartnerWorld, startTestApp, type Answer, type PartnerWorld, type TestApp } from '../support/test-app.js';
import { expectError } from '../support/expect-error.js';

/**
 * What the input guard and the JSON parser promise on every route: body-less calls as
 * established clients make them, text PostgreSQL can store, no value made out of null or
 * true, sizes checked before anything costly, and every refusal in the error shape.
 */

let t: TestApp;
let p: PartnerWorld;
beforeAll(async () => {
  t = await startTestApp();
  p = await createPartnerWorld(t, 'Input');
});
afterAll(() => t?.close());

async function raw(options: InjectOptions): Promise<Answer & { size: number }> {
  const res = await t.app.inject(options);
  const json = String(res.headers['content-type'] ?? '').includes('json') && res.body;
  return {
    status: res.statusCode,
    body: json ? JSON.parse(res.body) : res.body,
    headers: res.headers,
    size: res.body.length,
  };
}

const json = (
  actor: { authorization: string } | undefined,
  method: InjectOptions['method'],
  url: string,
  payload: string,
) =>
  raw({
    method,
    url,
    payload,
    headers: { 'content-type': 'application/json', ...(actor ? { authorization: actor.authorization } : {}) },
  });

describe('an empty JSON body is no body', () => {
  it('every body-less POST and DELETE answers as it does without a Content-Type', async () => {
    const doc = (await t.call(undefined, 'GET', '/api/2/openapi.json')).body;
    const contact = (
      await t.call(p.admin, 'POST', '/api/2/contacts', {
        tenant_id: p.customerId,
        types: ['billing'],
        firstname: 'Eva',
        lastname: 'Empty',
        email: 'eva.empty@example.test',
      })
    ).body;
    const ids: Record<string, string> = {
      '/users/{id}': p.admin.userId,
      '/contacts/{id}': contact.id,
      '/tenants/{id}': p.customerId,
    };
    const bodyless = Object.entries(doc.paths as Record<string, Record<string, { requestBody?: unknown }>>).flatMap(
      ([path, ops]) =>
        Object.entries(ops)
          .filter(([method, op]) => ['post', 'delete'].includes(method) && !op.requestBody)
          .map(([method]) => ({ path, method })),
    );
    expect(bodyless.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['post /api/2/users/{id}/send-activation-email', 'delete /api/2/contacts/{id}']),
    );
    // Signing out would end the session this test runs on; its own tests cover it.
    for (const { path, method } of bodyless.filter((r) => r.path !== '/api/2/session')) {
      const [prefix] = Object.entries(ids).find(([key]) => path.includes(key)) ?? [];
      const url =
        path.replace('{id}', prefix ? ids[prefix] : '00000000-0000-4000-8000-000000000000') +
        (method === 'delete' ? '?version=999' : '');
      // A random id answers 404 and a stale version 409 either way: what must not differ is the answer to the body.
      const plain = await raw({
        method: method.toUpperCase() as 'POST',
        url,
        headers: { authorization: p.admin.authorization },
      });
      const empty = await json(p.admin, method.toUpperCase() as 'POST', url, '');
      expect({ route: `${method} ${path}`, status: empty.status, body: empty.body }).toEqual({
        route: `${method} ${path}`,
        status: plain.status,
        body: plain.body,
      });
      expect(empty.status, `${method} ${path}`).toBeLessThan(500);
    }
  });

  it('send-activation-email with Content-Type: application/json and no body is accepted (204)', async () => {
    const user = (
      await t.call(p.admin, 'POST', '/api/2/users', {
        tenant_id: p.customerId,
        login: 'empty-body-user',
        contact: { email: 'empty-body-user@example.test', firstname: 'E', lastname: 'B' },
      })
    ).body;
    const res = await json(p.admin, 'POST', `/api/2/users/${user.id}/send-activation-email`, '');
    expect(res.status, JSON.stringify(res.body)).toBe(204);
  });

  it('a route that needs a body still answers 400 naming the missing fields', async () => {
    const res = await json(p.admin, 'POST', '/api/2/tenants', '');
    expectError(res, 400, 'validation_failed');
    expect([...res.body.error.context.fields].sort()).toEqual(['kind', 'name', 'parent_id']);
  });
});

describe('text PostgreSQL cannot store is a 400 naming the field', () => {
  const nul = 'a\u0000b';
  const cases: Array<[string, InjectOptions['method'], () => string, () => unknown, string]> = [
    [
      'tenant name',
      'POST',
      () => '/api/2/tenants',
      () => ({ name: nul, parent_id: p.partnerId, kind: 'customer' }),
      'name',
    ],
    [
      'user first name',
      'POST',
      () => '/api/2/users',
      () => ({ tenant_id: p.customerId, contact: { email: 'n@example.test', firstname: nul, lastname: 'x' } }),
      'contact.firstname',
    ],
    [
      'contact email',
      'POST',
      () => '/api/2/contacts',
      () => ({
        tenant_id: p.customerId,
        types: ['billing'],
        firstname: 'a',
        lastname: 'b',
        email: `x${nul}@example.test`,
      }),
      'email',
    ],
    [
      'contact job title',
      'POST',
      () => '/api/2/contacts',
      () => ({
        tenant_id: p.customerId,
        types: ['billing'],
        firstname: 'a',
        lastname: 'b',
        email: 'title@example.test',
        title: nul,
      }),
      'title',
    ],
    [
      'client name',
      'POST',
      () => '/api/2/clients',
      () => ({ type: 'api_client', tenant_id: p.partnerId, data: { client_name: nul } }),
      'data.client_name',
    ],
    [
      'announcement subject (lone surrogate)',
      'POST',
      () => '/api/2/announcements/preview',
      () => ({ category: 'billing', scope_tenant_id: p.partnerId, subject: { en: 'Hi \ud800' }, body: { en: 'Body' } }),
      'subject.en',
    ],
    [
      'announcement body (lone low surrogate)',
      'POST',
      () => '/api/2/announcements/preview',
      () => ({ category: 'billing', scope_tenant_id: p.partnerId, subject: { en: 'Hi' }, body: { en: 'x \udc00 y' } }),
      'body.en',
    ],
  ];
  it.each(cases)('%s', async (_label, method, url, body, field) => {
    const res = await t.call(p.admin, method, url(), body());
    expectError(res, 400, 'validation_failed', field);
  });

  it('in a query parameter (search text) and in a path parameter', async () => {
    expectError(await t.call(p.admin, 'GET', '/api/2/search?text=a%00b'), 400, 'validation_failed', 'text');
    expectError(await t.call(p.admin, 'GET', '/api/2/tenants/a%00b'), 400, 'validation_failed', 'id');
  });

  it('in a key of the body', async () => {
    expectError(
      await t.call(p.admin, 'POST', '/api/2/tenants', {
        name: 'K',
        parent_id: p.partnerId,
        kind: 'customer',
        'x\u0000': 1,
      }),
      400,
      'validation_failed',
      'body',
    );
  });

  it('a paired surrogate (an emoji) is fine', async () => {
    const res = await t.call(p.admin, 'POST', '/api/2/announcements/preview', {
      category: 'billing',
      scope_tenant_id: p.partnerId,
      subject: { en: 'Hi 😀' },
      body: { en: 'Body 😀' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });
});

describe('null and true are not values where the schema does not say so', () => {
  it('PUT /tenants/{id} {"enabled": null} is a 400 and the tenant stays enabled', async () => {
    const tenant = (await t.call(p.admin, 'GET', `/api/2/tenants/${p.customerId}`)).body;
    expectError(
      await t.call(p.admin, 'PUT', `/api/2/tenants/${p.customerId}`, { version: tenant.version, enabled: null }),
      400,
      'validation_failed',
      'enabled',
    );
    expect((await t.call(p.admin, 'GET', `/api/2/tenants/${p.customerId}`)).body).toMatchObject({
      enabled: true,
      version: tenant.version,
    });
  });

  it('POST /users with enabled: null or a null first name is a 400, nothing created', async () => {
    expectError(
      await t.call(p.admin, 'POST', '/api/2/users', {
        tenant_id: p.customerId,
        login: 'null-enabled',
        enabled: null,
        contact: { email: 'null-enabled@example.test', firstname: 'N', lastname: 'E' },
      }),
      400,
      'validation_failed',
      'enabled',
    );
    expectError(
      await t.call(p.admin, 'POST', '/api/2/users', {
        tenant_id: p.customerId,
        login: 'null-first',
        contact: { email: 'null-first@example.test', firstname: null, lastname: 'E' },
      }),
      400,
      'validation_failed',
      'contact.firstname',
    );
    expect((await t.call(p.admin, 'GET', '/api/2/users/check_login?username=null-enabled')).status).toBe(204);
    expect((await t.call(p.admin, 'GET', '/api/2/users/check_login?username=null-first')).status).toBe(204);
  });

  it('version: true, ?version=0x1 and ?version=1e0 are not version 1', async () => {
    const created = (
      await t.call(p.admin, 'POST', '/api/2/tenants', {
        name: 'Versioned',
        parent_id: p.partnerId,
        kind: 'customer',
        enabled: 'false',
      })
    ).body;
    expect(created.version).toBe(1);
    expectError(
      await t.call(p.admin, 'PUT', `/api/2/tenants/${created.id}`, { version: true, name: 'Renamed' }),
      400,
      'validation_failed',
      'version',
    );
    expectError(
      await t.call(p.admin, 'DELETE', `/api/2/tenants/${created.id}?version=0x1`),
      400,
      'validation_failed',
      'version',
    );
    expectError(
      await t.call(p.admin, 'DELETE', `/api/2/tenants/${created.id}?version=1e0`),
      400,
      'validation_failed',
      'version',
    );
    expect((await t.call(p.admin, 'GET', `/api/2/tenants/${created.id}`)).body).toMatchObject({
      name: 'Versioned',
      version: 1,
    });
    expect((await t.call(p.admin, 'DELETE', `/api/2/tenants/${created.id}?version=1`)).status).toBe(204);
  });
});

describe('timestamps and cursors', () => {
  it('a leap second in updated_since is a 400 on tenants and users', async () => {
    for (const url of [
      '/api/2/tenants?parent_id=' + p.partnerId + '&updated_since=2016-12-31T23:59:60Z',
      '/api/2/users?tenant_id=' + p.partnerId + '&updated_since=2016-12-31T23:59:60Z',
    ]) {
      expectError(await t.call(p.admin, 'GET', url), 400, 'validation_failed', 'updated_since');
    }
    expectError(
      await t.call(p.admin, 'GET', `/api/2/tenants?parent_id=${p.partnerId}&updated_since=2000-02-30T00:00:00Z`),
      400,
      'validation_failed',
      'updated_since',
    );
    expect(
      (await t.call(p.admin, 'GET', `/api/2/tenants?parent_id=${p.partnerId}&updated_since=2016-12-31T23:59:59Z`))
        .status,
    ).toBe(200);
  });

  const forged = (state: Record<string, unknown>) => Buffer.from(JSON.stringify(state)).toString('base64url');
  const oddDates = [
    '1',
    '+275760-09-13T00:00:00.000Z',
    '275760-01-01T00:00:00Z',
    '2000-02-30T00:00:00Z',
    '2016-12-31T23:59:60Z',
  ];
  it.each(['{"__proto__":{"id":"x"}}', '{"constructor":1,"toString":2}', '{"hasOwnProperty":"x"}'])(
    'a cursor with the key of an inherited property (%s) is a 400 on every list',
    async (state) => {
      const after = Buffer.from(state).toString('base64url');
      const lists = [
        `/api/2/tenants?parent_id=${p.partnerId}`,
        `/api/2/users?tenant_id=${p.partnerId}`,
        `/api/2/contacts?tenant_id=${p.partnerId}`,
        `/api/2/audit?tenant_id=${p.partnerId}`,
        '/api/2/announcements?limit=5',
      ];
      for (const url of lists)
        expectError(await t.call(p.admin, 'GET', `${url}&after=${after}`), 400, 'validation_failed', 'after');
      expectError(await t.call(t.root, 'GET', `/api/2/mailbox?after=${after}`), 400, 'validation_failed', 'after');
    },
  );

  it.each(oddDates)('a cursor carrying %s is a 400 on the mailbox and announcements', async (date) => {
    const after = forged({ created_at: date, id: '00000000-0000-4000-8000-000000000000' });
    expectError(await t.call(t.root, 'GET', `/api/2/mailbox?after=${after}`), 400, 'validation_failed', 'after');
    expectError(await t.call(p.admin, 'GET', `/api/2/announcements?after=${after}`), 400, 'validation_failed', 'after');
    expectError(
      await t.call(
        p.admin,
        'GET',
        `/api/2/tenants?parent_id=${p.partnerId}&after=${forged({ parentId: p.partnerId, updatedSince: date, afterId: p.customerId, allowDeleted: false })}`,
      ),
      400,
      'validation_failed',
      'after',
    );
  });
});

describe('size before cost', () => {
  it('100,000 notifications are refused at once, with a short answer naming the field', async () => {
    const notifications = Array.from({ length: 100_000 }, (_, i) => `n${i}`);
    const res = await t.call(p.customerAdmin, 'POST', '/api/2/users', {
      tenant_id: p.customerId,
      contact: { email: 'many@example.test', firstname: 'M', lastname: 'N' },
      notifications,
    });
    expectError(res, 400, 'validation_failed', 'notifications');
    expect(JSON.stringify(res.body).length).toBeLessThan(2_000);
  });

  it('an error lists the first 20 violations and says how many more', async () => {
    const body = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`unknown_${i}`, i]));
    const res = await t.call(undefined, 'POST', '/api/2/email-confirmations', { token: 'x', ...body });
    expectError(res, 400, 'validation_failed');
    expect(JSON.stringify(res.body).length).toBeLessThan(4_000);
    expect(res.body.error.context.fields.length).toBeLessThanOrEqual(21);
  });

  it('lists at most 20 validator violations too, then "and N more"', async () => {
    const res = await t.call(p.admin, 'PUT', `/api/2/users/${p.admin.userId}/access_policies`, {
      items: Array.from({ length: 30 }, () => ({ tenant_id: 'nope', role_id: 'nope' })),
    });
    expectError(res, 400, 'validation_failed');
    if (res.body.error.context.fields.length >= 20) expect(res.body.error.message).toMatch(/and \d+ more$/);
  });

  it('nesting deeper than the schema could mean is refused', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 200; i++) deep = { a: deep };
    expectError(
      await t.call(p.admin, 'POST', '/api/2/tenants', {
        name: 'D',
        parent_id: p.partnerId,
        kind: 'customer',
        contact: deep,
      }),
      400,
      'validation_failed',
    );
    const brackets = '['.repeat(50_000) + ']'.repeat(50_000);
    const res = await json(p.admin, 'POST', '/api/2/tenants', brackets);
    expect(res.status).toBe(400);
  });
});

describe('found by the fuzz suite', () => {
  it('an id sent in capitals is the same id, wherever code compares ids', async () => {
    const created = (
      await t.call(p.admin, 'POST', '/api/2/announcements', {
        category: 'billing',
        scope_tenant_id: p.partnerId.toUpperCase(),
        subject: { en: 'Caps' },
        body: { en: 'Body' },
      })
    ).body;
    expect(created.scope_tenant_id).toBe(p.partnerId);
    const upper = String(created.id).toUpperCase();
    const res = await t.call(p.admin, 'GET', `/api/2/announcements/${upper}/deliveries`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await t.call(p.admin, 'GET', `/api/2/announcements/${upper}`)).body.id).toBe(created.id);
  });

  it('PUT /clients/{id} with nothing to change answers the client as it is', async () => {
    const created = (
      await t.call(p.admin, 'POST', '/api/2/clients', {
        type: 'api_client',
        tenant_id: p.partnerId,
        data: { client_name: 'Unchanged' },
      })
    ).body;
    for (const payload of ['', '{}']) {
      const res = await json(p.admin, 'PUT', `/api/2/clients/${created.client_id}`, payload);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({
        client_id: created.client_id,
        data: { client_name: 'Unchanged' },
        status: 'enabled',
      });
    }
  });
});

describe('validation messages a person can read', () => {
  it('a value off its pattern is described by the schema, not by the regular expression', async () => {
    const res = await t.call(p.admin, 'POST', '/api/2/contacts', {
      tenant_id: p.customerId,
      types: ['billing'],
      firstname: 'a',
      lastname: 'b',
      email: 'pattern@example.test',
      phone: 'call me',
    });
    expectError(res, 400, 'validation_failed', 'phone');
    expect(res.body.error.message).toContain('phone is not valid: Digits, spaces');
    expect(res.body.error.message).not.toContain('must match pattern');
  });
});

describe('refusals before a route, in the error shape', () => {
  it('a __proto__ key names it', async () => {
    const res = await json(
      p.admin,
      'POST',
      '/api/2/tenants',
      '{"name":"P","parent_id":"' + p.partnerId + '","kind":"customer","__proto__":{"x":1}}',
    );
    expectError(res, 400, 'bad_request', 'body');
    expect(res.body.error.message).toContain('__proto__');
  });

  it('an over-long path parameter is named by validation; a very long one answers the error shape without echoing it', async () => {
    expectError(await t.call(p.admin, 'GET', `/api/2/contacts/${'a'.repeat(150)}`), 400, 'validation_failed', 'id');
    const long = 'b'.repeat(5_000);
    const res = await t.call(p.admin, 'GET', `/api/2/contacts/${long}`);
    expect([400, 414]).toContain(res.status);
    expectError(res, res.status, res.status === 414 ? 'uri_too_long' : 'validation_failed');
    expect(JSON.stringify(res.body)).not.toContain(long.slice(0, 200));
  });

  it('an oversized header answers 431 in the error shape (over a real socket)', async () => {
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = new URL(address);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write(`GET /api/2/users/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'h'.repeat(64 * 1024)}\r\n\r\n`);
      });
      let data = '';
      socket.on('data', (chunk) => {
        data += chunk.toString();
      });
      socket.on('end', () => resolve(data));
      socket.on('error', (error) => (data ? resolve(data) : reject(error)));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    expect(body.error).toMatchObject({
      code: 'request_header_fields_too_large',
      domain: 'http',
      details: { info: null },
      context: {},
      data: [],
    });
  });
});

describe('every request schema bounds its sizes', () => {
  it('each text has a maxLength (or is an enum) and each list a maxItems, in bodies and parameters', async () => {
    const doc = (await t.call(undefined, 'GET', '/api/2/openapi.json')).body;
    const resolve = (schema: any): any =>
      schema?.$ref ? doc.components.schemas[schema.$ref.split('/').pop()] : schema;
    const unbounded: string[] = [];
    let seen = 0;
    const walk = (schema: any, where: string, depth = 0): void => {
      schema = resolve(schema);
      if (!schema || depth > 12) return;
      for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])])
        walk(branch, where, depth + 1);
      const types = [schema.type].flat();
      if (types.includes('string') || types.includes('array')) seen++;
      if (
        types.includes('string') &&
        schema.maxLength === undefined &&
        schema.enum === undefined &&
        schema.const === undefined
      )
        unbounded.push(`${where}: text without maxLength`);
      if (types.includes('array')) {
        if (schema.maxItems === undefined) unbounded.push(`${where}: list without maxItems`);
        walk(schema.items, `${where}[]`, depth + 1);
      }
      for (const [key, property] of Object.entries<any>(schema.properties ?? {}))
        walk(property, `${where}.${key}`, depth + 1);
      if (typeof schema.additionalProperties === 'object') walk(schema.additionalProperties, `${where}.*`, depth + 1);
    };
    for (const [path, operations] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(operations)) {
        const where = `${method.toUpperCase()} ${path}`;
        for (const parameter of op.parameters ?? [])
          walk(parameter.schema, `${where} ${parameter.in} ${parameter.name}`);
        for (const content of Object.values<any>(op.requestBody?.content ?? {})) walk(content.schema, `${where} body`);
      }
    }
    expect(seen).toBeGreaterThan(100);
    expect(unbounded).toEqual([]);
  });
});
