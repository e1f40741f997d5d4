import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Locator, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
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
import { eventTypes } from '../../src/platform/events.js';

// The console's list of events, loaded as the tests run (web/ is a type-checked project of its own).
const { eventGroups } = (await import(
  new URL('../../web/src/components/webhooks/events.ts', import.meta.url).href
)) as {
  eventGroups: Record<string, string[]>;
};

// The Webhooks page against a real Liaison and a real HTTP receiver on 127.0.0.1 (hence private
// targets allowed); every request the receiver gets is verified with the standardwebhooks library.
// The retry base is a minute: a failed attempt stays "Retrying" until Redeliver sends it again.

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  type: string;
}

const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
/** The text of the elements an element's aria-describedby names. */
const described = (target: Locator) =>
  target.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' '),
  );
/** The card of the webhook posting to `url`. */
const cardOf = (page: Page, url: string) =>
  page.locator('li.webhook-card').filter({ has: page.getByRole('heading', { level: 2, name: url, exact: true }) });
const deliveryRows = (card: Locator, event: string) => card.locator('tbody tr', { hasText: event });
/** Presses Tab until the focused element matches (at most 60 presses): keyboard only, no clicks. */
async function tabTo(page: Page, test: (el: { tag: string; name: string; type: string }) => boolean) {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const el = await page.evaluate(() => {
      const a = document.activeElement as HTMLInputElement | null;
      const labelled = a?.labels?.[0]?.textContent ?? '';
      return { tag: a?.tagName ?? '', name: (a?.textContent || labelled || '').trim(), type: a?.type ?? '' };
    });
    if (test(el)) return;
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
    const name = (await button.textContent()) ?? '';
    const box = await button.boundingBox();
    expect(box, name).not.toBeNull();
    expect(box!.x, name).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, name).toBeLessThanOrEqual(innerWidth);
  }
}

describe('the events the console offers', () => {
  it('are every event a webhook may subscribe to, grouped by their kind', () => {
    expect(Object.values(eventGroups).flat().sort()).toEqual([...eventTypes].sort());
    for (const [kind, events] of Object.entries(eventGroups))
      for (const event of events) expect(event.startsWith(`${kind}.`), event).toBe(true);
  });
});

describe.runIf(haveBrowser)('webhooks in the console', { timeout: 180_000 }, () => {
  let w: BrowserWorld;
  let p: PartnerWorld;
  let server: http.Server;
  let base: string;
  const received: Received[] = [];
  /** The status each path answers (default 200). */
  const answers = new Map<string, number>();
  const at = (path: string) => received.filter((r) => r.path === path);

  const open = async (options?: Parameters<BrowserWorld['newPage']>[0]) => {
    const page = await w.newPage(options);
    page.setDefaultTimeout(15_000);
    return page;
  };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const path = req.url ?? '';
        received.push({ path, headers: req.headers as Record<string, string>, body, type: JSON.parse(body).type });
        res.statusCode = answers.get(path) ?? 200;
        res.end(res.statusCode === 200 ? 'ok' : 'not today');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    w = await startBrowserWorld({
      smtp: false,
      config: { webhooksAllowPrivate: true, webhookPollMs: 50, webhookRetryBaseMs: 60_000 },
    });
    p = await createPartnerWorld(w.t, 'Hooks');
  }, 60_000);
  afterAll(async () => {
    await w?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('creates a webhook by keyboard alone, shows its secret once, tests, retries, redelivers, edits, rotates, disables and deletes it', async () => {
    const page = await open();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: w.baseUrl });
    await signIn(page, p.admin.login, `pw-${p.admin.login}`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
    await page.getByText(/^0 webhooks$/).waitFor();
    await poll(() => page.title()).toBe('Webhooks · Liaison');
    const menuLink = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' });
    expect(await menuLink.getAttribute('aria-current')).toBe('page');
    await expectAccessible(page, 'webhooks (empty)');
    await screenshot(page, 'webhooks-empty');

    // Keyboard only: open the dialog, try without events, then with an address the API refuses.
    await tabTo(page, (el) => el.tag === 'BUTTON' && el.name.includes('Create webhook'));
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Create a webhook' });
    const url = dialog.getByRole('textbox', { name: /^Address \(URL\)/ });
    await poll(() => url.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type(`http://someone:secret@127.0.0.1:1/hook`);
    await page.keyboard.press('Enter');
    await dialog.getByText('Choose at least one event.').waitFor();
    expect(await described(dialog.getByRole('group', { name: /^Events/ }))).toContain('Choose at least one event.');
    await tabTo(page, (el) => el.type === 'checkbox' && el.name.startsWith('All contact events'));
    await page.keyboard.press('Space');
    await tabTo(page, (el) => el.type === 'checkbox' && el.name.startsWith('Finished sending'));
    await page.keyboard.press('Space');
    await tabTo(page, (el) => el.tag === 'BUTTON' && el.name === 'Create');
    await page.keyboard.press('Enter');
    await poll(() => url.getAttribute('aria-invalid')).toBe('true');
    expect(await described(url)).toContain('Liaison does not send to this address: must not carry a user name');
    // Focus went back to the field the API named.
    expect(await url.evaluate((el) => el === document.activeElement)).toBe(true);
    await expectAccessible(page, 'create webhook dialog with errors');
    await screenshot(page, 'webhooks-create-errors');
    const hookUrl = `${base}/orders`;
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(hookUrl);
    await tabTo(page, (el) => el.tag === 'INPUT' && el.name.startsWith('Description'));
    await page.keyboard.type('Orders PSA');
    await page.keyboard.press('Enter');

    // The secret, once: copied with the button, gone once the dialog is closed.
    const secretDialog = page.getByRole('dialog', { name: 'Webhook created: copy its secret' });
    await secretDialog.getByText('Liaison never shows it again').waitFor();
    const secret = await secretDialog.getByRole('textbox', { name: 'Signing secret' }).inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{20,}$/);
    await expectAccessible(page, 'secret shown once');
    await screenshot(page, 'webhooks-secret-once');
    await tabTo(page, (el) => el.tag === 'BUTTON' && el.name === 'Copy');
    await page.keyboard.press('Enter');
    await secretDialog.getByText('Copied.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await tabTo(page, (el) => el.tag === 'BUTTON' && el.name === 'I have copied it');
    await page.keyboard.press('Enter');
    await secretDialog.waitFor({ state: 'hidden' });
    await page.getByText(/^1 webhook$/).waitFor();
    expect(await page.content()).not.toContain(secret);
    const card = cardOf(page, hookUrl);
    expect(await card.textContent()).toMatch(/Orders PSA.*Enabled.*none yet.*contact\.\*.*announcement\.done/);
    const hook = (await w.t.call(p.admin, 'GET', `/api/2/webhooks?tenant_id=${p.partnerId}`)).body.items[0];
    expect(hook).toMatchObject({ url: hookUrl, events: ['contact.*', 'announcement.done'], enabled: true });

    // A test event reaches the receiver, signed with that secret, and shows as delivered.
    await card.getByRole('button', { name: 'Send test event' }).click();
    await poll(() => page.getByRole('status').first().textContent()).toContain('A test event is on its way');
    await poll(() => at('/orders').length).toBe(1);
    expect(new Webhook(secret).verify(at('/orders')[0].body, at('/orders')[0].headers)).toMatchObject({
      type: 'webhook.test',
      data: { webhook_id: hook.id },
    });
    await poll(() => card.locator('.facts').textContent()).toMatch(/Last delivery\s*Delivered\s*webhook\.test/);
    await card.getByRole('button', { name: 'Recent deliveries' }).click();
    expect(await card.getByRole('button', { name: 'Recent deliveries' }).getAttribute('aria-expanded')).toBe('true');
    expect(await deliveryRows(card, 'webhook.test').textContent()).toMatch(/Delivered.*1.*200/);
    await expectAccessible(page, 'webhook with deliveries');
    await screenshot(page, 'webhooks-delivered');

    // Edit: the receiver now fails at the new address; the delivery says Retrying, with the 500.
    answers.set('/failing', 500);
    await card.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit the webhook' });
    const editUrl = edit.getByRole('textbox', { name: /^Address \(URL\)/ });
    expect(await editUrl.inputValue()).toBe(hookUrl);
    expect(await edit.getByRole('checkbox', { name: /^All contact events/ }).isChecked()).toBe(true);
    expect(await edit.getByRole('checkbox', { name: /^Created contact\.created/ }).isDisabled()).toBe(true);
    const failingUrl = `${base}/failing`;
    await editUrl.fill(failingUrl);
    // Changed elsewhere meanwhile: the versioned PUT is refused and the form shows the current version.
    const elsewhere = await w.t.call(p.admin, 'PUT', `/api/2/webhooks/${hook.id}`, {
      version: hook.version,
      description: 'Orders PSA (production)',
    });
    expect(elsewhere.status).toBe(200);
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.getByText('Someone changed this webhook meanwhile: the form now shows the current version').waitFor();
    expect(await edit.getByRole('textbox', { name: /^Description/ }).inputValue()).toBe('Orders PSA (production)');
    expect(await editUrl.inputValue()).toBe(hookUrl);
    await expectAccessible(page, 'edit webhook changed meanwhile');
    await screenshot(page, 'webhooks-edit-changed-meanwhile');
    await editUrl.fill(failingUrl);
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'hidden' });
    await poll(() => page.getByRole('status').first().textContent()).toContain(
      `The webhook for ${failingUrl} was saved`,
    );
    const failing = cardOf(page, failingUrl);
    await failing.getByRole('button', { name: 'Send test event' }).click();
    await poll(() => at('/failing').length).toBe(1);
    // The same card, its deliveries still open.
    expect(await failing.getByRole('button', { name: 'Recent deliveries' }).getAttribute('aria-expanded')).toBe('true');
    const failed = failing.locator('tbody tr').first();
    await poll(() => failed.textContent()).toMatch(/webhook\.test.*Retrying.*1.*500/);
    expect(await failed.locator('time').count()).toBe(2);
    await screenshot(page, 'webhooks-retrying');

    // The receiver recovers: Redeliver sends it again at once, with the same webhook-id.
    answers.set('/failing', 200);
    await failed.getByRole('button', { name: /^Redeliver webhook\.test/ }).click();
    await poll(() => at('/failing').length).toBe(2);
    expect(at('/failing')[1].headers['webhook-id']).toBe(at('/failing')[0].headers['webhook-id']);
    await poll(() => failing.locator('tbody tr').first().textContent()).toMatch(/webhook\.test.*Delivered.*1.*200/);
    await screenshot(page, 'webhooks-redelivered');

    // A 410 Gone: the delivery fails for good and Liaison turns the webhook off; Enable turns it on.
    answers.set('/failing', 410);
    await failing.getByRole('button', { name: 'Send test event' }).click();
    await poll(() => failing.locator('tbody tr').first().textContent()).toMatch(/webhook\.test.*Failed.*1.*410/);
    await poll(() => failing.locator('.facts').textContent()).toContain('Disabled: the address answered 410 Gone');
    await screenshot(page, 'webhooks-gone');
    answers.set('/failing', 200);
    await failing.getByRole('button', { name: 'Enable' }).click();
    await poll(() => failing.locator('.facts').textContent()).toMatch(/State\s*Enabled/);

    // Rotate: the new secret once, the old one signs beside it for 24 hours.
    await failing.getByRole('button', { name: 'Rotate secret' }).click();
    const rotate = page.getByRole('dialog', { name: 'Rotate the signing secret?' });
    await rotate.getByText('keeps signing beside it for 24 hours').waitFor();
    await rotate.getByRole('button', { name: 'Rotate' }).click();
    const rotated = page.getByRole('dialog', { name: 'The new signing secret' });
    await rotated.getByText('The previous secret keeps signing beside this one for 24 hours').waitFor();
    const newSecret = await rotated.getByRole('textbox', { name: 'Signing secret' }).inputValue();
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(secret);
    await screenshot(page, 'webhooks-rotated');
    await rotated.getByRole('button', { name: 'I have copied it' }).click();
    await poll(() => failing.textContent()).toContain('The previous secret signs until');
    await failing.getByRole('button', { name: 'Send test event' }).click();
    await poll(() => at('/failing').length).toBe(4);
    const third = at('/failing')[3];
    expect(third.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(newSecret).verify(third.body, third.headers)).toMatchObject({ type: 'webhook.test' });
    expect(new Webhook(secret).verify(third.body, third.headers)).toMatchObject({ type: 'webhook.test' });

    // Disable, enable, then delete after confirming.
    await failing.getByRole('button', { name: 'Disable' }).click();
    await poll(() => failing.locator('.facts').textContent()).toMatch(/State\s*Disabled/);
    await poll(() => page.getByRole('status').first().textContent()).toContain('is disabled');
    expect((await w.t.call(p.admin, 'GET', `/api/2/webhooks/${hook.id}`)).body.enabled).toBe(false);
    await screenshot(page, 'webhooks-disabled');
    await failing.getByRole('button', { name: 'Enable' }).click();
    await poll(() => failing.locator('.facts').textContent()).toMatch(/State\s*Enabled/);
    await failing.getByRole('button', { name: 'Delete' }).click();
    const remove = page.getByRole('dialog', { name: 'Delete the webhook?' });
    // Cancel first: focus is on it, so Enter alone deletes nothing.
    await poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await remove.getByRole('button', { name: 'Delete' }).click();
    await remove.waitFor({ state: 'hidden' });
    await page.getByText(/^0 webhooks$/).waitFor();
    expect((await w.t.call(p.admin, 'GET', `/api/2/webhooks/${hook.id}`)).status).toBe(404);
  });

  it('in Italian on a phone: a client’s webhooks as stacked cards, every action in reach', async () => {
    const page = await open({ width: 390, height: 844, locale: 'it-IT' });
    await signIn(page, p.admin.login, `pw-${p.admin.login}`);
    await page.getByRole('combobox', { name: /^(Language|Lingua)$/ }).selectOption('it');
    await page.goto(`/webhooks?tenant=${p.customerId}`);
    await page.getByRole('heading', { level: 1, name: 'Webhook di Customer of Hooks' }).waitFor();
    await page.getByRole('navigation', { name: 'Percorso' }).getByRole('link', { name: 'Customer of Hooks' }).waitFor();
    await poll(() => page.title()).toBe('Webhook di Customer of Hooks · Liaison');
    await page.getByText(/^0 webhook$/).waitFor();

    await page.getByRole('button', { name: 'Crea webhook' }).click();
    const dialog = page.getByRole('dialog', { name: 'Crea un webhook' });
    const hookUrl = `${base}/cliente-con-un-indirizzo-molto-lungo/eventi/contatti-e-utenti`;
    await dialog.getByRole('textbox', { name: /^Indirizzo \(URL\)/ }).fill(hookUrl);
    await dialog.getByRole('checkbox', { name: /^Tutti gli eventi degli utenti/ }).check();
    await dialog.getByRole('checkbox', { name: /^Creazione contact\.created/ }).check();
    await expectAccessible(page, 'create webhook (it, phone)');
    await screenshot(page, 'webhooks-create-it-phone');
    await dialog.getByRole('button', { name: 'Crea', exact: true }).click();
    const secretDialog = page.getByRole('dialog', { name: 'Webhook creato: copia il suo segreto' });
    await secretDialog.getByText('Liaison non lo mostra mai più').waitFor();
    await fitsWidth(page, secretDialog);
    await screenshot(page, 'webhooks-secret-it-phone');
    await secretDialog.getByRole('button', { name: 'L’ho copiato' }).click();
    await page.getByText(/^1 webhook$/).waitFor();

    const card = cardOf(page, hookUrl);
    await card.getByRole('button', { name: 'Invia evento di prova' }).click();
    await poll(() => at('/cliente-con-un-indirizzo-molto-lungo/eventi/contatti-e-utenti').length).toBe(1);
    await card.getByRole('button', { name: 'Invii recenti' }).click();
    await poll(() => card.locator('tbody tr').first().textContent()).toMatch(/webhook\.test.*Consegnato/);
    await fitsWidth(page, card);
    await expectAccessible(page, 'webhooks (it, phone)');
    await screenshot(page, 'webhooks-it-phone');
  });

  it('shows a read-only admin the webhooks and their deliveries, with nothing to change', async () => {
    const made = await w.t.call(p.admin, 'POST', '/api/2/webhooks', {
      tenant_id: p.partnerId,
      url: `${base}/read-only`,
      events: ['user.*'],
      description: 'Seen, not changed',
    });
    expect(made.status).toBe(201);
    expect((await w.t.call(p.admin, 'POST', `/api/2/webhooks/${made.body.id}/test`, {})).status).toBe(202);
    const page = await open();
    await signIn(page, p.readonly.name, `pw-${p.readonly.name}`);
    await page.goto('/webhooks');
    await page.getByText('Your access lets you see the webhooks, not change them.').waitFor();
    const card = cardOf(page, `${base}/read-only`);
    await card.getByRole('button', { name: 'Recent deliveries' }).click();
    await poll(() => card.locator('tbody tr').first().textContent()).toMatch(/webhook\.test.*Delivered/);
    expect(await page.getByRole('button', { name: 'Create webhook' }).count()).toBe(0);
    expect(await card.getByRole('button').allTextContents()).toEqual(['Recent deliveries', 'Refresh']);
    await expectAccessible(page, 'webhooks (read-only)');
    await screenshot(page, 'webhooks-read-only');
  });
});
