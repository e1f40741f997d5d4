import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectAccessible,
  haveBrowser,
  screenshot,
  signIn,
  startBrowserWorld,
  type BrowserWorld,
} from './browser-support.js';
import { ROOT_PASSWORD } from '../support/test-app.js';

describe.runIf(haveBrowser)('signing in to the console', () => {
  let w: BrowserWorld;
  beforeAll(async () => {
    w = await startBrowserWorld();
  }, 60_000);
  afterAll(() => w?.close());

  it('refuses a wrong password, signs in, switches to Italian, signs out', async () => {
    const page = await w.newPage();
    await page.goto('/my-company');
    await page.waitForURL('**/sign-in');
    await expectAccessible(page, 'sign-in');
    await screenshot(page, 'sign-in');
    await page.getByLabel('Login').fill('admin');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong login or password');

    await signIn(page, 'admin', ROOT_PASSWORD);
    await expect.poll(() => page.url()).toContain('/my-company');
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'liaison_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    await page.getByRole('combobox', { name: 'Language' }).selectOption('it');
    await expect.poll(() => page.getByRole('button', { name: 'Esci' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Esci' }).click();
    // Signed out once the console is back on its sign-in page; only then is the session gone for sure.
    await page.waitForURL('**/sign-in');
    await page.goto('/my-company');
    await page.waitForURL('**/sign-in');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Accedi a Liaison');
  });
});
