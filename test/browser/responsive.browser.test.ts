import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { haveBrowser, screenshot, signIn, startBrowserWorld, type BrowserWorld } from './browser-support.js';
import { createPartnerWorld, ROOT_PASSWORD, type PartnerWorld } from '../support/test-app.js';
import { loadMailTokens } from '../../src/platform/mail/mail-tokens.js';

// Every main page at a phone's width and at a laptop's: the page itself never scrolls
// sideways (wide tables scroll inside their own box).
describe.runIf(haveBrowser)('every main page at 390×844 and 1280×800', () => {
  let w: BrowserWorld;
  let p: PartnerWorld;
  let announcementId: string;
  let unsubscribeToken: string;
  let scheduledId: string;

  beforeAll(async () => {
    // No SMTP server: the messages land in the mailbox, so that page has content too.
    w = await startBrowserWorld({ smtp: false });
    const { t } = w;
    p = await createPartnerWorld(t, 'Responsive');
    const long = await t.call(t.root, 'POST', '/api/2/tenants', {
      name: 'Internationale Beratungs- und Vertriebsgesellschaft für Cloud-Dienstleistungen mbH',
      parent_id: p.partnerId,
      kind: 'customer',
    });
    expect(long.status).toBe(201);
    for (const [tenant, email, types] of [
      [
        p.partnerId,
        'operations.department.with.a.long.address@partner-company.example.test',
        ['technical', 'billing', 'management'],
      ],
      [p.customerId, 'tess@customer.example.test', ['technical']],
      [long.body.id, 'anna@beratung.example.test', ['billing']],
    ] as const) {
      const res = await t.call(t.root, 'POST', '/api/2/contacts', {
        tenant_id: tenant,
        types,
        firstname: email.split('@')[0],
        lastname: 'Example',
        email,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const announcement = await t.call(t.root, 'POST', '/api/2/announcements', {
      category: 'technical',
      scope_tenant_id: p.partnerId,
      subject: { en: 'Scheduled maintenance of the storage clusters in every region' },
      body: {
        en: 'We upgrade the storage clusters. Details: https://status.example.test/maintenance/2026/storage-clusters-upgrade-in-every-region',
      },
    });
    expect(announcement.status).toBe(202);
    announcementId = announcement.body.id;
    const scheduled = await t.call(t.root, 'POST', '/api/2/announcements', {
      category: 'billing',
      scope_tenant_id: p.partnerId,
      subject: { en: 'New price lists for every region and every kind of subscription, from next year on' },
      body: { en: 'The price lists change.' },
      send_at: new Date(Date.now() + 86400_000).toISOString(),
    });
    expect(scheduled.status).toBe(202);
    scheduledId = scheduled.body.id;
    // The unsubscribe page of one of its messages, with the token its List-Unsubscribe carries.
    const deadline = Date.now() + 20_000;
    let operations: { id: string } | undefined;
    while (!operations && Date.now() < deadline) {
      const deliveries = (await t.call(t.root, 'GET', `/api/2/announcements/${announcementId}/deliveries`)).body.items;
      operations = deliveries.find((d: { email: string }) => d.email.startsWith('operations.'));
      if (!operations) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (!operations) throw new Error('the notice has no delivery to the partner yet');
    unsubscribeToken = (await loadMailTokens(t.db)).sign('d', operations.id, 'unsubscribe');
  }, 60_000);
  afterAll(() => w?.close());

  const pages = () => [
    { name: 'my-company', path: '/my-company' },
    { name: 'users', path: '/users' },
    { name: 'clients', path: '/clients' },
    { name: 'client-configure', path: `/clients/${p.customerId}` },
    { name: 'notices', path: '/notices' },
    { name: 'notices-new', path: '/notices/new' },
    { name: 'notices-detail', path: `/notices/${announcementId}` },
    { name: 'notices-coverage', path: '/notices/coverage' },
    { name: 'notices-scheduled', path: `/notices/${scheduledId}` },
    { name: 'notices-edit', path: `/notices/${scheduledId}/edit` },
    { name: 'mailbox', path: '/mailbox' },
    { name: 'unsubscribe', path: `/unsubscribe/${unsubscribeToken}` },
  ];

  /** Waits until the page shows its heading and nothing is loading any more. */
  async function settle(page: Page) {
    await page.locator('main h1').first().waitFor();
    await page.waitForFunction(() => !document.body.innerText.includes('Loading…'));
  }

  for (const [width, height] of [
    [390, 844],
    [1280, 800],
  ] as const) {
    it(`has no horizontal page overflow at ${width}×${height}`, async () => {
      const page = await w.newPage({ width, height });
      await signIn(page, 'admin', ROOT_PASSWORD);
      const overflowing: string[] = [];
      for (const { name, path } of pages()) {
        await page.goto(path);
        await settle(page);
        if (name === 'clients') await page.getByRole('button', { name: `Clients of ${'Partner Responsive'}` }).click();
        if (name === 'mailbox') await page.getByText('Show the message').first().click();
        if (name === 'notices-detail') await page.getByText('Content', { exact: true }).click();
        await settle(page);
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({
          scrollWidth: document.scrollingElement!.scrollWidth,
          innerWidth: window.innerWidth,
        }));
        if (scrollWidth > innerWidth) overflowing.push(`${name}: ${scrollWidth} > ${innerWidth}`);
        await screenshot(page, `responsive-${name}-${width}`);
      }
      expect(overflowing).toEqual([]);
    }, 90_000);
  }
});
