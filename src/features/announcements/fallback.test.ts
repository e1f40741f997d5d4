import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPassword } from '../setup/bootstrap.service.js';
import { startSmtpServer, type TestSmtpServer } from '../../../test/support/smtp-server.js';
import { startTestApp, type Actor, type TestApp } from '../../../test/support/test-app.js';

// Fallback climbs above the scope to the nearest ancestor with a contact of the category, never
// above the announcer's own tenant; preview, sending and effective contacts say the same.
//
// Root (technical: rT) ── P partner (billing: pB) ─┬─ S partner (none) ── C customer (none) ── U unit (none)
//                                                  └─ D customer (billing: dB, and pB's address again)
// Announcers: the root admin (ceiling: root), P's admin (ceiling: P), S's admin (ceiling: S).

let t: TestApp;
let smtp: TestSmtpServer;
let w: Awaited<ReturnType<typeof world>>;
beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp({ smtpUrl: smtp.url });
  w = await world();
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

let seq = 0;
const unique = (base: string) => `${base}-${++seq}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ok(answer: Promise<{ status: number; body: any }>, status: number) {
  const res = await answer;
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
const tenant = (parentId: string, kind: string) =>
  ok(
    t.call(t.root, 'POST', '/api/2/tenants', { name: unique(`T ${kind}`), parent_id: parentId, kind }),
    201,
  ) as Promise<{ id: string; name: string }>;
const contact = (tenantId: string, types: string[], email = `${unique('c')}@example.test`) =>
  ok(
    t.call(t.root, 'POST', '/api/2/contacts', {
      tenant_id: tenantId,
      types,
      firstname: 'Grace',
      lastname: unique('Hopper'),
      email,
    }),
    201,
  ) as Promise<{ id: string; email: string }>;

async function admin(tenantId: string): Promise<Actor> {
  const login = unique('admin');
  const user = await ok(
    t.call(t.root, 'POST', '/api/2/users', {
      tenant_id: tenantId,
      login,
      contact: { email: `${login}@example.test`, firstname: 'A', lastname: 'Dmin' },
    }),
    200,
  );
  await ok(
    t.call(t.root, 'PUT', `/api/2/users/${user.id}/access_policies`, {
      items: [{ tenant_id: tenantId, role_id: 'partner_admin' }],
    }),
    200,
  );
  await setPassword(t.db, login, `pw-${login}`);
  return t.tokenFor(login, `pw-${login}`);
}

async function world() {
  const p = await tenant(t.rootTenantId, 'partner');
  const s = await tenant(p.id, 'partner');
  const c = await tenant(s.id, 'customer');
  const u = await tenant(c.id, 'unit');
  const d = await tenant(p.id, 'customer');
  const rT = await contact(t.rootTenantId, ['technical']);
  const pB = await contact(p.id, ['billing']);
  const dB = await contact(d.id, ['billing']);
  await contact(d.id, ['billing'], pB.email.toUpperCase());
  return { p, s, c, u, d, rT, pB, dB, pAdmin: await admin(p.id), sAdmin: await admin(s.id) };
}

const notice = (category: string, scope: string, fallback = 'ancestor') => {
  const subject = unique(`Notice ${category}`);
  return { category, subject: { en: subject }, body: { en: `Body of ${subject}` }, scope_tenant_id: scope, fallback };
};

async function preview(actor: Actor, body: ReturnType<typeof notice>) {
  const res = await ok(t.call(actor, 'POST', '/api/2/announcements/preview', body), 200);
  const sum = Object.values(res.by_tenant_kind as Record<string, number>).reduce((a, b) => a + b, 0);
  expect(sum, 'the kinds add up to the people counted').toBe(res.recipients);
  return res as {
    recipients: number;
    by_tenant_kind: Record<string, number>;
    sample: { email: string; tenant_id: string; inherited: boolean }[];
  };
}

/** Sends and answers who received it, each with the tenants their message names. */
async function send(actor: Actor, body: ReturnType<typeof notice>) {
  const created = await ok(t.call(actor, 'POST', '/api/2/announcements', body), 202);
  const deadline = Date.now() + 45_000;
  let done;
  while ((done = await ok(t.call(actor, 'GET', `/api/2/announcements/${created.id}`), 200)).status !== 'done') {
    if (Date.now() > deadline) throw new Error(`not done: ${JSON.stringify(done)}`);
    await sleep(25);
  }
  return smtp.received
    .filter((m) => m.subject === body.subject.en)
    .map((m) => ({ to: m.to[0].toLowerCase(), for: /contact of: (.*)\.\n/.exec(m.text)![1].split(', ').sort() }));
}

async function effective(actor: Actor, tenantId: string, type: string) {
  const res = await ok(t.call(actor, 'GET', `/api/2/tenants/${tenantId}/effective-contacts?type=${type}`), 200);
  return (res.items as { id: string; inherited: boolean }[]).map((c) => ({ id: c.id, inherited: c.inherited }));
}

describe('fallback above the scope', () => {
  it("covers a client without a Billing contact by its partner's, for the root admin and the partner's admin alike", async () => {
    for (const actor of [t.root, w.pAdmin]) {
      const pv = await preview(actor, notice('billing', w.c.id));
      expect(pv.recipients).toBe(1);
      expect(pv.by_tenant_kind).toEqual({ partner: 1 });
      expect(
        pv.sample
          .map((x) => ({ email: x.email.toLowerCase(), tenant_id: x.tenant_id, inherited: x.inherited }))
          .sort((a, b) => a.tenant_id.localeCompare(b.tenant_id)),
      ).toEqual(
        [w.c.id, w.u.id].sort().map((id) => ({ email: w.pB.email.toLowerCase(), tenant_id: id, inherited: true })),
      );
      expect(await send(actor, notice('billing', w.c.id))).toEqual([
        { to: w.pB.email.toLowerCase(), for: [w.c.name, w.u.name].sort() },
      ]);
      expect(await effective(actor, w.c.id, 'billing')).toEqual([{ id: w.pB.id, inherited: true }]);
      expect(await effective(actor, w.u.id, 'billing')).toEqual([{ id: w.pB.id, inherited: true }]);
    }
  });

  it("never climbs above the announcer's own tenant: the sub-partner's admin reaches nobody, and sees nobody", async () => {
    const pv = await preview(w.sAdmin, notice('billing', w.c.id));
    expect(pv).toMatchObject({ recipients: 0, by_tenant_kind: {}, sample: [] });
    expect(await send(w.sAdmin, notice('billing', w.c.id))).toEqual([]);
    expect(await effective(w.sAdmin, w.c.id, 'billing')).toEqual([]);

    // Only the root tenant has a Technical contact: the root admin's notices reach it, P's admin's do not.
    expect((await preview(t.root, notice('technical', w.c.id))).recipients).toBe(1);
    expect(await send(t.root, notice('technical', w.c.id))).toEqual([
      { to: w.rT.email.toLowerCase(), for: [w.c.name, w.u.name].sort() },
    ]);
    expect(await effective(t.root, w.c.id, 'technical')).toEqual([{ id: w.rT.id, inherited: true }]);
    expect((await preview(w.pAdmin, notice('technical', w.c.id))).recipients).toBe(0);
    expect(await send(w.pAdmin, notice('technical', w.c.id))).toEqual([]);
    expect(await effective(w.pAdmin, w.c.id, 'technical')).toEqual([]);
  });

  it('without fallback the client reaches nobody', async () => {
    expect((await preview(t.root, notice('billing', w.c.id, 'none'))).recipients).toBe(0);
    expect(await send(t.root, notice('billing', w.c.id, 'none'))).toEqual([]);
  });
});

describe("the preview's breakdown by kind", () => {
  it('counts each person once, under the kind of the highest tenant naming them, adding up to the total', async () => {
    // pB is named by P and (same address) by D: one partner person; dB is D's; S, C and U inherit pB.
    const pv = await preview(t.root, notice('billing', w.p.id));
    expect(pv.recipients).toBe(2);
    expect(pv.by_tenant_kind).toEqual({ partner: 1, customer: 1 });
    const platform = await preview(t.root, notice('technical', t.rootTenantId));
    expect(platform.by_tenant_kind.root).toBeGreaterThanOrEqual(1);
  });
});
