import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveBrowser, signIn, startBrowserWorld, type BrowserWorld } from './browser-support.js';
import { ROOT_PASSWORD } from '../support/test-app.js';

/** The console under its Content-Security-Policy, in Chromium: every page works, nothing is blocked, nobody frames it. */
describe.runIf(haveBrowser)('the console under its security headers', () => {
  let w: BrowserWorld;
  beforeAll(async () => {
    w = await startBrowserWorld({ smtp: false });
  }, 60_000);
  afterAll(() => w?.close()); // fails if the CSP blocked anything on any page

  it('every page renders with nothing blocked, and the favicon is served', async () => {
    const page = await w.newPage();
    const favicon = page.waitForResponse((r) => /\/favicon\.(svg|ico)$/.test(r.url()));
    await page.goto('/activate?token=one-time-token');
    await page.getByRole('button', { name: 'Activate' }).waitFor();
    expect((await favicon).status()).toBe(200);
    expect((await page.request.get('/favicon.ico')).status()).toBe(200);
    await page.goto('/confirm-email?token=one-time-token');
    await page.getByRole('button', { name: 'Confirm' }).waitFor();
    await signIn(page, 'admin', ROOT_PASSWORD);
    for (const [path, heading] of [
      ['/my-company', /.+/],
      ['/clients', 'Clients'],
      ['/users', 'Users'],
      ['/notices', 'Notices'],
      ['/notices/new', 'Notices'],
      ['/mailbox', 'Mailbox'],
    ] as const) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1, name: heading }).first().waitFor();
    }
    // The API docs work under their own policy.
    await page.goto('/api/2/docs/');
    await page.getByText('Liaison API').first().waitFor();
    expect(w.cspViolations).toEqual([]);
  });

  it('no other site can frame a page', async () => {
    // A page of another origin (about:blank here) framing the link page that carries a token.
    const other = await w.newPage();
    const otherRefused = other.waitForEvent('console', (m) => /frame-ancestors/.test(m.text()));
    await other.setContent(`<iframe src="${w.baseUrl}/activate?token=one-time-token"></iframe>`);
    expect((await otherRefused).text()).toContain("frame-ancestors 'none'");
    expect((await other.frames()[1]?.getByRole('button', { name: 'Activate' }).count()) ?? 0).toBe(0);
    // Only the expected refusal was seen: take it out of the world's list.
    w.cspViolations.splice(0, w.cspViolations.length, ...w.cspViolations.filter((v) => !/frame-ancestors/.test(v)));
  });

  it('<html lang> follows the language shown, after a reload too', async () => {
    const italian = await w.newPage({ locale: 'it-IT' });
    await italian.goto('/sign-in');
    await italian.getByRole('heading', { level: 1, name: 'Accedi a Liaison' }).waitFor();
    expect(await italian.evaluate(() => document.documentElement.lang)).toBe('it');

    const page = await w.newPage();
    await signIn(page, 'admin', ROOT_PASSWORD);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.getByRole('combobox', { name: 'Language' }).selectOption('it');
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('it');
    await page.reload();
    await page.getByRole('navigation', { name: 'Principale' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('it');
    await page.getByRole('combobox', { name: 'Lingua' }).selectOption('en');
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
  });
});
