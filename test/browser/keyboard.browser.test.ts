import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, haveBrowser, screenshot, startBrowserWorld, type BrowserWorld } from './browser-support.js';
import { createPartnerWorld, type PartnerWorld } from '../support/test-app.js';

// The main flows by keyboard alone: Tab, Shift+Tab, Enter, Space, arrows and typing. No click, no fill:
// a control the keyboard cannot reach, or a focus lost on the way, fails the test.

const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });

interface Focused {
  tag: string;
  id: string;
  /** Its accessible name's parts: aria-label, else its label, else its text. */
  name: string;
  type: string;
  value: string;
  inDialog: boolean;
  /** The browser shows the focus (:focus-visible) and the page draws it (an outline of some width). */
  visible: boolean;
}

/** What has the focus now (body when nothing does). */
const focused = (page: Page): Promise<Focused> =>
  page.evaluate(() => {
    const a = document.activeElement as HTMLInputElement | null;
    const style = a ? getComputedStyle(a) : undefined;
    return {
      tag: a?.tagName ?? '',
      id: a?.id ?? '',
      name: (a === document.body
        ? ''
        : a?.getAttribute('aria-label') || a?.labels?.[0]?.textContent || a?.textContent || ''
      )
        .replace(/\s+/g, ' ')
        .trim(),
      type: a?.getAttribute('type') ?? '',
      value: a?.value ?? '',
      inDialog: !!a?.closest('dialog[open]'),
      visible:
        !!a &&
        a !== document.body &&
        a.matches(':focus-visible') &&
        style!.outlineStyle !== 'none' &&
        parseFloat(style!.outlineWidth) > 0,
    };
  });

/**
 * Presses Tab (or Shift+Tab) until the focused element passes `test`, at most 60 times; while a dialog is
 * open the focus must never leave it. The element reached must show its focus.
 */
async function tabTo(page: Page, test: (el: Focused) => boolean, what: string, back = false) {
  const inDialog = (await page.locator('dialog[open]').count()) > 0;
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const el = await focused(page);
    if (inDialog && el.tag !== 'BODY')
      expect(el.inDialog, `focus left the dialog for ${el.tag} “${el.name}”`).toBe(true);
    if (test(el)) {
      expect(el.visible, `the focus on ${what} is visible`).toBe(true);
      return el;
    }
  }
  throw new Error(`Tab never reached ${what}`);
}
const named = (tag: string, name: string | RegExp) => (el: Focused) =>
  el.tag === tag && (typeof name === 'string' ? el.name === name : name.test(el.name));
const button = (name: string | RegExp) => named('BUTTON', name);
const link = (name: string | RegExp) => named('A', name);
const field = (label: string) => (el: Focused) => el.tag === 'INPUT' && el.name.startsWith(label);

describe.runIf(haveBrowser)('the console by keyboard alone', { timeout: 180_000 }, () => {
  let w: BrowserWorld;
  let p: PartnerWorld;
  const tenantNamed = async (name: string) => {
    const ids = (await w.t.call(p.admin, 'GET', `/api/2/tenants/${p.partnerId}/children`)).body.items as string[];
    for (const id of ids) {
      const tenant = (await w.t.call(p.admin, 'GET', `/api/2/tenants/${id}`)).body;
      if (tenant.name === name) return tenant;
    }
    return undefined;
  };

  beforeAll(async () => {
    w = await startBrowserWorld({ smtp: false });
    p = await createPartnerWorld(w.t, 'Keys');
  }, 60_000);
  afterAll(() => w?.close());

  /** Signs in by typing and Enter, and opens a section of the main menu by Tab and Enter. */
  async function signInByKeyboard(page: Page) {
    await page.goto('/sign-in');
    await tabTo(page, field('Login'), 'the login field');
    await page.keyboard.type(p.admin.login);
    await tabTo(page, field('Password'), 'the password field');
    await page.keyboard.type(`pw-${p.admin.login}`);
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
  }

  it('creates a client, renames, disables and enables it; the dialogs hold the focus and give it back', async () => {
    const page = await w.newPage();
    page.setDefaultTimeout(15_000);
    await signInByKeyboard(page);
    await tabTo(page, link('Clients'), 'Clients in the menu');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Clients of Partner Keys' }).waitFor();

    // Create: the dialog opens on its first field, Tab stays inside, Escape gives the focus back.
    await tabTo(page, button('New client'), 'New client');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New client under Partner Keys' });
    await dialog.waitFor();
    await poll(() => focused(page)).toMatchObject({ tag: 'INPUT', inDialog: true });
    expect((await focused(page)).name).toMatch(/^Name/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await poll(() => focused(page)).toMatchObject({ tag: 'BUTTON', name: 'New client' });
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await poll(() => focused(page)).toMatchObject({ tag: 'INPUT', inDialog: true });
    await page.keyboard.type('Keyboard Srl');
    await tabTo(page, named('SELECT', 'Kind'), 'Kind');
    // Partner, Folder, Customer: two steps down.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect((await focused(page)).value).toBe('customer');
    await tabTo(page, button('Create'), 'Create');
    // Going on from the last control comes round to the first, never out of the dialog.
    await tabTo(page, (el) => el.tag === 'INPUT' && el.name.startsWith('Name'), 'the first field again');
    await tabTo(page, button('Create'), 'Create', true);
    await expectAccessible(page, 'new client by keyboard');
    await screenshot(page, 'keyboard-new-client');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await poll(() => page.getByRole('status').first().textContent()).toBe('Keyboard Srl was created.');
    await poll(() => focused(page)).toMatchObject({ tag: 'BUTTON', name: 'New client' });
    const created = await tenantNamed('Keyboard Srl');
    expect(created).toMatchObject({ kind: 'customer', enabled: true });

    // Open it, and rename it.
    await tabTo(page, link('Keyboard Srl'), 'the new client in the tree');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Keyboard Srl' }).waitFor();
    await tabTo(page, button('Edit'), 'Edit');
    await page.keyboard.press('Enter');
    const edit = page.getByRole('dialog', { name: 'Edit Keyboard Srl' });
    await edit.waitFor();
    await poll(() => focused(page)).toMatchObject({ tag: 'INPUT', value: 'Keyboard Srl', inDialog: true });
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Keyboard Group');
    await tabTo(page, button('Save'), 'Save');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Keyboard Group' }).waitFor();
    await poll(() => focused(page)).toMatchObject({ tag: 'BUTTON', name: 'Edit' });
    expect(await tenantNamed('Keyboard Group')).toMatchObject({ id: created.id });

    // Disable: the confirmation opens on Cancel; once done, the focus is on the button that now says Enable.
    await tabTo(page, button('Disable'), 'Disable');
    await page.keyboard.press('Enter');
    const disable = page.getByRole('dialog', { name: 'Disable Keyboard Group?' });
    await disable.waitFor();
    await poll(() => focused(page)).toMatchObject({ tag: 'BUTTON', name: 'Cancel', inDialog: true });
    await tabTo(page, button('Disable'), 'Disable in the dialog');
    await expectAccessible(page, 'disable by keyboard');
    await screenshot(page, 'keyboard-disable');
    await page.keyboard.press('Enter');
    await disable.waitFor({ state: 'hidden' });
    await poll(async () => (await tenantNamed('Keyboard Group')).enabled).toBe(false);
    await poll(() => focused(page)).toMatchObject({ tag: 'BUTTON', name: 'Enable', visible: true });

    // Enable, straight from there.
    await page.keyboard.press('Enter');
    const enable = page.getByRole('dialog', { name: 'Enable Keyboard Group?' });
    await enable.waitFor();
    await poll(() => focused(page)).toMatchObject({ tag: 'BUTTON', name: 'Cancel', inDialog: true });
    await tabTo(page, button('Enable'), 'Enable in the dialog');
    await page.keyboard.press('Enter');
    await enable.waitFor({ state: 'hidden' });
    await poll(async () => (await tenantNamed('Keyboard Group')).enabled).toBe(true);
    await poll(() => focused(page)).toMatchObject({ tag: 'BUTTON', name: 'Disable', visible: true });
    await screenshot(page, 'keyboard-enabled');
  });

  it('adds a contact without access to a client, every field by Tab and typing, the types by Space', async () => {
    const page = await w.newPage();
    page.setDefaultTimeout(15_000);
    await signInByKeyboard(page);
    await tabTo(page, link('Clients'), 'Clients in the menu');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Clients of Partner Keys' }).waitFor();
    await tabTo(page, link('Customer of Keys'), 'the customer in the tree');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Customer of Keys' }).waitFor();

    await tabTo(page, button('Add a contact'), 'Add a contact');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Add a contact' });
    await dialog.waitFor();
    // The focus is on the way to add one (the chosen radio); the arrow picks the other way.
    await poll(() => focused(page)).toMatchObject({ tag: 'INPUT', type: 'radio', inDialog: true });
    if ((await focused(page)).name !== 'Create a new contact') await page.keyboard.press('ArrowDown');
    await poll(() => focused(page)).toMatchObject({ name: 'Create a new contact' });
    expect(await dialog.getByRole('radio', { name: 'Create a new contact' }).isChecked()).toBe(true);

    const person: [string, string][] = [
      ['First name', 'Kim'],
      ['Last name', 'Keys'],
      ['Business email', 'kim.keys@example.test'],
      ['Business phone', '+39 02 555 0101'],
      ['Job title', 'Operations'],
    ];
    for (const [label, text] of person) {
      await tabTo(page, field(label), label);
      await page.keyboard.type(text);
    }
    await tabTo(page, (el) => el.type === 'checkbox' && el.name === 'Technical', 'the Technical type');
    await page.keyboard.press('Space');
    await tabTo(page, (el) => el.type === 'checkbox' && el.name === 'Business', 'the Business type');
    await page.keyboard.press('Space');
    expect(await dialog.getByRole('checkbox', { name: 'Technical', exact: true }).isChecked()).toBe(true);
    expect(await dialog.getByRole('checkbox', { name: 'Business', exact: true }).isChecked()).toBe(true);
    await tabTo(page, button('Add'), 'Add');
    await expectAccessible(page, 'add a contact by keyboard');
    await screenshot(page, 'keyboard-add-contact');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await poll(() => page.locator('tbody tr', { hasText: 'Kim Keys' }).textContent()).toMatch(
      /kim\.keys@example\.test.*\+39 02 555 0101.*Operations.*Technical.*Business/,
    );
    await poll(() => focused(page)).toMatchObject({ tag: 'BUTTON', name: 'Add a contact' });
    const contacts = (await w.t.call(p.admin, 'GET', `/api/2/contacts?tenant_id=${p.customerId}`)).body.items;
    const kim = contacts.find((c: { email: string }) => c.email === 'kim.keys@example.test');
    expect(kim).toMatchObject({ firstname: 'Kim', lastname: 'Keys', title: 'Operations', phone: '+39 02 555 0101' });
    expect([...kim.types].sort()).toEqual(['management', 'technical']);
    await screenshot(page, 'keyboard-contact-added');

    // Another partner cannot read it.
    const other = await createPartnerWorld(w.t, 'Elsewhere');
    expect((await w.t.call(other.admin, 'GET', `/api/2/contacts/${kim.id}`)).status).toBe(404);
  });
  it('composes and sends a notice to one client by keyboard alone', async () => {
    // A client of its own with one Technical contact: the recipient count does not hang on the other tests.
    const target = await w.t.call(p.admin, 'POST', '/api/2/tenants', {
      name: 'Tabbing Spa',
      parent_id: p.partnerId,
      kind: 'customer',
    });
    expect(target.status).toBe(201);
    const contact = await w.t.call(p.admin, 'POST', '/api/2/contacts', {
      tenant_id: target.body.id,
      types: ['technical'],
      firstname: 'Tess',
      lastname: 'Tab',
      email: 'tess@tabbing.test',
    });
    expect(contact.status).toBe(201);

    const page = await w.newPage();
    page.setDefaultTimeout(15_000);
    await signInByKeyboard(page);
    await tabTo(page, link('Notices'), 'Notices in the menu');
    await page.keyboard.press('Enter');
    await tabTo(page, link('New notice'), 'New notice');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'New notice' }).waitFor();

    // The contact type: Tab into the radios, the arrows choose.
    await tabTo(page, (el) => el.type === 'radio' && el.id.startsWith('category-'), 'the contact types');
    for (let i = 0; i < 3 && (await focused(page)).id !== 'category-technical'; i++)
      await page.keyboard.press('ArrowDown');
    expect(await page.getByRole('radio', { name: 'Technical', exact: true }).isChecked()).toBe(true);
    await tabTo(page, (el) => el.id === 'subject-en', 'the English subject');
    await page.keyboard.type('Keyboard maintenance');
    await tabTo(page, (el) => el.id === 'body-en', 'the English message');
    await page.keyboard.type('The platform restarts on Sunday.');
    // The scope: type a name, Tab to the match, Enter chooses it.
    await tabTo(page, field('Find a client'), 'Find a client');
    await page.keyboard.type('Tabbing');
    await page.getByRole('button', { name: 'Choose Tabbing Spa' }).waitFor();
    await tabTo(page, button('Choose Tabbing Spa'), 'the match');
    await page.keyboard.press('Enter');
    await page.getByText('Sent to Tabbing Spa and every client below it.').waitFor();
    await tabTo(page, button('Check recipients'), 'Check recipients');
    await page.keyboard.press('Enter');
    await page.getByText('1 person receives this notice').waitFor();
    await expectAccessible(page, 'compose by keyboard');
    await screenshot(page, 'keyboard-notice-preview');
    await tabTo(page, button('Send to 1 recipient'), 'Send to 1 recipient');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Send this notice?' });
    await dialog.waitFor();
    await poll(() => focused(page)).toMatchObject({ tag: 'BUTTON', inDialog: true });
    await tabTo(page, button('Send notice'), 'Send notice in the dialog');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/notices\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').at(-1)!;
    await poll(async () => (await w.t.call(p.admin, 'GET', `/api/2/announcements/${id}`)).body).toMatchObject({
      scope_tenant_id: target.body.id,
      category: 'technical',
      recipients: 1,
      counts: { sent: 1, failed: 0, pending: 0 },
    });
    await screenshot(page, 'keyboard-notice-sent');
    const other = await createPartnerWorld(w.t, 'Outside');
    expect((await w.t.call(other.admin, 'GET', `/api/2/announcements/${id}`)).status).toBe(404);
  });
});
