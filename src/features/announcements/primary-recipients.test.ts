/**
 * Notices to primary contacts only (`recipients: "primary"`): each tenant's primary contact of the
 * category, with fallback the nearest ancestor's primary; preview, sending and the stored rule agree.
 *
 * P partner (billing: pFirst primary, pSecond) ─┬─ A customer (billing: aFirst primary, aSecond)
 *                                               └─ B customer (no billing contact)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpServer, type TestSmtpServer } from '../../../test/support/smtp-server.js';
import { createPartnerWorld, startTestApp, type PartnerWorld, type TestApp } from '../../../test/support/test-app.js';
import { createContact, createTenant, expectStatus } from '../../../test/support/factories.js';

let t: TestApp;
let smtp: TestSmtpServer;
let p: PartnerWorld;
let other: PartnerWorld;
let w: Awaited<ReturnType<typeof world>>;
beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp({ smtpUrl: smtp.url });
  p = await createPartnerWorld(t, 'PrimaryNotices');
  other = await createPartnerWorld(t, 'Elsewhere');
  w = await world();
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

async function world() {
  const scope = (await createTenant(t, { parentId: p.partnerId, kind: 'partner', as: p.admin })).id;
  const a = (await createTenant(t, { parentId: scope, as: p.admin })).id;
  const b = (await createTenant(t, { parentId: scope, as: p.admin })).id;
  const billing = (tenantId: string) => createContact(t, { tenantId, types: ['billing'], as: p.admin });
  return {
    scope,
    a,
    b,
    pFirst: await billing(scope),
    pSecond: await billing(scope),
    aFirst: await billing(a),
    aSecond: await billing(a),
  };
}

let seq = 0;
const notice = (fields: Record<string, unknown> = {}) => {
  const subject = `Primary notice ${++seq}`;
  return {
    category: 'billing',
    subject: { en: subject },
    body: { en: `Body of ${subject}` },
    scope_tenant_id: w.scope,
    ...fields,
  };
};
const addresses = (sample: { email: string }[]) => [...new Set(sample.map((s) => s.email.toLowerCase()))].sort();
const preview = async (body: object) =>
  expectStatus(await t.call(p.admin, 'POST', '/api/2/announcements/preview', body), 200, 'preview');

describe('notices to primary contacts only', () => {
  it('previews every contact by default, the primaries with recipients=primary, the ancestor primary with fallback', async () => {
    const all = await preview(notice());
    expect(addresses(all.sample)).toEqual(addresses([w.pFirst, w.pSecond, w.aFirst, w.aSecond]));
    expect(all).toMatchObject({ recipients: 4, skipped: 0 });

    const primaries = await preview(notice({ recipients: 'primary' }));
    expect(addresses(primaries.sample)).toEqual(addresses([w.pFirst, w.aFirst]));
    expect(primaries.recipients).toBe(2);

    const covered = await preview(notice({ recipients: 'primary', fallback: 'ancestor' }));
    expect(covered.recipients).toBe(2);
    expect(covered.sample).toContainEqual(
      expect.objectContaining({ email: w.pFirst.email, tenant_id: w.b, inherited: true }),
    );
    expect(covered.sample.filter((s: { email: string }) => s.email === w.pSecond.email)).toEqual([]);
  });

  it('sends to the primaries only, and stores the rule as recipient_rule', async () => {
    const body = notice({ recipients: 'primary' });
    const created = expectStatus(await t.call(p.admin, 'POST', '/api/2/announcements', body), 202, 'send');
    expect(created).toMatchObject({ recipient_rule: 'primary', recipients: 2 });
    let done = created;
    for (let i = 0; done.status !== 'done' && i < 1800; i++) {
      await new Promise((r) => setTimeout(r, 25));
      done = expectStatus(await t.call(p.admin, 'GET', `/api/2/announcements/${created.id}`), 200, 'read');
    }
    expect(done).toMatchObject({ status: 'done', recipient_rule: 'primary', counts: { sent: 2, failed: 0 } });
    const to = smtp.received
      .filter((m) => m.subject === body.subject.en)
      .flatMap((m) => m.to.map((a) => a.toLowerCase()));
    expect(to.sort()).toEqual(addresses([w.pFirst, w.aFirst]));
  });

  it('follows the primary when it moves, and a scheduled notice is counted again when its rule changes', async () => {
    const tenant = (await createTenant(t, { parentId: p.partnerId, as: p.admin })).id;
    const first = await createContact(t, { tenantId: tenant, types: ['technical'], as: p.admin });
    const second = await createContact(t, { tenantId: tenant, types: ['technical'], as: p.admin });
    const body = { ...notice({ recipients: 'primary' }), category: 'technical', scope_tenant_id: tenant };
    expect(addresses((await preview(body)).sample)).toEqual([first.email.toLowerCase()]);
    expectStatus(
      await t.call(p.admin, 'PUT', `/api/2/contacts/${second.id}`, {
        version: second.version,
        primary_types: ['technical'],
      }),
      200,
      'move',
    );
    expect(addresses((await preview(body)).sample)).toEqual([second.email.toLowerCase()]);

    const sendAt = new Date(Date.now() + 86_400_000).toISOString();
    const scheduled = expectStatus(
      await t.call(p.admin, 'POST', '/api/2/announcements', { ...body, send_at: sendAt }),
      202,
      'schedule',
    );
    expect(scheduled).toMatchObject({ status: 'scheduled', recipient_rule: 'primary', recipients: 1 });
    const widened = expectStatus(
      await t.call(p.admin, 'PATCH', `/api/2/announcements/${scheduled.id}`, { recipients: 'all' }),
      200,
      'patch',
    );
    expect(widened).toMatchObject({ recipient_rule: 'all', recipients: 2 });
    const cancelled = await t.call(p.admin, 'POST', `/api/2/announcements/${scheduled.id}/cancel`);
    expect(cancelled.status).toBe(200);
  });

  it('refuses an unknown rule, naming recipients; another partner previews nothing of ours', async () => {
    const bad = await t.call(p.admin, 'POST', '/api/2/announcements/preview', notice({ recipients: 'primaries' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.context.fields).toContain('recipients');
    const theirs = await t.call(other.admin, 'POST', '/api/2/announcements/preview', notice({ recipients: 'primary' }));
    expect(theirs.status).toBe(404);
  });
});
