import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
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
    contactText: 'Search by name or email',
    type: 'Contact type',
    emailState: 'Email',
    billing: 'Billing',
    invalid: 'Invalid (bounced)',
    pending: 'Change awaiting confirmation',
    all: 'All',
    clear: 'Clear filters',
    contactsShown: (shown: number, n: number) => `Contacts shown: ${shown} of ${n}`,
    userText: 'Search by login, name or email',
    status: 'Status',
    notActivated: 'Not activated',
    disabled: 'Disabled',
    usersShown: (shown: number, n: number) => `Users shown: ${shown} of ${n}`,
    noUser: 'No user matches these filters.',
    kind: 'Kind',
    folder: 'Folder',
    customer: 'Customer',
    clientSearch: 'Search clients',
  },
  it: {
    contactText: 'Cerca per nome o indirizzo e-mail',
    type: 'Tipo di contatto',
    emailState: 'Indirizzo e-mail',
    billing: 'Fatturazione',
    invalid: 'Non valido (respinto)',
    pending: 'Modifica in attesa di conferma',
    all: 'Tutti',
    clear: 'Azzera i filtri',
    contactsShown: (shown: number, n: number) => `Contatti mostrati: ${shown} di ${n}`,
    userText: 'Cerca per login, nome o indirizzo e-mail',
    status: 'Stato',
    notActivated: 'Non attivato',
    disabled: 'Disabilitato',
    usersShown: (shown: number, n: number) => `Utenti mostrati: ${shown} di ${n}`,
    noUser: 'Nessun utente corrisponde a questi filtri.',
    kind: 'Tipo',
    folder: 'Cartella',
    customer: 'Cliente',
    clientSearch: 'Cerca clienti',
  },
};

// Contacts filter by text, type and the state of their email; users by text and status; clients by
// text and kind — in English and, at a phone's width, in Italian.
describe.runIf(haveBrowser)('filters of the contacts, users and clients lists', () => {
  let w: BrowserWorld;
  let p: PartnerWorld;

  beforeAll(async () => {
    w = await startBrowserWorld();
    const { t } = w;
    p = await createPartnerWorld(t, 'Filters');
    const add = async (body: Record<string, unknown>) => {
      const res = await t.call(p.admin, 'POST', '/api/2/contacts', { tenant_id: p.partnerId, ...body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    };
    await add({ types: ['billing'], firstname: 'Anna', lastname: 'Archer', email: 'anna@filters.example.test' });
    const bruno = await add({
      types: ['technical'],
      firstname: 'Bruno',
      lastname: 'Bianchi',
      email: 'bruno@filters.example.test',
    });
    await t.db.updateTable('contacts').set({ validation_state: 'invalid' }).where('id', '=', bruno.id).execute();
    const linked = await add({ types: ['management'], user_id: p.admin.userId });
    const changed = await t.call(p.admin, 'PUT', `/api/2/contacts/${linked.id}`, {
      version: linked.version,
      email: 'admin.new@filters.example.test',
    });
    expect(changed.body.pending_email, JSON.stringify(changed.body)).toBe('admin.new@filters.example.test');

    for (const login of ['nadia', 'dora']) {
      const res = await t.call(p.admin, 'POST', '/api/2/users', {
        tenant_id: p.partnerId,
        login,
        contact: { email: `${login}@filters.example.test`, firstname: login === 'nadia' ? 'Nadia' : 'Dora' },
      });
      expect(res.status).toBe(200);
    }
    await t.db.updateTable('users').set({ enabled: false }).where('login', '=', 'dora').execute();

    const folder = await t.call(p.admin, 'POST', '/api/2/tenants', {
      name: 'Folder North',
      parent_id: p.partnerId,
      kind: 'folder',
    });
    expect(folder.status).toBe(201);
    for (const name of ['Acme Alpha', 'Zeta Zulu']) {
      const res = await t.call(p.admin, 'POST', '/api/2/tenants', {
        name,
        parent_id: folder.body.id,
        kind: 'customer',
      });
      expect(res.status).toBe(201);
    }
  }, 60_000);
  afterAll(() => w?.close());

  const rowsOf = (page: Page) => page.locator('main table > tbody > tr');
  const names = (rows: Locator) => rows.locator('td:first-child').allTextContents();
  const poll = expect.poll;

  for (const [language, width, height] of [
    ['en', 1280, 800],
    ['it', 390, 844],
  ] as const) {
    const l = labels[language];
    it(`filters in ${language === 'en' ? 'English at 1280×800' : 'Italian at 390×844'}`, async () => {
      const page = await w.newPage({ width, height, locale: language === 'en' ? 'en-GB' : 'it-IT' });
      await signIn(page, p.admin.login, `pw-${p.admin.login}`);
      await page.getByRole('combobox', { name: /^(Language|Lingua)$/ }).selectOption(language);

      // Contacts: type, email state, text (name or email), then all again.
      await page.goto('/my-company');
      const filters = page.getByRole('search');
      await poll(() => rowsOf(page).count()).toBe(3);
      await filters.getByLabel(l.type, { exact: true }).selectOption({ label: l.billing });
      await poll(() => names(rowsOf(page))).toEqual([expect.stringContaining('Anna Archer')]);
      await poll(() => page.locator('main .counts').textContent()).toBe(l.contactsShown(1, 3));
      await filters.getByLabel(l.type, { exact: true }).selectOption({ label: l.all });
      await filters.getByLabel(l.emailState, { exact: true }).selectOption({ label: l.invalid });
      await poll(() => names(rowsOf(page))).toEqual([expect.stringContaining('Bruno Bianchi')]);
      await filters.getByLabel(l.emailState, { exact: true }).selectOption({ label: l.pending });
      await poll(() => rowsOf(page).textContent()).toContain('admin.new@filters.example.test');
      await poll(() => rowsOf(page).count()).toBe(1);
      await filters.getByLabel(l.emailState, { exact: true }).selectOption({ label: l.all });
      await filters.getByLabel(l.contactText).fill('bianchi');
      await poll(() => names(rowsOf(page))).toEqual([expect.stringContaining('Bruno Bianchi')]);
      await filters.getByLabel(l.contactText).fill('ANNA@filters');
      await poll(() => names(rowsOf(page))).toEqual([expect.stringContaining('Anna Archer')]);
      await expectAccessible(page, `contacts filtered (${language})`);
      await screenshot(page, `filters-contacts-${language}`);
      // The filters live in the address: a reload (or a shared link) shows the same list.
      expect(new URL(page.url()).searchParams.get('q')).toBe('ANNA@filters');
      await page.reload();
      await poll(() => names(rowsOf(page))).toEqual([expect.stringContaining('Anna Archer')]);
      expect(await filters.getByLabel(l.contactText).inputValue()).toBe('ANNA@filters');
      await filters.getByRole('button', { name: l.clear }).click();
      await poll(() => rowsOf(page).count()).toBe(3);
      expect(new URL(page.url()).search).toBe('');

      // Users: status, then text over login, name and email.
      await page.goto('/users');
      const userFilters = page.getByRole('search');
      await poll(() => rowsOf(page).count()).toBe(4);
      await userFilters.getByLabel(l.status, { exact: true }).selectOption({ label: l.notActivated });
      await poll(() => names(rowsOf(page))).toEqual(['dora', 'nadia']);
      await userFilters.getByLabel(l.status, { exact: true }).selectOption({ label: l.disabled });
      await poll(() => names(rowsOf(page))).toEqual(['dora']);
      await poll(() => page.locator('main .counts').textContent()).toBe(l.usersShown(1, 4));
      await page.goto('/users?state=disabled');
      await poll(() => names(rowsOf(page))).toEqual(['dora']);
      expect(await userFilters.getByLabel(l.status, { exact: true }).inputValue()).toBe('disabled');
      await userFilters.getByLabel(l.status, { exact: true }).selectOption({ label: l.all });
      await userFilters.getByLabel(l.userText).fill('nadia@');
      await poll(() => names(rowsOf(page))).toEqual(['nadia']);
      await userFilters.getByLabel(l.userText).fill('nobody-at-all');
      await poll(() => page.locator('main').textContent()).toContain(l.noUser);
      await expectAccessible(page, `users filtered (${language})`);
      await screenshot(page, `filters-users-${language}`);

      // Clients: a kind alone lists that kind in the whole subtree; with text, the search narrowed to it.
      await page.goto('/clients');
      const search = page.getByRole('search');
      await search.getByLabel(l.kind, { exact: true }).selectOption({ label: l.customer });
      const hits = page.locator('main .hits > li .tree-row a');
      await poll(() => hits.allTextContents()).toEqual(['Acme Alpha', 'Customer of Filters', 'Zeta Zulu'].sort());
      expect(new URL(page.url()).searchParams.get('kind')).toBe('customer');
      await search.getByLabel(l.clientSearch).fill('a');
      await search.getByLabel(l.clientSearch).press('Enter');
      await poll(() => hits.count()).toBeGreaterThan(0);
      await search.getByLabel(l.clientSearch).fill('acme');
      await search.getByLabel(l.clientSearch).press('Enter');
      await poll(() => hits.allTextContents()).toEqual(['Acme Alpha']);
      await search.getByLabel(l.kind, { exact: true }).selectOption({ label: l.folder });
      await poll(() => page.getByRole('status').first().textContent()).toMatch(/acme/);
      await poll(() => hits.count()).toBe(0);
      await search.getByLabel(l.clientSearch).fill('');
      await search.getByLabel(l.clientSearch).press('Enter');
      await poll(() => hits.allTextContents()).toEqual(['Folder North']);
      const { scrollWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth }));
      expect(scrollWidth).toBeLessThanOrEqual(width);
      await expectAccessible(page, `clients by kind (${language})`);
      await screenshot(page, `filters-clients-${language}`);
    }, 120_000);
  }
});
