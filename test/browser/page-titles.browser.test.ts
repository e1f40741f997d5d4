import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { haveBrowser, screenshot, signIn, startBrowserWorld, type BrowserWorld } from './browser-support.js';
import { createPartnerWorld, ROOT_PASSWORD, type PartnerWorld } from '../support/test-app.js';

// Every page names the browser tab ("Clients · Liaison"), in the language shown, and the menu
// marks the section one is in, also on the pages below it (a client's page, a notice).
describe.runIf(haveBrowser)('page titles and the current section in the menu', () => {
  let w: BrowserWorld;
  let p: PartnerWorld;
  let rootName: string;
  let noticeId: string;

  beforeAll(async () => {
    w = await startBrowserWorld({ smtp: false });
    p = await createPartnerWorld(w.t, 'Titles');
    rootName = (await w.t.call(w.t.root, 'GET', `/api/2/tenants/${w.t.rootTenantId}`)).body.name;
    const notice = await w.t.call(w.t.root, 'POST', '/api/2/announcements', {
      category: 'technical',
      scope_tenant_id: p.partnerId,
      subject: { en: 'Storage upgrade', it: 'Aggiornamento dello storage' },
      body: { en: 'We upgrade the storage.' },
    });
    expect(notice.status).toBe(202);
    noticeId = notice.body.id;
  }, 60_000);
  afterAll(() => w?.close());

  /** path, the title expected in English and in Italian, the menu entry marked current (if any). */
  const pages = () =>
    [
      ['/my-company', `${rootName} · Company profile`, `${rootName} · Profilo aziendale`, 'myCompany'],
      ['/clients', 'Clients', 'Clienti', 'clients'],
      [`/clients/${p.customerId}`, 'Customer of Titles · Clients', 'Customer of Titles · Clienti', 'clients'],
      ['/users', 'Users', 'Utenti', 'users'],
      [`/users?tenant=${p.partnerId}`, 'Users of Partner Titles', 'Utenti di Partner Titles', 'users'],
      ['/webhooks', 'Webhooks', 'Webhook', 'webhooks'],
      ['/notices', 'Notice list · Notices', 'Elenco degli avvisi · Avvisi', 'notices'],
      ['/notices/new', 'New notice · Notices', 'Nuovo avviso · Avvisi', 'notices'],
      ['/notices/coverage', 'Contact coverage · Notices', 'Copertura dei contatti · Avvisi', 'notices'],
      [`/notices/${noticeId}`, 'Storage upgrade · Notices', 'Aggiornamento dello storage · Avvisi', 'notices'],
      ['/mailbox', 'Mailbox', 'Casella di posta', 'mailbox'],
    ] as const;
  const menu: Record<'en' | 'it', Record<string, string>> = {
    en: { myCompany: 'Company management', clients: 'Clients', users: 'Users', webhooks: 'Webhooks' },
    it: { myCompany: 'Gestione azienda', clients: 'Clienti', users: 'Utenti', webhooks: 'Webhook' },
  };
  Object.assign(menu.en, { notices: 'Notices', mailbox: 'Mailbox' });
  Object.assign(menu.it, { notices: 'Avvisi', mailbox: 'Posta' });
  const menuLabel = (language: 'en' | 'it', key: string) => menu[language][key];

  const titled = (page: Page, title: string) =>
    expect.poll(() => page.title(), { timeout: 10_000 }).toBe(`${title} · Liaison`);

  for (const language of ['en', 'it'] as const) {
    it(`names every signed-in page and marks its section, in ${language === 'en' ? 'English' : 'Italian'}`, async () => {
      const page = await w.newPage({ locale: language === 'en' ? 'en-GB' : 'it-IT' });
      await signIn(page, 'admin', ROOT_PASSWORD);
      // The root admin's own language is English and wins over the browser's: choose Italian in the header.
      if (language === 'it') await page.getByLabel('Language').selectOption('it');
      for (const [path, en, it, section] of pages()) {
        await page.goto(path);
        await titled(page, language === 'en' ? en : it);
        const nav = page.getByRole('navigation', { name: language === 'en' ? 'Main' : 'Principale' });
        const current = nav.locator('a[aria-current="page"]');
        await expect.poll(() => current.count()).toBe(1);
        expect(await current.textContent(), path).toBe(menuLabel(language, section));
        // Marked visibly, not only for screen readers: an underline in the accent colour and bold text.
        const look = await current.evaluate((a) => {
          const style = getComputedStyle(a);
          return { border: style.borderBottomColor, weight: style.fontWeight };
        });
        expect(look.border, path).not.toBe('rgba(0, 0, 0, 0)');
        expect(Number(look.weight), path).toBeGreaterThanOrEqual(600);
        const other = nav.locator('a:not([aria-current])').first();
        expect(await other.evaluate((a) => getComputedStyle(a).borderBottomColor)).toBe('rgba(0, 0, 0, 0)');
      }
      await page.goto(`/clients/${p.customerId}`);
      await titled(page, language === 'en' ? 'Customer of Titles · Clients' : 'Customer of Titles · Clienti');
      await screenshot(page, `titles-client-${language}`);
    }, 90_000);

    it(`names the sign-in and link pages, in ${language === 'en' ? 'English' : 'Italian'}`, async () => {
      const page = await w.newPage({ locale: language === 'en' ? 'en-GB' : 'it-IT' });
      const expected = [
        ['/sign-in', 'Sign in', 'Accedi'],
        ['/confirm-email', 'Confirm your new email address', 'Conferma il tuo nuovo indirizzo e-mail'],
        ['/activate', 'Activate your account', 'Attiva il tuo account'],
        ['/unsubscribe/not-a-real-token-0000000000', 'Notices by email', 'Avvisi via e-mail'],
      ] as const;
      for (const [path, en, it] of expected) {
        await page.goto(path);
        await titled(page, language === 'en' ? en : it);
      }
    });
  }

  it('follows a switch of language at once', async () => {
    const page = await w.newPage();
    await signIn(page, 'admin', ROOT_PASSWORD);
    await page.goto('/clients');
    await titled(page, 'Clients');
    await page.getByLabel('Language').selectOption('it');
    await titled(page, 'Clienti');
  });
});
