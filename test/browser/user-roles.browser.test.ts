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

// The roles of a user, edited from the Users page: what the API holds is checked after every save.

const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
/** The text of the elements an element's aria-describedby names. */
const described = (target: Locator) =>
  target.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' '),
  );
/** What has the focus: its tag, its accessible name's parts (aria-label, text, label) and its value. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const a = document.activeElement as HTMLSelectElement | null;
    return {
      tag: a?.tagName ?? '',
      name: (a?.getAttribute('aria-label') || a?.labels?.[0]?.textContent || a?.textContent || '').trim(),
      value: a?.value ?? '',
    };
  });
/** Presses Tab until the focused element matches (at most 80 presses): keyboard only, no clicks. */
async function tabTo(page: Page, test: (el: { tag: string; name: string }) => boolean) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    if (test(await focused(page))) return;
  }
  throw new Error('Tab never reached the element');
}
/** No sideways scroll, and every visible button of `scope` inside the window's width. */
async function fitsWidth(page: Page, scope: Locator) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.scrollingElement!.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  for (const button of await scope.getByRole('button').all()) {
    const box = await button.boundingBox();
    const name = (await button.textContent()) ?? '';
    expect(box, name).not.toBeNull();
    expect(box!.x, name).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, name).toBeLessThanOrEqual(innerWidth);
  }
}
const optionTexts = (select: Locator) => select.locator('option').allTextContents();

describe.runIf(haveBrowser)('a user’s roles in the console', { timeout: 180_000 }, () => {
  let w: BrowserWorld;
  let p: PartnerWorld;
  let colleague: { id: string; login: string };
  const customer = () => `Customer of Roles`;

  const open = async (options?: Parameters<BrowserWorld['newPage']>[0]) => {
    const page = await w.newPage(options);
    page.setDefaultTimeout(15_000);
    return page;
  };
  /** The colleague's roles as the API holds them, `tenant/role` sorted. */
  const rolesOf = async (userId: string) => {
    const res = await w.t.call(p.admin, 'GET', `/api/2/users/${userId}/access_policies`);
    expect(res.status).toBe(200);
    return (res.body.items as { tenant_id: string; role_id: string }[])
      .map((x) => `${x.tenant_id}/${x.role_id}`)
      .sort();
  };

  beforeAll(async () => {
    w = await startBrowserWorld({ smtp: false });
    p = await createPartnerWorld(w.t, 'Roles');
    const made = await w.t.call(p.admin, 'POST', '/api/2/users', {
      tenant_id: p.partnerId,
      login: 'carla.colleague',
      contact: { email: 'carla@example.test', firstname: 'Carla', lastname: 'Conti' },
    });
    expect(made.status).toBe(200);
    colleague = { id: made.body.id, login: made.body.login };
    const granted = await w.t.call(p.admin, 'PUT', `/api/2/users/${colleague.id}/access_policies`, {
      items: [{ tenant_id: p.partnerId, role_id: 'readonly_admin' }],
    });
    expect(granted.status).toBe(200);
  }, 60_000);
  afterAll(() => w?.close());

  it('makes a colleague company admin of a client by keyboard alone, then removes it (English, 1280x800)', async () => {
    const page = await open();
    await signIn(page, p.admin.login, `pw-${p.admin.login}`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    await page.getByRole('button', { name: `Roles of ${colleague.login}` }).waitFor();

    // Keyboard only: open the colleague's roles and add one.
    await tabTo(page, (el) => el.tag === 'BUTTON' && el.name === `Roles of ${colleague.login}`);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `Roles of ${colleague.login}` });
    const list = dialog.getByRole('list', { name: 'Current roles' });
    await list.getByText('Read-only admin', { exact: true }).waitFor();
    expect(await list.textContent()).toMatch(/Partner Roles.*Read-only admin.*sees everything, changes nothing/);
    const company = dialog.getByRole('combobox', { name: 'Company' });
    const role = dialog.getByRole('combobox', { name: 'Role' });
    // The roles offered fit the kind of company chosen, each saying what it may do.
    expect(await optionTexts(company)).toEqual(['Partner Roles (Partner)', `${customer()} (Customer)`]);
    expect(await optionTexts(role)).toEqual([
      'Choose a role…',
      'Partner admin — manages the partner, its clients, users and contacts',
      'Read-only admin — sees everything, changes nothing',
      'User — no console access beyond its own profile',
    ]);
    await poll(() => focused(page)).toMatchObject({ tag: 'SELECT', name: 'Company' });
    await page.keyboard.press('ArrowDown');
    expect(await company.inputValue()).toBe(p.customerId);
    expect(await optionTexts(role)).toEqual([
      'Choose a role…',
      'Company admin — manages its company’s users and contacts',
      'Read-only admin — sees everything, changes nothing',
      'User — no console access beyond its own profile',
    ]);
    // Add without a role: said beside the field.
    await tabTo(page, (el) => el.tag === 'BUTTON' && el.name === 'Add');
    await page.keyboard.press('Enter');
    await poll(() => role.getAttribute('aria-invalid')).toBe('true');
    expect(await described(role)).toContain('Choose a role.');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toMatchObject({ tag: 'SELECT', name: 'Role' });
    await page.keyboard.press('ArrowDown');
    expect(await role.inputValue()).toBe('company_admin');
    expect(await described(role)).toContain('Company admin — manages its company’s users and contacts');
    await tabTo(page, (el) => el.tag === 'BUTTON' && el.name === 'Add');
    await page.keyboard.press('Enter');
    await poll(() => list.textContent()).toMatch(/Customer of Roles.*Company admin.*manages its company’s users/);
    await poll(() => dialog.getByRole('status').textContent()).toBe(
      'Company admin on Customer of Roles added: save to keep it.',
    );
    // Nothing is written before Save.
    expect(await rolesOf(colleague.id)).toEqual([`${p.partnerId}/readonly_admin`]);
    await expectAccessible(page, 'roles dialog with a role added');
    await screenshot(page, 'user-roles-added-en');
    await tabTo(page, (el) => el.tag === 'BUTTON' && el.name === 'Save');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await poll(() => page.getByRole('status').first().textContent()).toContain(
      `The roles of ${colleague.login} were saved.`,
    );
    expect(await rolesOf(colleague.id)).toEqual(
      [`${p.partnerId}/readonly_admin`, `${p.customerId}/company_admin`].sort(),
    );

    // And away again.
    await page.getByRole('button', { name: `Roles of ${colleague.login}` }).click();
    await list.getByText('Company admin', { exact: true }).waitFor();
    await dialog.getByRole('button', { name: `Remove Company admin on ${customer()}` }).click();
    await poll(() => list.textContent()).not.toContain('Company admin');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await rolesOf(colleague.id)).toEqual([`${p.partnerId}/readonly_admin`]);
    await screenshot(page, 'user-roles-removed-en');
  });

  it('says beside the role what the API refused: a client deleted meanwhile', async () => {
    const gone = await w.t.call(w.t.root, 'POST', '/api/2/tenants', {
      name: 'Soon Gone',
      parent_id: p.partnerId,
      kind: 'customer',
    });
    expect(gone.status).toBe(201);
    const page = await open();
    await signIn(page, p.admin.login, `pw-${p.admin.login}`);
    await page.goto('/users');
    await page.getByRole('button', { name: `Roles of ${colleague.login}` }).click();
    const dialog = page.getByRole('dialog', { name: `Roles of ${colleague.login}` });
    await dialog.getByRole('combobox', { name: 'Company' }).selectOption(gone.body.id);
    await dialog.getByRole('combobox', { name: 'Role' }).selectOption('company_admin');
    await dialog.getByRole('button', { name: 'Add' }).click();
    const disabled = await w.t.call(w.t.root, 'PUT', `/api/2/tenants/${gone.body.id}`, {
      version: gone.body.version,
      enabled: false,
    });
    expect(disabled.status).toBe(200);
    expect((await w.t.call(w.t.root, 'DELETE', `/api/2/tenants/${gone.body.id}?version=2`)).status).toBe(204);
    await dialog.getByRole('button', { name: 'Save' }).click();
    const row = dialog.getByRole('listitem').filter({ hasText: 'Soon Gone' });
    await row
      .getByText('This is neither the user’s company nor one of its clients that you manage.', { exact: true })
      .waitFor();
    expect(await rolesOf(colleague.id)).toEqual([`${p.partnerId}/readonly_admin`]);
    await expectAccessible(page, 'roles dialog with a refused role');
    await screenshot(page, 'user-roles-refused-en');
  });

  it('in Italian on a phone: the colleague becomes company admin of the client and stops being it', async () => {
    const page = await open({ width: 390, height: 844, locale: 'it-IT' });
    await signIn(page, p.admin.login, `pw-${p.admin.login}`);
    await page.getByRole('combobox', { name: /^(Language|Lingua)$/ }).selectOption('it');
    await page.goto('/users');
    await page.getByRole('heading', { level: 1, name: 'Utenti' }).waitFor();
    await page.getByRole('button', { name: `Permessi di ${colleague.login}` }).click();
    const dialog = page.getByRole('dialog', { name: `Permessi di ${colleague.login}` });
    const list = dialog.getByRole('list', { name: 'Permessi attuali' });
    await list.getByText('Amministratore in sola lettura', { exact: true }).waitFor();
    await dialog.getByRole('combobox', { name: 'Azienda' }).selectOption(p.customerId);
    const role = dialog.getByRole('combobox', { name: 'Permesso' });
    expect(await optionTexts(role)).toEqual([
      'Scegli un permesso…',
      'Amministratore azienda — gestisce utenti e contatti della propria azienda',
      'Amministratore in sola lettura — vede tutto, non modifica niente',
      'Utente — nessun accesso alla console oltre al proprio profilo',
    ]);
    await role.selectOption('company_admin');
    await dialog.getByRole('button', { name: 'Aggiungi', exact: true }).click();
    await poll(() => list.textContent()).toContain('Amministratore azienda');
    await fitsWidth(page, dialog);
    await expectAccessible(page, 'roles dialog (it, phone)');
    await screenshot(page, 'user-roles-added-it-phone');
    await dialog.getByRole('button', { name: 'Salva' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await poll(() => page.getByRole('status').first().textContent()).toContain(
      `I permessi di ${colleague.login} sono stati salvati.`,
    );
    expect(await rolesOf(colleague.id)).toEqual(
      [`${p.partnerId}/readonly_admin`, `${p.customerId}/company_admin`].sort(),
    );
    await fitsWidth(page, page.locator('main'));
    await screenshot(page, 'user-roles-saved-it-phone');

    await page.getByRole('button', { name: `Permessi di ${colleague.login}` }).click();
    await dialog.getByRole('button', { name: `Togli Amministratore azienda su ${customer()}` }).click();
    await dialog.getByRole('button', { name: 'Salva' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await rolesOf(colleague.id)).toEqual([`${p.partnerId}/readonly_admin`]);
  });

  it('refuses in the dialog to remove one’s own last admin role, and changes nothing', async () => {
    const before = await rolesOf(p.admin.userId);
    const page = await open();
    await signIn(page, p.admin.login, `pw-${p.admin.login}`);
    await page.goto('/users');
    await page.getByRole('button', { name: `Roles of ${p.admin.login}` }).click();
    const dialog = page.getByRole('dialog', { name: `Roles of ${p.admin.login}` });
    await dialog.getByRole('button', { name: 'Remove Partner admin on Partner Roles' }).click();
    await dialog.getByText('No role: this user cannot use the console beyond its own profile.').waitFor();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog
      .getByRole('alert')
      .getByText('You cannot remove your own last administrator role: ask another administrator to do it.')
      .waitFor();
    expect(await dialog.isVisible()).toBe(true);
    expect(await rolesOf(p.admin.userId)).toEqual(before);
    await expectAccessible(page, 'roles dialog refusing the own last admin role');
    await screenshot(page, 'user-roles-own-last-en');
  });

  it('shows a read-only admin the roles with nothing to change', async () => {
    const page = await open();
    await signIn(page, p.readonly.name, `pw-${p.readonly.name}`);
    await page.goto('/users');
    await page.getByRole('button', { name: `Roles of ${colleague.login}` }).click();
    const dialog = page.getByRole('dialog', { name: `Roles of ${colleague.login}` });
    await dialog.getByText('Your access lets you see the roles, not change them.').waitFor();
    expect(await dialog.getByRole('list', { name: 'Current roles' }).textContent()).toMatch(
      /Partner Roles.*Read-only admin/,
    );
    expect(await dialog.getByRole('button').allTextContents()).toEqual(['Close']);
    expect(await dialog.getByRole('combobox').count()).toBe(0);
    await expectAccessible(page, 'roles dialog (read-only)');
    await screenshot(page, 'user-roles-read-only');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });
});
