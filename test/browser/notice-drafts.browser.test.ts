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

// Notice drafts in the console: saved from the compose form (again into the same draft), listed
// with their state, edited and sent, or deleted after a confirmation.

describe.runIf(haveBrowser)('notice drafts: save, list, edit, send, delete', () => {
  let w: BrowserWorld;
  let p1: PartnerWorld;
  let p2: PartnerWorld;

  beforeAll(async () => {
    w = await startBrowserWorld();
    const { t } = w;
    p1 = await createPartnerWorld(t, 'Drafter');
    p2 = await createPartnerWorld(t, 'Bozze');
    for (const [world, email] of [
      [p1, 'dora@customer.test'],
      [p2, 'bruno@cliente.test'],
    ] as const) {
      const res = await t.call(world.admin, 'POST', '/api/2/contacts', {
        tenant_id: world.customerId,
        types: ['technical'],
        firstname: email.split('@')[0],
        lastname: 'Test',
        email,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
  }, 60_000);
  afterAll(() => w?.close());

  const signInAs = (page: Page, world: PartnerWorld) => signIn(page, world.admin.login, `pw-${world.admin.login}`);
  const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000 });
  const drafts = async (world: PartnerWorld) =>
    (await w.t.call(world.admin, 'GET', '/api/2/announcements?status=draft')).body.items as {
      id: string;
      subject: { en?: string };
      body: { en?: string };
    }[];

  it('saves a draft in English, saves it again into the same draft, lists it, edits and sends it', async () => {
    const page = await w.newPage();
    await signInAs(page, p1);
    await page.goto('/notices/new');
    await page.getByRole('heading', { name: 'New notice' }).waitFor();
    const english = page.getByRole('group', { name: 'English' });
    await page.getByRole('radio', { name: 'Technical' }).check();
    await english.getByLabel(/^Subject/).fill('Draft maintenance');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('Draft saved.', { exact: false }).waitFor();
    await poll(async () => (await drafts(p1)).map((d) => d.subject.en)).toEqual(['Draft maintenance']);

    // Saved again: the same draft, with the message now.
    await english.getByLabel(/^Message/).fill('We upgrade the platform on Sunday.');
    expect(await page.getByText('Draft saved.', { exact: false }).count()).toBe(0);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('Draft saved.', { exact: false }).waitFor();
    await poll(async () => (await drafts(p1)).map((d) => [d.subject.en, d.body.en])).toEqual([
      ['Draft maintenance', 'We upgrade the platform on Sunday.'],
    ]);
    await expectAccessible(page, 'compose with a saved draft');
    await screenshot(page, 'notice-draft-saved');

    // The list shows it as a draft, with Edit and Delete.
    await page.getByRole('navigation', { name: 'Notices sections' }).getByRole('link', { name: 'Notice list' }).click();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'Draft maintenance' }) });
    await card.waitFor();
    expect(await card.locator('.tag').textContent()).toBe('Draft');
    expect(await card.textContent()).toContain('A draft: nothing is sent until you send it.');
    await card.getByRole('button', { name: 'Delete draft' }).waitFor();
    await expectAccessible(page, 'notices list with a draft');
    await screenshot(page, 'notice-draft-list');

    // Edited: the same form, with what was saved; the send button sends the latest text.
    await card.getByRole('link', { name: 'Edit draft' }).click();
    await page.getByRole('heading', { name: 'Edit the draft' }).waitFor();
    const subject = page.getByRole('group', { name: 'English' }).getByLabel(/^Subject/);
    expect(await subject.inputValue()).toBe('Draft maintenance');
    expect(await page.getByRole('radio', { name: 'Technical' }).isChecked()).toBe(true);
    await subject.fill('Draft maintenance, final');
    await page.getByRole('button', { name: 'Check recipients' }).click();
    await page.getByText('1 person receives this notice').waitFor();
    await screenshot(page, 'notice-draft-edit');
    await page.getByRole('button', { name: 'Send to 1 recipient' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send this notice?' });
    expect(await dialog.textContent()).toContain('“Draft maintenance, final” goes to 1 person now.');
    await dialog.getByRole('button', { name: 'Send notice' }).click();

    await page.waitForURL(/\/notices\/[0-9a-f-]{36}$/);
    await page.getByText('Done', { exact: true }).waitFor({ timeout: 20_000 });
    await w.smtp.waitFor((m) => m.subject === 'Draft maintenance, final' && m.to.includes('dora@customer.test'));
    expect(await drafts(p1)).toEqual([]);
    const all = (await w.t.call(p1.admin, 'GET', '/api/2/announcements')).body.items;
    expect(all.map((a: { subject: { en: string } }) => a.subject.en)).toEqual(['Draft maintenance, final']);
    await screenshot(page, 'notice-draft-sent');
  }, 90_000);

  it('in Italian on a phone, saves a draft and deletes it after confirming', async () => {
    const page = await w.newPage({ locale: 'it-IT', width: 390, height: 844 });
    await signInAs(page, p2);
    await page.getByRole('combobox', { name: /Language|Lingua/ }).selectOption('it');
    await page.goto('/notices/new');
    await page.getByRole('heading', { name: 'Nuovo avviso' }).waitFor();
    await page
      .getByRole('group', { name: 'Inglese' })
      .getByLabel(/^Oggetto/)
      .fill('Bozza da eliminare');
    await page.getByRole('button', { name: 'Salva bozza' }).click();
    await page.getByText('Bozza salvata.', { exact: false }).waitFor();
    await poll(async () => (await drafts(p2)).length).toBe(1);
    await screenshot(page, 'notice-draft-saved-it');

    await page.goto('/notices');
    const card = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'Bozza da eliminare' }) });
    await card.waitFor();
    expect(await card.locator('.tag').textContent()).toBe('Bozza');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectAccessible(page, 'avvisi con una bozza');
    await screenshot(page, 'notice-draft-list-it');

    await card.getByRole('button', { name: 'Elimina la bozza' }).click();
    const dialog = page.getByRole('dialog', { name: 'Eliminare questa bozza?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Non è mai stata inviata a nessuno.');
    await screenshot(page, 'notice-draft-delete-it');
    // Keeping it changes nothing; deleting removes it.
    await dialog.getByRole('button', { name: 'Tienila' }).click();
    expect(await drafts(p2)).toHaveLength(1);
    await card.getByRole('button', { name: 'Elimina la bozza' }).click();
    await dialog.getByRole('button', { name: 'Elimina la bozza' }).click();
    await poll(() => card.count()).toBe(0);
    expect(await drafts(p2)).toEqual([]);
  }, 90_000);
});
