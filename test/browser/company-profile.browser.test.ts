import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectAccessible,
  haveBrowser,
  screenshot,
  signIn,
  startBrowserWorld,
  type BrowserWorld,
} from './browser-support.js';
import { createPartnerWorld, type PartnerWorld } from '../support/test-app.js';

// The company profile (the legal contact card) on My company and on a client's page, its primary
// contacts, and on a client's page who receives its notices (its own contacts or an ancestor's).

const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
/** The text of the elements an element's aria-describedby names. */
const described = (target: Locator) =>
  target.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' '),
  );
const focusedIs = (target: Locator) => target.evaluate((el) => el === document.activeElement);
/** Presses Tab until the focused element's text or label starts with `name` (at most 60 presses). */
async function tabTo(page: Page, tag: string, name: string) {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const el = await page.evaluate(() => {
      const a = document.activeElement as HTMLInputElement | null;
      const labelled = a?.labels?.[0]?.textContent ?? '';
      return { tag: a?.tagName ?? '', name: (a?.textContent || labelled || '').trim() };
    });
    if (el.tag === tag && el.name.startsWith(name)) return;
  }
  throw new Error(`Tab never reached ${tag} ${name}`);
}
/** Types into the focused field after clearing it. */
async function retype(page: Page, text: string) {
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Backspace');
  if (text) await page.keyboard.type(text);
}
/** The read view of a profile card as "label value" pairs. */
const facts = (card: Locator) =>
  card
    .locator('dl > div')
    .evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => (c.textContent ?? '').trim()).join(' ')));

describe.runIf(haveBrowser)('company profile and who receives notices', { timeout: 180_000 }, () => {
  let w: BrowserWorld;
  let p: PartnerWorld;
  const open = async (options?: Parameters<BrowserWorld['newPage']>[0]) => {
    const page = await w.newPage(options);
    page.setDefaultTimeout(15_000);
    return page;
  };
  const tenant = async (id: string) => (await w.t.call(p.admin, 'GET', `/api/2/tenants/${id}`)).body;
  const addContact = async (tenantId: string, first: string, types: string[]) => {
    const res = await w.t.call(p.admin, 'POST', '/api/2/contacts', {
      tenant_id: tenantId,
      types,
      firstname: first,
      lastname: 'Rossi',
      email: `${first.toLowerCase()}@example.test`,
    });
    expect(res.status).toBe(201);
    return res.body;
  };

  beforeAll(async () => {
    w = await startBrowserWorld({ smtp: false });
    p = await createPartnerWorld(w.t, 'Profile');
    // Fields the form does not show must survive its save (the PUT replaces the whole card).
    const before = await tenant(p.partnerId);
    const res = await w.t.call(p.admin, 'PUT', `/api/2/tenants/${p.partnerId}`, {
      version: before.version,
      contact: { firstname: 'Legal', lastname: 'Desk', address2: 'Floor 3', city: 'Milan' },
    });
    expect(res.status).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  it('edits the partner profile by keyboard alone, in English at 1280x800, with errors and a conflict said', async () => {
    await addContact(p.partnerId, 'Bianca', ['billing']);
    const page = await open();
    await signIn(page, p.admin.login, `pw-${p.admin.login}`);
    await page.goto('/my-company');
    const card = page.locator('section', { has: page.getByRole('heading', { level: 2, name: 'Partner profile' }) });
    await card.waitFor();
    expect(await facts(card)).toEqual(['Address line 2 Floor 3', 'City Milan']);
    expect(await card.locator('.profile-missing').textContent()).toBe(
      'Not given: Address, State or province, Postcode, Country, Phone, Fax, Website, Email.',
    );
    // The primaries above the contacts table: Bianca for billing, none for the others.
    const primaries = page.locator('section', {
      has: page.getByRole('heading', { name: 'Primary contact of each type' }),
    });
    await poll(() => primaries.textContent()).toBe(
      'Primary contact of each typeBilling: Bianca Rossi bianca@example.testTechnical: noneBusiness: none',
    );
    await expectAccessible(page, 'my company with its profile');

    // Keyboard only: Edit, then a website the API refuses.
    await tabTo(page, 'BUTTON', 'Edit');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Edit Partner profile' });
    const address = dialog.getByRole('textbox', { name: /^Address(?! line)/ });
    await poll(() => focusedIs(address)).toBe(true);
    await page.keyboard.type('Via Roma 1');
    await tabTo(page, 'INPUT', 'State or province');
    await page.keyboard.type('MI');
    await tabTo(page, 'INPUT', 'Postcode');
    await page.keyboard.type('20100');
    await tabTo(page, 'INPUT', 'Country');
    await page.keyboard.type('IT');
    await tabTo(page, 'INPUT', 'Phone');
    await page.keyboard.type('+39 02 1234 567');
    await tabTo(page, 'INPUT', 'Fax');
    await page.keyboard.type('+39 02 1234 568');
    await tabTo(page, 'INPUT', 'Website');
    await page.keyboard.type('www.example.com');
    await tabTo(page, 'INPUT', 'Email');
    await page.keyboard.type('legal@example.test');
    await page.keyboard.press('Enter');
    const website = dialog.getByRole('textbox', { name: /^Website/ });
    await poll(() => website.getAttribute('aria-invalid')).toBe('true');
    expect(await described(website)).toContain('Enter a web address starting with https:// or http://');
    expect(await focusedIs(website)).toBe(true);
    await expectAccessible(page, 'profile form with an error');
    await screenshot(page, 'company-profile-error');
    await retype(page, 'https://example.com');

    // Changed elsewhere meanwhile: the form keeps what was typed and says what changed.
    const current = await tenant(p.partnerId);
    const elsewhere = await w.t.call(p.admin, 'PUT', `/api/2/tenants/${p.partnerId}`, {
      version: current.version,
      contact: { ...current.contact, city: 'Turin' },
    });
    expect(elsewhere.status).toBe(200);
    await tabTo(page, 'BUTTON', 'Save');
    await page.keyboard.press('Enter');
    await dialog.getByText('Someone else changed the company profile meanwhile').waitFor();
    expect(await dialog.getByRole('alert').textContent()).toContain('Changed meanwhile: City.');
    expect(await dialog.getByRole('textbox', { name: /^City/ }).inputValue()).toBe('Turin');
    expect(await address.inputValue()).toBe('Via Roma 1');
    await screenshot(page, 'company-profile-conflict');
    await tabTo(page, 'BUTTON', 'Save');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('The company profile was saved.').waitFor();
    expect(await facts(card)).toEqual([
      'Address Via Roma 1',
      'Address line 2 Floor 3',
      'City Turin',
      'State or province MI',
      'Postcode 20100',
      'Country IT',
      'Phone +39 02 1234 567',
      'Fax +39 02 1234 568',
      'Website https://example.com',
      'Email legal@example.test',
    ]);
    expect(await card.locator('.profile-missing').count()).toBe(0);
    expect((await tenant(p.partnerId)).contact).toEqual({
      firstname: 'Legal',
      lastname: 'Desk',
      address1: 'Via Roma 1',
      address2: 'Floor 3',
      city: 'Turin',
      state: 'MI',
      zipcode: '20100',
      country: 'IT',
      phone: '+39 02 1234 567',
      fax: '+39 02 1234 568',
      website: 'https://example.com',
      email: 'legal@example.test',
    });
    await expectAccessible(page, 'my company after saving');
    await screenshot(page, 'company-profile-en');
  });

  it('in Italian on a phone: a client’s profile edited, and who receives its notices, inherited or its own', async () => {
    await addContact(p.customerId, 'Carlo', ['technical']);
    const page = await open({ width: 390, height: 844, locale: 'it-IT' });
    await signIn(page, p.admin.login, `pw-${p.admin.login}`);
    await page.getByRole('combobox', { name: /^(Language|Lingua)$/ }).selectOption('it');
    await page.goto(`/clients/${p.customerId}`);
    const card = page.locator('section', { has: page.getByRole('heading', { level: 2, name: 'Profilo aziendale' }) });
    await card.waitFor();

    // Billing from the partner above it, Technical its own (primary), Business nobody.
    const receivers = page.locator('section', { has: page.getByRole('heading', { name: 'Chi riceve gli avvisi' }) });
    await poll(() => receivers.textContent()).toContain(
      'Bianca Rossi bianca@example.testprincipale da Partner Profile',
    );
    const text = (await receivers.textContent()) ?? '';
    expect(text).toMatch(/TecnicoCarlo Rossi carlo@example\.testprincipale(?!\s*da)/);
    expect(text).toContain('Nessuno riceve gli avvisi di tipo Business per questo cliente');

    await card.getByRole('button', { name: 'Modifica Profilo aziendale' }).click();
    const dialog = page.getByRole('dialog', { name: 'Modifica Profilo aziendale' });
    await dialog
      .getByRole('textbox', { name: /^Indirizzo\b/ })
      .first()
      .fill('Corso Italia 22');
    await dialog.getByRole('textbox', { name: /^CAP/ }).fill('10100!');
    await dialog.getByRole('textbox', { name: /^Città/ }).fill('Torino');
    await dialog.getByRole('textbox', { name: /^Indirizzo e-mail/ }).fill('amministrazione@cliente.example');
    await dialog.getByRole('button', { name: 'Salva' }).click();
    const zip = dialog.getByRole('textbox', { name: /^CAP/ });
    await poll(() => zip.getAttribute('aria-invalid')).toBe('true');
    expect(await described(zip)).toContain('Usa solo lettere, cifre, spazi e trattini');
    await expectAccessible(page, 'client profile form (it, phone)');
    await screenshot(page, 'company-profile-it-phone-form');
    await zip.fill('10100');
    await dialog.getByRole('button', { name: 'Salva' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('Il profilo aziendale è stato salvato.').waitFor();
    expect(await facts(card)).toContain('Indirizzo e-mail amministrazione@cliente.example');
    expect(await card.locator('.profile-missing').textContent()).toBe(
      'Non indicati: Indirizzo (seconda riga), Provincia o stato, Paese, Telefono, Fax, Sito web.',
    );
    expect((await tenant(p.customerId)).contact).toEqual({
      address1: 'Corso Italia 22',
      city: 'Torino',
      zipcode: '10100',
      email: 'amministrazione@cliente.example',
    });
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.scrollingElement!.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    await expectAccessible(page, 'client page (it, phone)');
    await screenshot(page, 'company-profile-it-phone');
  });

  it('shows a read-only admin the profiles without Edit', async () => {
    const page = await open();
    await signIn(page, p.readonly.name, `pw-${p.readonly.name}`);
    await page.goto('/my-company');
    const card = page.locator('section', { has: page.getByRole('heading', { level: 2, name: 'Partner profile' }) });
    await card.getByText('Via Roma 1').waitFor();
    await page.getByRole('heading', { name: 'Primary contact of each type' }).waitFor();
    expect(await card.getByRole('button').count()).toBe(0);
    await expectAccessible(page, 'my company (read-only)');
    await screenshot(page, 'company-profile-read-only');
    await page.goto(`/clients/${p.customerId}`);
    const client = page.locator('section', { has: page.getByRole('heading', { level: 2, name: 'Company profile' }) });
    await client.getByText('Corso Italia 22').waitFor();
    await page.getByText('from Partner Profile').waitFor();
    expect(await client.getByRole('button').count()).toBe(0);
    // The server refuses too.
    const current = await tenant(p.customerId);
    const res = await w.t.call(p.readonly, 'PUT', `/api/2/tenants/${p.customerId}`, {
      version: current.version,
      contact: { city: 'Rome' },
    });
    expect(res.status).toBe(403);
    // Another partner can neither read nor change the card, nor see who receives the client's notices.
    const other = await createPartnerWorld(w.t, 'Elsewhere');
    expect((await w.t.call(other.admin, 'GET', `/api/2/tenants/${p.customerId}`)).status).toBe(404);
    const sideways = await w.t.call(other.admin, 'PUT', `/api/2/tenants/${p.customerId}`, {
      version: current.version,
      contact: { city: 'Rome' },
    });
    expect(sideways.status).toBe(404);
    const path = `/api/2/tenants/${p.customerId}/effective-contacts?type=billing`;
    expect((await w.t.call(other.admin, 'GET', path)).status).toBe(404);
    expect((await tenant(p.customerId)).contact.city).toBe('Torino');
  });
});
