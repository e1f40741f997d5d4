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

const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 10_000 });
const rowOf = (page: Page, text: string) => page.locator('tbody tr', { hasText: text });
/** A field by the start of its label (its name also says "(required)"). */
const field = (scope: ReturnType<Page['getByRole']>, label: string) =>
  scope.getByRole('textbox', { name: new RegExp(`^${label}`) });
const description = (target: ReturnType<Page['getByRole']>) =>
  target.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' '),
  );
const logins = (page: Page) => page.locator('tbody tr td:first-child').allTextContents();

describe.runIf(haveBrowser)('users in the console', { timeout: 120_000 }, () => {
  let w: BrowserWorld;
  let p: PartnerWorld;
  const open = async (options?: Parameters<BrowserWorld['newPage']>[0]) => {
    const page = await w.newPage(options);
    page.setDefaultTimeout(10_000);
    return page;
  };
  beforeAll(async () => {
    w = await startBrowserWorld();
    p = await createPartnerWorld(w.t, 'U1');
  }, 60_000);
  afterAll(() => w?.close());

  it('creates a user with errors beside the fields, sends its activation email, says when to try later and when it is already activated', async () => {
    const page = await open();
    await signIn(page, p.admin.login, `pw-${p.admin.login}`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    await page.getByText(/^2 users$/).waitFor();
    await expectAccessible(page, 'users');
    await screenshot(page, 'users');

    await page.getByRole('button', { name: 'Create user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a user' });
    await poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('login');
    await field(dialog, 'Login').fill(p.admin.login);
    await field(dialog, 'Email').fill('erin@example.test');
    await field(dialog, 'First name').fill('Erin');
    await field(dialog, 'Last name').fill('Esposito');
    await dialog.getByRole('combobox', { name: 'Language' }).selectOption('it');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await poll(() => field(dialog, 'Login').getAttribute('aria-invalid')).toBe('true');
    expect(await description(field(dialog, 'Login'))).toContain('This login is already taken');
    await field(dialog, 'Login').fill('erin.e');
    await field(dialog, 'Email').fill('not-an-address');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await poll(() => description(field(dialog, 'Email'))).toContain('Enter a valid email address');
    await expectAccessible(page, 'create user dialog with errors');
    await screenshot(page, 'users-create-dialog');
    await field(dialog, 'Email').fill('erin@example.test');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await poll(() => page.getByRole('status').first().textContent()).toContain(
      'The user erin.e was created and an activation email was sent to erin@example.test',
    );
    await page.getByText(/^3 users$/).waitFor();
    expect(await rowOf(page, 'erin.e').textContent()).toMatch(/Erin Esposito.*erin@example\.test.*Not activated.*None/);
    const mail = await w.smtp.waitFor((m) => m.to.includes('erin@example.test'));
    const link = /(https?:\/\/\S+\/activate\?token=[\w\-%.~]+)/.exec(mail.text)?.[1];
    expect(link, mail.text).toBeDefined();

    // Sent moments ago: the API answers 429, the page says to try later.
    await rowOf(page, 'erin.e').getByRole('button', { name: 'Send activation email to erin.e' }).click();
    await poll(() => page.getByRole('alert').textContent()).toContain('a short while ago. Try again later');
    await screenshot(page, 'users-activation-later');

    // Activated elsewhere meanwhile: this (stale) page says so instead of sending.
    const person = await open();
    await person.goto(link!);
    await field(person.getByRole('main'), 'Password').fill('erin-password-1');
    await field(person.getByRole('main'), 'Repeat').fill('erin-password-1');
    await person.getByRole('button', { name: 'Activate' }).click();
    await poll(() => person.getByRole('status').textContent()).toContain('Your account is active');
    await rowOf(page, 'erin.e').getByRole('button', { name: 'Send activation email to erin.e' }).click();
    await poll(() => page.getByRole('alert').textContent()).toContain('erin.e has already activated the account');
    await page.reload();
    await poll(() => rowOf(page, 'erin.e').textContent()).toContain('Activated');
    expect(
      await rowOf(page, 'erin.e')
        .getByRole('button', { name: /activation email/ })
        .count(),
    ).toBe(0);
  });

  it('sorts by contact types through the API', async () => {
    const erin = (await w.t.call(w.t.root, 'GET', `/api/2/users?tenant_id=${p.partnerId}&order=login`)).body.items.find(
      (u: { login: string }) => u.login === 'erin.e',
    );
    expect(
      (
        await w.t.call(p.admin, 'POST', '/api/2/contacts', {
          tenant_id: p.partnerId,
          user_id: erin.id,
          types: ['technical', 'billing'],
        })
      ).status,
    ).toBe(201);
    const page = await open();
    await signIn(page, p.admin.login, `pw-${p.admin.login}`);
    await page.goto('/users?order=login');
    await poll(() => logins(page)).toEqual([p.admin.login, p.readonly.name, 'erin.e'].sort());
    await poll(() => page.locator('th[aria-sort="ascending"]').textContent()).toContain('Login');
    const sortButton = page.getByRole('button', { name: /^Contact types/ });
    await sortButton.click();
    await poll(() => page.locator('th[aria-sort="ascending"]').textContent()).toContain('Contact types');
    await poll(async () => (await logins(page)).at(-1)).toBe('erin.e');
    await sortButton.click();
    await poll(() => page.locator('th[aria-sort="descending"]').textContent()).toContain('Contact types');
    await poll(async () => (await logins(page))[0]).toBe('erin.e');
    expect(page.url()).toContain('order=-contact_types');
    expect(await rowOf(page, 'erin.e').locator('.chip').allTextContents()).toEqual(['Billing', 'Technical']);
    await screenshot(page, 'users-sorted-by-types');
  });

  it("in Italian on a phone: a customer's users, creating one without sending", async () => {
    const page = await open({ width: 390, height: 844, locale: 'it-IT' });
    await signIn(page, p.admin.login, `pw-${p.admin.login}`);
    await page.getByRole('combobox', { name: /^(Language|Lingua)$/ }).selectOption('it');
    await page.goto(`/users?tenant=${p.customerId}`);
    await page.getByRole('heading', { level: 1, name: 'Utenti di Customer of U1' }).waitFor();
    await page.getByRole('navigation', { name: 'Percorso' }).getByRole('link', { name: 'Customer of U1' }).waitFor();
    await page.getByText(/^1 utente$/).waitFor();
    await page.getByRole('columnheader', { name: /Tipi di contatto/ }).waitFor();
    await expectAccessible(page, 'users (it, phone)');
    await screenshot(page, 'users-it-phone');

    await page.getByRole('button', { name: 'Crea utente' }).click();
    const dialog = page.getByRole('dialog', { name: 'Crea un utente' });
    await dialog.getByRole('button', { name: 'Crea', exact: true }).click();
    await poll(() => description(field(dialog, 'Indirizzo e-mail'))).toContain('Compila questo campo.');
    await field(dialog, 'Indirizzo e-mail').fill('franca@example.test');
    await field(dialog, 'Nome').fill('Franca');
    await dialog.getByRole('checkbox', { name: 'Invia subito l’e-mail di attivazione' }).uncheck();
    await expectAccessible(page, 'create user dialog (it, phone)');
    await screenshot(page, 'users-create-dialog-it-phone');
    await dialog.getByRole('button', { name: 'Crea', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await poll(() => page.getByRole('status').first().textContent()).toContain('Utente creato: franca@example.test.');
    await page.getByText(/^2 utenti$/).waitFor();
    await poll(() => rowOf(page, 'franca').textContent()).toContain('Nessuno');
    expect(w.smtp.received.some((m) => m.to.includes('franca@example.test'))).toBe(false);
  });
});
