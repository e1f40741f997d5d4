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

const labels = {
  en: {
    text: 'Search by subject',
    type: 'Contact type',
    status: 'Status',
    all: 'All',
    clear: 'Clear filters',
    billing: 'Billing',
    technical: 'Technical',
    draft: 'Draft',
    cancelled: 'Cancelled',
    none: 'No notice matches these filters.',
    maintenance: 'Maintenance on Sunday',
    search: 'MAINTENANCE',
  },
  it: {
    text: 'Cerca per oggetto',
    type: 'Tipo di contatto',
    status: 'Stato',
    all: 'Tutti',
    clear: 'Azzera i filtri',
    billing: 'Fatturazione',
    technical: 'Tecnico',
    draft: 'Bozza',
    cancelled: 'Annullato',
    none: 'Nessun avviso corrisponde a questi filtri.',
    maintenance: 'Manutenzione di domenica',
    search: 'manutenzione',
  },
};

// The notices list filters by subject text, contact type and status on the server; the filters
// live in the address — in English and, at a phone's width, in Italian.
describe.runIf(haveBrowser)('filters of the notices list', () => {
  let w: BrowserWorld;
  let p: PartnerWorld;

  beforeAll(async () => {
    w = await startBrowserWorld();
    const { t } = w;
    p = await createPartnerWorld(t, 'NoticeFilters');
    const sendAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const notice = async (category: string, subject: Record<string, string>, state = 'scheduled') => {
      const res = await t.call(p.admin, 'POST', '/api/2/announcements', {
        ...(state === 'draft' ? { draft: true } : {}),
        category,
        subject,
        body: { en: 'Details inside.', ...(subject.it ? { it: 'Dettagli all’interno.' } : {}) },
        scope_tenant_id: p.customerId,
        send_at: sendAt,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(state === 'draft' ? 201 : 202);
      if (state === 'cancelled')
        expect((await t.call(p.admin, 'POST', `/api/2/announcements/${res.body.id}/cancel`)).status).toBe(200);
    };
    await notice('billing', { en: 'New invoice layout' });
    await notice('technical', { en: 'Maintenance on Sunday', it: 'Manutenzione di domenica' });
    await notice('management', { en: 'Contract renewal' }, 'draft');
    await notice('technical', { en: 'Old outage report' }, 'cancelled');
  }, 60_000);
  afterAll(() => w?.close());

  const subjects = (page: Page) => page.locator('main .card-list > li h3').allTextContents();
  const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000 });
  const everyone = (l: (typeof labels)['en']) =>
    ['Old outage report', 'Contract renewal', l.maintenance, 'New invoice layout'].sort();
  const sorted = async (page: Page) => (await subjects(page)).sort();

  for (const [language, width, height] of [
    ['en', 1280, 800],
    ['it', 390, 844],
  ] as const) {
    const l = labels[language];
    it(`filters in ${language === 'en' ? 'English at 1280×800' : 'Italian at 390×844'}`, async () => {
      const page = await w.newPage({ width, height, locale: language === 'en' ? 'en-GB' : 'it-IT' });
      await signIn(page, p.admin.login, `pw-${p.admin.login}`);
      await page.getByRole('combobox', { name: /^(Language|Lingua)$/ }).selectOption(language);
      await page.goto('/notices');
      const filters = page.getByRole('search');
      const type = filters.getByLabel(l.type, { exact: true });
      const status = filters.getByLabel(l.status, { exact: true });
      const text = filters.getByLabel(l.text);
      await poll(() => sorted(page)).toEqual(everyone(l));

      await type.selectOption({ label: l.billing });
      await poll(() => subjects(page)).toEqual(['New invoice layout']);
      expect(new URL(page.url()).searchParams.get('type')).toBe('billing');
      await type.selectOption({ label: l.all });
      await status.selectOption({ label: l.draft });
      await poll(() => subjects(page)).toEqual(['Contract renewal']);
      await status.selectOption({ label: l.cancelled });
      await poll(() => subjects(page)).toEqual(['Old outage report']);
      await type.selectOption({ label: l.billing });
      await poll(() => page.locator('main').textContent()).toContain(l.none);
      await type.selectOption({ label: l.all });
      await status.selectOption({ label: l.all });
      await poll(() => sorted(page)).toEqual(everyone(l));

      // The text is searched on the server, in the subject of any language and any case.
      await text.fill(l.search);
      await poll(() => subjects(page)).toEqual([l.maintenance]);
      await text.fill('nothing-like-this');
      await poll(() => page.locator('main').textContent()).toContain(l.none);
      expect(await page.locator('main .card-list').count()).toBe(0);
      await text.fill('o');
      await type.selectOption({ label: l.technical });
      await poll(() => sorted(page)).toEqual(['Old outage report', l.maintenance].sort());
      const { scrollWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth }));
      expect(scrollWidth).toBeLessThanOrEqual(width);
      await expectAccessible(page, `notices filtered (${language})`);
      await screenshot(page, language === 'en' ? 'notice-filters-en' : 'notice-filters-it-phone');

      // The filters live in the address: a reload (or a shared link) shows the same list.
      await status.selectOption({ label: l.cancelled });
      await poll(() => subjects(page)).toEqual(['Old outage report']);
      const params = new URL(page.url()).searchParams;
      expect([params.get('q'), params.get('type'), params.get('state')]).toEqual(['o', 'technical', 'cancelled']);
      await page.reload();
      await poll(() => subjects(page)).toEqual(['Old outage report']);
      expect(await text.inputValue()).toBe('o');
      expect(await type.inputValue()).toBe('technical');
      expect(await status.inputValue()).toBe('cancelled');

      await filters.getByRole('button', { name: l.clear }).click();
      await poll(() => sorted(page)).toEqual(everyone(l));
      expect(new URL(page.url()).search).toBe('');
      expect(await text.inputValue()).toBe('');
    });
  }
});
