import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  expectAccessible,
  haveBrowser,
  screenshot,
  signIn,
  startBrowserWorld,
  type BrowserWorld,
} from './browser-support.js';
import { createPartnerWorld, type PartnerWorld } from '../support/test-app.js';

const LONG_EMAIL = 'operations.department.with.a.long.address@partner-company.example.test';

// At a phone's width the lists become stacked cards: nothing scrolls sideways, every action is in
// reach; at a laptop's width they stay tables and an address never breaks inside a word.
describe.runIf(haveBrowser)('tables as cards at 390×844', () => {
  let w: BrowserWorld;
  let p: PartnerWorld;

  beforeAll(async () => {
    w = await startBrowserWorld({ smtp: false, config: { webhooksAllowPrivate: true } });
    const { t } = w;
    p = await createPartnerWorld(t, 'Phone');
    for (const [tenant, email, firstname, types] of [
      [p.partnerId, LONG_EMAIL, 'Maximiliane-Konstanze', ['technical', 'billing', 'management']],
      [p.partnerId, 'bea@partner.example.test', 'Bea', ['billing']],
      [p.customerId, 'tess.with.a.rather.long.name@customer-company.example.test', 'Tess', ['technical']],
    ] as const) {
      const res = await t.call(t.root, 'POST', '/api/2/contacts', {
        tenant_id: tenant,
        types,
        firstname,
        lastname: 'Vandenberghe-Oppenheimer',
        email,
        phone: '+39 02 1234 5678',
        title: 'Head of cloud operations and infrastructure',
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const user = await t.call(p.admin, 'POST', '/api/2/users', {
      tenant_id: p.partnerId,
      login: 'not-yet-activated-person-with-a-long-login',
      contact: { email: 'not.yet.activated.person@partner-company.example.test', firstname: 'Nora' },
    });
    expect(user.status).toBe(200);
    const hook = await t.call(p.admin, 'POST', '/api/2/webhooks', {
      tenant_id: p.partnerId,
      url: 'http://127.0.0.1:9/a/rather/long/path/for/the/receiver/of/the/events/of/this/partner',
      events: ['contact.*'],
      description: 'Our CRM, which keeps the contacts of every client in step',
    });
    expect(hook.status).toBe(201);
    const notice = await t.call(t.root, 'POST', '/api/2/announcements', {
      category: 'technical',
      scope_tenant_id: p.partnerId,
      subject: { en: 'Scheduled maintenance of the storage clusters in every region' },
      body: { en: 'We upgrade the storage clusters.' },
    });
    expect(notice.status).toBe(202);
  }, 60_000);
  afterAll(() => w?.close());

  /** How many lines an element's text takes (its fragments' distinct tops). */
  const linesOf = (e: Element) => {
    const range = document.createRange();
    range.selectNodeContents(e);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  };

  const pages = () => [
    { name: 'my-company', path: '/my-company', rows: 2 },
    { name: 'clients', path: '/clients', rows: 0 },
    { name: 'client-configure', path: `/clients/${p.customerId}`, rows: 1 },
    { name: 'users', path: '/users', rows: 3 },
    { name: 'notices', path: '/notices', rows: 0 },
    { name: 'webhooks', path: '/webhooks', rows: 0 },
  ];

  async function open(width: number, height: number) {
    const page = await w.newPage({ width, height });
    await signIn(page, p.admin.login, `pw-${p.admin.login}`);
    return page;
  }
  async function settle(page: Page) {
    await page.locator('main h1').first().waitFor();
    await page.waitForFunction(() => !document.body.innerText.includes('Loading…'));
  }
  /** The page's width, and the buttons in <main> that stick out of the viewport at either side. */
  const measure = (page: Page) =>
    page.evaluate(() => {
      const outside = [...document.querySelectorAll('main button')]
        .filter((b) => (b as HTMLElement).offsetParent !== null)
        .map((b) => ({ name: b.getAttribute('aria-label') ?? b.textContent ?? '', box: b.getBoundingClientRect() }))
        .filter(({ box }) => box.left < 0 || box.right > window.innerWidth)
        .map(({ name, box }) => `${name} at ${Math.round(box.left)}..${Math.round(box.right)}`);
      const actions = [...document.querySelectorAll('main button')].filter((b) =>
        /^(Edit|Delete|Send activation)/.test(b.getAttribute('aria-label') ?? b.textContent ?? ''),
      ).length;
      return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, outside, actions };
    });

  it('shows every table as cards with each action in reach at 390×844', async () => {
    const page = await open(390, 844);
    for (const { name, path, rows } of pages()) {
      await page.goto(path);
      await settle(page);
      const seen = await measure(page);
      expect(seen.scrollWidth, `${name}: page width`).toBeLessThanOrEqual(390);
      expect(seen.outside, `${name}: buttons out of reach`).toEqual([]);
      if (rows) {
        // Rows are cards: blocks, each value captioned.
        const cards = page.locator('main table.stack-narrow > tbody > tr');
        await expect.poll(() => cards.count(), { message: name }).toBe(rows);
        expect(await cards.first().evaluate((tr) => getComputedStyle(tr).display)).toBe('block');
        const caption = await cards
          .first()
          .locator('td')
          .first()
          .evaluate((td) => getComputedStyle(td, '::before').content);
        expect(caption).toMatch(/^"(Name|Login)"$/);
        expect(seen.actions, `${name}: action buttons`).toBeGreaterThan(0);
      }
      await screenshot(page, `phone-${name}`);
    }
    await page.goto('/my-company');
    await settle(page);
    await expectAccessible(page, 'contacts as cards');
    // The long address wraps inside its card, at its dots or @.
    const email = page.locator('main .email', { hasText: LONG_EMAIL });
    expect(await email.evaluate(linesOf)).toBeGreaterThan(1);
    // Users keep their sort buttons above the cards.
    await page.goto('/users');
    await settle(page);
    await page.getByRole('button', { name: /^Name/ }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('order')).toBe('name');
  }, 120_000);

  it('scrolls a dialog taller than the phone inside it, its buttons always on screen', async () => {
    const page = await open(390, 600);
    await page.goto('/my-company');
    await settle(page);
    await page.getByRole('button', { name: 'Add a contact' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: 'Create a new contact' }).check();
    const add = dialog.getByRole('button', { name: 'Add', exact: true });
    const onScreen = () =>
      add.evaluate((b) => {
        const box = b.getBoundingClientRect();
        return box.top >= 0 && box.bottom <= window.innerHeight && box.right <= window.innerWidth;
      });
    // Taller than the window: it scrolls inside, from its top to its foot, the buttons in view throughout.
    expect(await dialog.evaluate((d) => d.scrollHeight > d.clientHeight)).toBe(true);
    expect(await onScreen()).toBe(true);
    await dialog.evaluate((d) => d.scrollTo(0, d.scrollHeight));
    expect(await onScreen()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectAccessible(page, 'tall dialog on a phone');
    await screenshot(page, 'phone-tall-dialog');
  });

  it('keeps tables at 1280×800 without overflow, addresses whole', async () => {
    const page = await open(1280, 800);
    for (const { name, path, rows } of pages()) {
      await page.goto(path);
      await settle(page);
      const seen = await measure(page);
      expect(seen.scrollWidth, `${name}: page width`).toBeLessThanOrEqual(1280);
      expect(seen.outside, `${name}: buttons out of reach`).toEqual([]);
      if (rows) {
        const row = page.locator('main table.stack-narrow > tbody > tr').first();
        expect(await row.evaluate((tr) => getComputedStyle(tr).display)).toBe('table-row');
      }
    }
    await page.goto('/my-company');
    await settle(page);
    const email = page.locator('main .email', { hasText: LONG_EMAIL });
    await screenshot(page, 'laptop-my-company');
    // Wrapped, if at all, between its pieces (after a dot, before the @): each piece on one line.
    const pieces = await email.locator(':scope > span').evaluateAll((spans) =>
      spans.map((span) => {
        const range = document.createRange();
        range.selectNodeContents(span);
        return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
      }),
    );
    expect(pieces.length).toBe(LONG_EMAIL.split(/[.@]/).length);
    expect(
      pieces.every((lines) => lines === 1),
      `lines of each piece: ${pieces}`,
    ).toBe(true);
  }, 120_000);
});
