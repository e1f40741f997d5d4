import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPartnerWorld,
  startTestApp,
  type Actor,
  type PartnerWorld,
  type TestApp,
} from '../../../test/support/test-app.js';
import { expectError } from '../../../test/support/expect-error.js';

// GET /announcements?category=&q= (with status): filters of the notices list, kept by the cursor.

let t: TestApp;
let p: PartnerWorld;
let other: PartnerWorld;
beforeAll(async () => {
  t = await startTestApp();
  p = await createPartnerWorld(t, 'Filters');
  other = await createPartnerWorld(t, 'FiltersOther');
});
afterAll(async () => {
  await t?.close();
});

let seq = 0;
const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
type Listed = { id: string; category: string; status: string; subject: { en?: string; it?: string } };

/** A fresh customer of the actor's partner, so each test lists only its own notices. */
async function customer(world: PartnerWorld = p) {
  const res = await t.call(world.admin, 'POST', '/api/2/tenants', {
    name: `Filtered ${++seq}`,
    parent_id: world.partnerId,
    kind: 'customer',
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** A notice waiting for next month (its status stays `scheduled`), a draft, or a cancelled one. */
async function notice(
  scope: string,
  { category = 'technical', subject = { en: `Notice ${++seq}` } as Record<string, string>, as = p.admin } = {},
  state: 'scheduled' | 'draft' | 'cancelled' = 'scheduled',
) {
  const res = await t.call(as, 'POST', '/api/2/announcements', {
    ...(state === 'draft' ? { draft: true } : {}),
    category,
    subject,
    body: { en: 'Body', ...(subject.it ? { it: 'Testo' } : {}) },
    scope_tenant_id: scope,
    send_at: inDays(30),
  });
  expect([201, 202], JSON.stringify(res.body)).toContain(res.status);
  if (state === 'cancelled') {
    const cancelled = await t.call(as, 'POST', `/api/2/announcements/${res.body.id}/cancel`);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
  }
  return res.body.id as string;
}

const list = async (query: string, as: Actor = p.admin) => {
  const res = await t.call(as, 'GET', `/api/2/announcements?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { items: Listed[]; paging: { cursors: { after?: string } } };
};
const ids = async (query: string, as: Actor = p.admin) => (await list(query, as)).items.map((a) => a.id);

describe('GET /announcements?category=', () => {
  it('lists only the notices of that contact type', async () => {
    const scope = await customer();
    const billing = await notice(scope, { category: 'billing' });
    const technical = await notice(scope, { category: 'technical' });
    const management = await notice(scope, { category: 'management' });
    expect(await ids(`tenant_id=${scope}`)).toEqual([management, technical, billing]);
    expect(await ids(`tenant_id=${scope}&category=billing`)).toEqual([billing]);
    expect(await ids(`tenant_id=${scope}&category=technical`)).toEqual([technical]);
    expect(await ids(`tenant_id=${scope}&category=management`)).toEqual([management]);
  });
});

describe('GET /announcements?q=', () => {
  it('finds the text in the subject of any language, any case', async () => {
    const scope = await customer();
    const maintenance = await notice(scope, { subject: { en: 'Planned Maintenance window' } });
    const invoice = await notice(scope, { subject: { en: 'Your invoice', it: 'La fattura di marzo' } });
    await notice(scope, { subject: { en: 'Something else' } });
    expect(await ids(`tenant_id=${scope}&q=maintenance`)).toEqual([maintenance]);
    expect(await ids(`tenant_id=${scope}&q=MAINTENANCE%20WIN`)).toEqual([maintenance]);
    expect(await ids(`tenant_id=${scope}&q=FATTURA`)).toEqual([invoice]);
    expect(await ids(`tenant_id=${scope}&q=invoice`)).toEqual([invoice]);
    expect(await ids(`tenant_id=${scope}&q=nowhere`)).toEqual([]);
  });

  it('takes % and _ literally', async () => {
    const scope = await customer();
    const percent = await notice(scope, { subject: { en: 'Discount 50% off' } });
    await notice(scope, { subject: { en: 'Discount 500 off' } });
    const underscore = await notice(scope, { subject: { en: 'snake_case rename' } });
    await notice(scope, { subject: { en: 'snakeXcase rename' } });
    const backslash = await notice(scope, { subject: { en: 'path C:\\temp' } });
    expect(await ids(`tenant_id=${scope}&q=${encodeURIComponent('50%')}`)).toEqual([percent]);
    expect(await ids(`tenant_id=${scope}&q=${encodeURIComponent('%')}`)).toEqual([percent]);
    expect(await ids(`tenant_id=${scope}&q=e_c`)).toEqual([underscore]);
    expect(await ids(`tenant_id=${scope}&q=_`)).toEqual([underscore]);
    expect(await ids(`tenant_id=${scope}&q=${encodeURIComponent('\\t')}`)).toEqual([backslash]);
  });
});

describe('filters combined', () => {
  it('status, category and text narrow the list together', async () => {
    const scope = await customer();
    const draft = await notice(scope, { category: 'billing', subject: { en: 'Alpha draft' } }, 'draft');
    const scheduled = await notice(scope, { category: 'billing', subject: { en: 'Alpha plan' } });
    const technical = await notice(scope, { category: 'technical', subject: { en: 'Alpha tech' } });
    const cancelled = await notice(scope, { category: 'billing', subject: { en: 'Alpha off' } }, 'cancelled');
    const beta = await notice(scope, { category: 'billing', subject: { en: 'Beta plan' } });
    const q = `tenant_id=${scope}`;
    expect(await ids(`${q}&status=scheduled&category=billing&q=alpha`)).toEqual([scheduled]);
    expect(await ids(`${q}&status=scheduled&q=alpha`)).toEqual([technical, scheduled]);
    expect(await ids(`${q}&status=scheduled&category=billing`)).toEqual([beta, scheduled]);
    expect(await ids(`${q}&category=billing&q=alpha`)).toEqual([cancelled, scheduled, draft]);
    expect(await ids(`${q}&status=draft&q=alpha`)).toEqual([draft]);
    expect(await ids(`${q}&status=cancelled&category=billing`)).toEqual([cancelled]);
    expect(await ids(`${q}&status=cancelled&category=technical`)).toEqual([]);
    const statuses = (await list(`${q}&category=billing`)).items.map((a) => a.status);
    expect(statuses).toEqual(['scheduled', 'cancelled', 'scheduled', 'draft']);
  });

  it('pages with `after` alone and keeps the tenant and every filter', async () => {
    const scope = await customer();
    const sibling = await customer();
    const wanted: string[] = [];
    for (let i = 0; i < 5; i++) {
      wanted.unshift(await notice(scope, { category: 'billing', subject: { en: `Paged ${i}` } }));
      // Between the wanted ones: another type, another text, another state, another tenant.
      await notice(scope, { category: 'technical', subject: { en: `Paged tech ${i}` } });
      await notice(scope, { category: 'billing', subject: { en: `Other ${i}` } });
      await notice(scope, { category: 'billing', subject: { en: `Paged draft ${i}` } }, 'draft');
      await notice(sibling, { category: 'billing', subject: { en: `Paged ${i}` } });
    }
    const seen: string[] = [];
    let page = await list(`tenant_id=${scope}&status=scheduled&category=billing&q=PAGED&limit=2`);
    for (let n = 0; page.items.length > 0 && n < 10; n++) {
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((a) => a.id));
      if (!page.paging.cursors.after) break;
      page = await list(`after=${page.paging.cursors.after}&limit=2`);
    }
    expect(seen).toEqual(wanted);
  });
});

describe('bad filters', () => {
  it('answer 400 naming the field', async () => {
    const bad: [string, string][] = [
      ['category=sales', 'category'],
      ['category=', 'category'],
      ['q=', 'q'],
      [`q=${'x'.repeat(101)}`, 'q'],
      ['status=sending&category=Billing', 'category'],
    ];
    for (const [query, field] of bad)
      expectError(await t.call(p.admin, 'GET', `/api/2/announcements?${query}`), 400, 'validation_failed', field);
    expect((await t.call(p.admin, 'GET', `/api/2/announcements?q=${'x'.repeat(100)}`)).status).toBe(200);
    // A cursor carries the filters, checked as strictly as the query's.
    const key = { created_at: '2030-01-01T00:00:00.000Z', id: '00000000-0000-4000-8000-000000000000' };
    for (const forged of [
      { ...key, category: 'sales' },
      { ...key, q: '' },
      { ...key, q: 'x'.repeat(101) },
      { ...key, status: 'sketch' },
      { ...key, tenantId: 'nope' },
      { ...key, text: 'x' },
    ])
      expectError(
        await t.call(p.admin, 'GET', `/api/2/announcements?after=${cursor(forged)}`),
        400,
        'validation_failed',
        'after',
      );
    expect((await t.call(p.admin, 'GET', `/api/2/announcements?after=${cursor({ ...key, q: 'x' })}`)).status).toBe(200);
  });
});

describe("another partner's notices", () => {
  it('never appear, whatever the filters, and its tenant stays 404 (in a query or a cursor)', async () => {
    const word = `Shared${++seq}`;
    const mine = await notice(await customer(), { category: 'billing', subject: { en: `${word} mine` } });
    const theirs = await notice(await customer(other), {
      category: 'billing',
      subject: { en: `${word} theirs` },
      as: other.admin,
    });
    const theirDraft = await notice(
      await customer(other),
      { category: 'billing', subject: { en: `${word} draft` }, as: other.admin },
      'draft',
    );
    for (const query of [`q=${word}`, `q=${word}&category=billing`, 'category=billing&limit=200', 'status=draft']) {
      const seen = await ids(query);
      expect(seen).not.toContain(theirs);
      expect(seen).not.toContain(theirDraft);
    }
    expect(await ids(`q=${word}`)).toEqual([mine]);
    expect(await ids(`q=${word}`, other.admin)).toEqual([theirDraft, theirs]);
    expect(await ids(`q=${word}&status=draft`)).toEqual([]);

    for (const query of [`tenant_id=${other.partnerId}&q=${word}`, `tenant_id=${other.customerId}&category=billing`])
      expectError(await t.call(p.admin, 'GET', `/api/2/announcements?${query}`), 404, 1005);
    const forged = cursor({ tenantId: other.partnerId, q: word, created_at: inDays(400), id: theirs });
    expectError(await t.call(p.admin, 'GET', `/api/2/announcements?after=${forged}`), 404, 1005);
  });
});
