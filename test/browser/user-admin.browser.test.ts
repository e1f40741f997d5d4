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

// A user's Edit, Disable / Enable and Delete from the Users page: what the API holds is checked after each.

const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
/** No sideways scroll, and every visible button of `scope` inside the window's width. */
async function fitsWidth(page: Page, scope: Locator) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.scrollingElement!.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  for (const button of await scope.getByRole('button').all()) {
    if (!(await button.isVisible())) continue;
    const box = await button.boundingBox();
    const name = (await button.textContent()) ?? '';
    expect(box, name).not.toBeNull();
    expect(box!.x, name).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, name).toBeLessThanOrEqual(innerWidth);
  }
}

describe.runIf(haveBrowser)('a user’s edit, disable and delete in the console', { timeout: 180_000 }, () => {
  let w: BrowserWorld;
  let p: PartnerWorld;
  let erin: { id: string; login: string };
  let dora: { id: string; login: string };

  const open = async (options?: Parameters<BrowserWorld['newPage']>[0]) => {
    const page = await w.newPage(options);
    page.setDefaultTimeout(15_000);
    return page;
  };
  const read = async (id: string) => w.t.call(p.admin, 'GET', `/api/2/users/${id}`);
  const make = async (login: string, email: string, firstname: string) => {
    const made = await w.t.call(p.admin, 'POST', '/api/2/users', {
      tenant_id: p.partnerId,
      login,
      contact: { email, firstname, lastname: 'Colleague' },
    });
    expect(made.status).toBe(200);
    return { id: made.body.id as string, login: made.body.login as string };
  };

  beforeAll(async () => {
    w = await startBrowserWorld({ smtp: false });
    p = await createPartnerWorld(w.t, 'Admin');
    erin = await make('erin.edit', 'erin@example.test', 'Erin');
    dora = await make('dora.delete', 'dora@example.test', 'Dora');
  }, 60_000);
  afterAll(() => w?.close());

  it('edits a colleague’s name and language, disables and enables it, deletes another (English, 1280x800)', async () => {
    const page = await open();
    await signIn(page, p.admin.login, `pw-${p.admin.login}`);
    await page.goto('/users');
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    await page.getByRole('button', { name: `Edit ${erin.login}` }).waitFor();
    // One's own row: editable, never disabled or deleted from here.
    await page.getByRole('button', { name: `Edit ${p.admin.login}` }).waitFor();
    expect(await page.getByRole('button', { name: `Disable ${p.admin.login}` }).count()).toBe(0);
    expect(await page.getByRole('button', { name: `Delete ${p.admin.login}` }).count()).toBe(0);

    await page.getByRole('button', { name: `Edit ${erin.login}` }).click();
    const dialog = page.getByRole('dialog', { name: `Edit ${erin.login}` });
    const first = dialog.getByRole('textbox', { name: 'First name' });
    expect(await first.inputValue()).toBe('Erin');
    await dialog.getByText('Not activated yet: a new email takes effect at once').waitFor();
    await first.fill('Erina');
    await dialog.getByRole('textbox', { name: 'Last name' }).fill('Edwards');
    await dialog.getByRole('textbox', { name: 'Job title' }).fill('Buyer');
    await dialog.getByRole('combobox', { name: 'Language' }).selectOption('it');
    await expectAccessible(page, 'edit user dialog');
    await screenshot(page, 'user-admin-edit-en');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await poll(() => page.getByRole('status').first().textContent()).toContain(
      `The changes to ${erin.login} were saved.`,
    );
    const edited = await read(erin.id);
    expect(edited.body.contact).toMatchObject({ firstname: 'Erina', lastname: 'Edwards', title: 'Buyer' });
    expect(edited.body.language).toBe('it');
    await page.getByRole('row').filter({ hasText: erin.login }).getByText('Erina Edwards').waitFor();

    // A bad email is said beside its field; nothing is saved.
    await page.getByRole('button', { name: `Edit ${erin.login}` }).click();
    await dialog.getByRole('textbox', { name: 'Business email' }).fill('not-an-address');
    await dialog.getByRole('button', { name: 'Save' }).click();
    const email = dialog.getByRole('textbox', { name: 'Business email' });
    await poll(() => email.getAttribute('aria-invalid')).toBe('true');
    // A change made meanwhile: the save is refused and said.
    await email.fill('erin@example.test');
    const meanwhile = await w.t.call(p.admin, 'PUT', `/api/2/users/${erin.id}`, {
      version: edited.body.version,
      contact: { phone: '+39 02 1234567' },
    });
    expect(meanwhile.status).toBe(200);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByRole('alert').getByText(`Someone else changed ${erin.login} meanwhile`).waitFor();
    expect((await read(erin.id)).body.contact.lastname).toBe('Edwards');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // An activated user's new email waits for confirmation from the new address, and the dialog says so.
    const ro = p.readonly.name;
    await page.getByRole('button', { name: `Edit ${ro}` }).click();
    const roDialog = page.getByRole('dialog', { name: `Edit ${ro}` });
    await roDialog.getByText('This user has activated the account: a new email takes effect once confirmed').waitFor();
    await roDialog.getByRole('textbox', { name: 'Business email' }).fill('ro-new@example.test');
    await roDialog.getByRole('button', { name: 'Save' }).click();
    await roDialog.waitFor({ state: 'hidden' });
    await poll(() => page.getByRole('status').first().textContent()).toContain(
      'The new email ro-new@example.test takes effect once confirmed from that address.',
    );
    expect((await read(p.readonly.userId)).body.contact.email).toBe(`${ro}@example.test`);

    await page.getByRole('button', { name: `Disable ${erin.login}` }).click();
    await poll(() => page.getByRole('status').first().textContent()).toContain(`${erin.login} was disabled`);
    expect((await read(erin.id)).body.enabled).toBe(false);
    await page.getByRole('button', { name: `Enable ${erin.login}` }).click();
    await poll(() => page.getByRole('status').first().textContent()).toContain(`${erin.login} was enabled again.`);
    expect((await read(erin.id)).body.enabled).toBe(true);
    await page.getByRole('button', { name: `Disable ${erin.login}` }).waitFor();

    await page.getByRole('button', { name: `Delete ${dora.login}` }).click();
    const confirm = page.getByRole('dialog', { name: `Delete ${dora.login}` });
    await confirm.getByText(`Delete the user ${dora.login} (Dora Colleague)?`).waitFor();
    await expectAccessible(page, 'delete user dialog');
    await screenshot(page, 'user-admin-delete-en');
    await confirm.getByRole('button', { name: 'Delete user' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await poll(() => page.getByRole('status').first().textContent()).toContain(`The user ${dora.login} was deleted.`);
    expect((await read(dora.id)).status).toBe(404);
    expect(await page.getByRole('button', { name: `Edit ${dora.login}` }).count()).toBe(0);
    await expectAccessible(page, 'users page after the changes');
    await screenshot(page, 'user-admin-done-en');
  });

  it('in Italian on a phone: every button inside the width, the edit dialog says how an email change works', async () => {
    const page = await open({ width: 390, height: 844, locale: 'it-IT' });
    await signIn(page, p.admin.login, `pw-${p.admin.login}`);
    await page.getByRole('combobox', { name: /^(Language|Lingua)$/ }).selectOption('it');
    await page.goto('/users');
    await page.getByRole('heading', { level: 1, name: 'Utenti' }).waitFor();
    await page.getByRole('button', { name: `Modifica ${erin.login}` }).waitFor();
    await page.getByRole('button', { name: `Disabilita ${erin.login}` }).waitFor();
    await page.getByRole('button', { name: `Elimina ${erin.login}` }).waitFor();
    await fitsWidth(page, page.locator('main'));
    await expectAccessible(page, 'users page (it, phone)');
    await screenshot(page, 'user-admin-list-it-phone');
    await page.getByRole('button', { name: `Modifica ${erin.login}` }).click();
    const dialog = page.getByRole('dialog', { name: `Modifica ${erin.login}` });
    await dialog.getByText('Account non ancora attivato: un nuovo indirizzo e-mail vale subito').waitFor();
    expect(await dialog.getByRole('combobox', { name: 'Lingua' }).inputValue()).toBe('it');
    await fitsWidth(page, dialog);
    await expectAccessible(page, 'edit user dialog (it, phone)');
    await screenshot(page, 'user-admin-edit-it-phone');
    await dialog.getByRole('button', { name: 'Annulla' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  it('shows a read-only admin no Edit, Disable or Delete, and the server refuses them', async () => {
    const page = await open();
    await signIn(page, p.readonly.name, `pw-${p.readonly.name}`);
    await page.goto('/users');
    await page.getByRole('button', { name: `Roles of ${erin.login}` }).waitFor();
    const rows = page.getByRole('table');
    for (const name of [/^Edit /, /^Disable /, /^Enable /, /^Delete /])
      expect(await rows.getByRole('button', { name }).count()).toBe(0);
    await screenshot(page, 'user-admin-read-only');
    const before = await read(erin.id);
    const refused = await w.t.call(p.readonly, 'PUT', `/api/2/users/${erin.id}`, {
      version: before.body.version,
      enabled: false,
    });
    expect(refused.status).toBe(403);
    expect((await read(erin.id)).body.enabled).toBe(true);
  });
});
