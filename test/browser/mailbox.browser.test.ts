import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectAccessible,
  haveBrowser,
  screenshot,
  signIn,
  startBrowserWorld,
  type BrowserWorld,
} from './browser-support.js';
import { createPartnerWorld, ROOT_PASSWORD, type PartnerWorld } from '../support/test-app.js';

// Without an SMTP server Liaison keeps its mail in the built-in mailbox: the root admin reads
// it in the console, and its links complete the flow, so a fresh install can be tried end to end.
describe.runIf(haveBrowser)('the mailbox (no SMTP server)', () => {
  let w: BrowserWorld;
  let p: PartnerWorld;
  const emails: string[] = [];

  beforeAll(async () => {
    w = await startBrowserWorld({ smtp: false });
    p = await createPartnerWorld(w.t, 'Box');
    // 21 activation messages: one more than a page.
    for (let i = 1; i <= 21; i++) {
      const login = `boxed-${i}`;
      const user = await w.t.call(p.admin, 'POST', '/api/2/users', {
        tenant_id: p.customerId,
        login,
        contact: { email: `${login}@example.test`, firstname: 'Boxed', lastname: String(i), language: 'en' },
      });
      expect(user.status, JSON.stringify(user.body)).toBe(200);
      expect((await w.t.call(p.admin, 'POST', `/api/2/users/${user.body.id}/send-activation-email`)).status).toBe(204);
      emails.push(`${login}@example.test`);
    }
    // The worker stores them shortly after commit.
    for (let i = 0; i < 400; i++) {
      const box = await w.t.call(w.t.root, 'GET', '/api/2/mailbox?limit=200');
      if (box.body.items.length >= 21) break;
      await new Promise((r) => setTimeout(r, 25));
    }
  }, 60_000);
  afterAll(() => w?.close());

  it('shows the root admin the kept messages, newest first, paged, with clickable links that work', async () => {
    const page = await w.newPage();
    await signIn(page, 'admin', ROOT_PASSWORD);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Mailbox' }).click();
    const list = page.getByRole('list', { name: 'Mailbox' });
    await list.getByRole('listitem').first().waitFor();
    expect(await list.getByRole('listitem').count()).toBe(20);
    const newest = list.getByRole('listitem').first();
    expect(await newest.getByRole('heading').textContent()).toBe('Activate your account');
    expect(await newest.textContent()).toContain(`To${emails[20]}`);
    expect(await newest.textContent()).toContain('Account activation');
    expect(await page.getByText('20 messages shown').count()).toBe(1);

    await newest.getByText('Show the message').click();
    const link = newest.locator('pre').getByRole('link', { name: /\/activate\?token=/ });
    const href = await link.getAttribute('href');
    expect(href).toMatch(new RegExp(`^${w.baseUrl}/activate\\?token=`));
    expect(await newest.locator('pre').evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('pre-wrap');
    await expectAccessible(page, 'mailbox');
    await screenshot(page, 'mailbox');

    await page.getByRole('button', { name: 'Show more' }).click();
    await expect.poll(() => list.getByRole('listitem').count()).toBe(21);
    expect(await list.getByRole('listitem').last().textContent()).toContain(emails[0]);
    expect(await page.getByRole('button', { name: 'Show more' }).count()).toBe(0);

    // The link from the kept message activates the account.
    await link.click();
    await page.waitForURL('**/activate?token=**');
    await page.getByLabel('Password', { exact: true }).fill('from the mailbox');
    await page.getByLabel('Repeat the password').fill('from the mailbox');
    await page.getByRole('button', { name: 'Activate' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('boxed-21');
  });

  it('works in Italian, and is closed to everyone but root admins', async () => {
    const page = await w.newPage({ locale: 'it-IT' });
    await signIn(page, 'admin', ROOT_PASSWORD);
    await page.getByRole('combobox', { name: /Language|Lingua/ }).selectOption('it');
    await page.getByRole('navigation', { name: 'Principale' }).getByRole('link', { name: 'Posta' }).click();
    await page.getByRole('heading', { name: 'Casella di posta', level: 1 }).waitFor();
    const newest = page.getByRole('list', { name: 'Casella di posta' }).getByRole('listitem').first();
    await newest.getByText('Mostra il messaggio').click();
    expect(await newest.textContent()).toContain('Attivazione dell’account');
    await expectAccessible(page, 'casella di posta');
    await screenshot(page, 'mailbox-it');

    const partner = await w.newPage();
    await signIn(partner, p.admin.login, `pw-${p.admin.login}`);
    expect(await partner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Mailbox' }).count()).toBe(
      0,
    );
    await partner.goto('/mailbox');
    await partner.getByText('Only platform administrators see the mailbox.').waitFor();
    expect(await partner.content()).not.toContain('boxed-');
  });
});
