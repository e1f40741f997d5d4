import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, haveBrowser, screenshot, startBrowserWorld, type BrowserWorld } from './browser-support.js';
import { createPartnerWorld } from '../support/test-app.js';
import { setPassword } from '../../src/features/setup/bootstrap.service.js';

/** The pages behind mailed links: only the button acts, and dead links say why. */
describe.runIf(haveBrowser)('the confirm-email and activate pages', () => {
  let w: BrowserWorld;
  beforeAll(async () => {
    w = await startBrowserWorld();
  }, 60_000);
  afterAll(() => w?.close());

  const tokenIn = (text: string, path: string) => new RegExp(`${path}\\?token=([\\w-]+)`).exec(text)![1];

  it('confirms only on the button, then says the link was used; an unknown link is invalid', async () => {
    const p = await createPartnerWorld(w.t, 'L');
    const user = await w.t.call(p.admin, 'POST', '/api/2/users', {
      tenant_id: p.customerId,
      login: 'linda',
      contact: { email: 'linda@example.test', firstname: 'Linda', language: 'it' },
    });
    await setPassword(w.t.db, 'linda', 'linda-password');
    const contact = await w.t.call(p.admin, 'POST', '/api/2/contacts', {
      tenant_id: p.customerId,
      user_id: user.body.id,
      types: ['technical'],
    });
    await w.t.call(p.admin, 'PUT', `/api/2/contacts/${contact.body.id}`, {
      version: contact.body.version,
      email: 'linda.new@example.test',
    });
    const mail = await w.smtp.waitFor((m) => m.to.includes('linda.new@example.test'));
    const token = tokenIn(mail.text, '/confirm-email');

    const page = await w.newPage({ locale: 'it-IT' });
    await page.goto(`/confirm-email?token=${token}`);
    await page.getByRole('button', { name: 'Conferma' }).waitFor();
    await expectAccessible(page, 'confirm-email');
    await screenshot(page, 'confirm-email-it');
    // Opening the page changed nothing.
    expect((await w.t.call(p.admin, 'GET', `/api/2/contacts/${contact.body.id}`)).body.email).toBe(
      'linda@example.test',
    );
    await page.getByRole('button', { name: 'Conferma' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('linda.new@example.test');
    expect((await w.t.call(p.admin, 'GET', `/api/2/contacts/${contact.body.id}`)).body.email).toBe(
      'linda.new@example.test',
    );

    await page.goto(`/confirm-email?token=${token}`);
    await page.getByRole('button', { name: 'Conferma' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('già stato usato');
    await screenshot(page, 'confirm-email-used-it');

    const english = await w.newPage();
    await english.goto('/confirm-email?token=not-a-real-token-at-all-000000');
    await english.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => english.getByRole('alert').textContent()).toContain('This link is not valid');
    await english.goto('/confirm-email');
    await expect.poll(() => english.getByRole('alert').textContent()).toContain('needs the link');
  });

  it('activates with a chosen password, refusing a short or mismatched one first', async () => {
    const p = await createPartnerWorld(w.t, 'A');
    const user = await w.t.call(p.admin, 'POST', '/api/2/users', {
      tenant_id: p.customerId,
      login: 'newbie',
      contact: { email: 'newbie@example.test', firstname: 'Nina' },
    });
    expect((await w.t.call(p.admin, 'POST', `/api/2/users/${user.body.id}/send-activation-email`)).status).toBe(204);
    const token = tokenIn((await w.smtp.waitFor((m) => m.to.includes('newbie@example.test'))).text, '/activate');

    const page = await w.newPage();
    await page.goto(`/activate?token=${token}`);
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Repeat the password').fill('short');
    await page.getByRole('button', { name: 'Activate' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('at least 8 characters');
    await page.getByLabel('Password', { exact: true }).fill('a-good-password');
    await page.getByLabel('Repeat the password').fill('another-password');
    await page.getByRole('button', { name: 'Activate' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('differ');
    await expectAccessible(page, 'activate');
    await page.getByLabel('Repeat the password').fill('a-good-password');
    await page.getByRole('button', { name: 'Activate' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('newbie');
    await screenshot(page, 'activate-done');
    expect((await w.t.tokenFor('newbie', 'a-good-password')).authorization).toMatch(/^Bearer /);

    await page.goto(`/activate?token=${token}`);
    await page.getByLabel('Password', { exact: true }).fill('a-good-password');
    await page.getByLabel('Repeat the password').fill('a-good-password');
    await page.getByRole('button', { name: 'Activate' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('already used');
  });
});
