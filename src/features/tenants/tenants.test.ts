import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartnerWorld, startTestApp, type PartnerWorld, type TestApp } from '../../../test/support/test-app.js';

let t: TestApp;
let p: PartnerWorld;
beforeAll(async () => {
  t = await startTestApp();
  p = await createPartnerWorld(t, 'T');
});
afterAll(() => t?.close());

describe('POST /tenants', () => {
  it('creates a customer below a partner and answers 201 with the tenant', async () => {
    const res = await t.call(p.admin, 'POST', '/api/2/tenants', { name: 'Acme', parent_id: p.partnerId, kind: 'customer', language: 'it' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Acme', parent_id: p.partnerId, kind: 'customer', enabled: true, language: 'it', version: 1, has_children: false });
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(res.body.created_at)).not.toBeNaN();
    const parent = await t.call(p.admin, 'GET', `/api/2/tenants/${p.partnerId}`);
    expect(parent.body.has_children).toBe(true);
  });
});
