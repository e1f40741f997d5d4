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

describe.runIf(haveBrowser)('the clients tree and search', () => {
  let w: BrowserWorld;
  let p1: PartnerWorld;
  let p2: PartnerWorld;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    w = await startBrowserWorld();
    const { t } = w;
    p1 = await createPartnerWorld(t, 'P1');
    p2 = await createPartnerWorld(t, 'P2');
    const make = async (name: string, parent: string, kind: string) => {
      const res = await t.call(t.root, 'POST', '/api/2/tenants', { name, parent_id: parent, kind });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids[name] = res.body.id;
      return res.body as { id: string; version: number };
    };
    await make('Europe', p1.partnerId, 'folder');
    await make('Rossi Srl', ids.Europe, 'customer');
    const bianchi = await make('Bianchi SpA', ids.Europe, 'customer');
    expect(
      (await t.call(t.root, 'PUT', `/api/2/tenants/${bianchi.id}`, { version: bianchi.version, enabled: false }))
        .status,
    ).toBe(200);
    await make('Sales department', p1.customerId, 'unit');
  }, 60_000);
  afterAll(() => w?.close());

  /** The row of a tenant in the tree (its link, kind and status labels). */
  const row = (page: Page, name: string) =>
    page.locator('.tree-row').filter({ has: page.getByRole('link', { name, exact: true }) });
  const signInAs = async (page: Page, world: PartnerWorld) =>
    signIn(page, world.admin.login, `pw-${world.admin.login}`);

  it('shows a partner admin its clients as a tree it can expand, search and open', async () => {
    const page = await w.newPage();
    await signInAs(page, p1);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
    await page.getByRole('heading', { name: 'Clients of Partner P1' }).waitFor();
    const tree = page.getByRole('list', { name: 'Clients of Partner P1' });
    await expect.poll(() => page.getByText('2 clients').count()).toBe(1);
    expect(await tree.getByRole('link').allTextContents()).toEqual(['Customer of P1', 'Europe']);

    await page.getByRole('button', { name: 'Clients of Europe' }).click();
    await page.getByRole('link', { name: 'Rossi Srl' }).waitFor();
    const bianchi = row(page, 'Bianchi SpA');
    expect(await bianchi.textContent()).toContain('Disabled');
    expect(await bianchi.textContent()).toContain('Customer');
    expect(await page.getByRole('button', { name: 'Clients of Europe' }).getAttribute('aria-expanded')).toBe('true');
    await page.getByRole('button', { name: 'Clients of Customer of P1' }).click();
    await page.getByRole('link', { name: 'Sales department' }).waitFor();
    expect(await row(page, 'Sales department').textContent()).toContain('Unit');
    await expectAccessible(page, 'clients tree');
    await screenshot(page, 'clients-tree');

    // Search: the matches with their path, each linking to its Configure page.
    await page.getByLabel('Search clients').fill('rossi');
    await page.getByLabel('Search clients').press('Enter');
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('1 client matches “rossi”');
    const results = page.getByRole('region', { name: 'Search results' });
    expect(await results.textContent()).toContain('Partner P1 › Europe');
    await expectAccessible(page, 'clients search');
    await screenshot(page, 'clients-search');

    // "Show in the tree" opens the branch, with a breadcrumb back.
    await results.getByRole('link', { name: 'Show in the tree' }).click();
    await page.getByRole('heading', { name: 'Clients of Europe' }).waitFor();
    expect(page.url()).toContain(`under=${ids.Europe}`);
    const crumbs = page.getByRole('navigation', { name: 'Where you are' });
    expect(await crumbs.textContent()).toContain('Partner P1');
    await page.getByRole('link', { name: 'Rossi Srl' }).click();
    await page.waitForURL(`**/clients/${ids['Rossi Srl']}`);

    // A tenant id that is not one of yours: a clear not-found state.
    await page.goto(`/clients?under=${p2.partnerId}`);
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('This client does not exist, or it is not one of yours.');
    await expectAccessible(page, 'clients not found');
    await screenshot(page, 'clients-not-found');
    await page.goto('/clients?under=not-a-uuid');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('This client does not exist');
  });

  it('works in Italian', async () => {
    const page = await w.newPage({ locale: 'it-IT' });
    await signInAs(page, p1);
    await page.getByRole('combobox', { name: /Language|Lingua/ }).selectOption('it');
    await page.goto('/clients');
    await page.getByRole('heading', { name: 'Clienti di Partner P1' }).waitFor();
    await expect.poll(() => page.getByText('2 clienti').count()).toBe(1);
    await page.getByRole('button', { name: 'Clienti di Europe' }).click();
    const bianchi = row(page, 'Bianchi SpA');
    await expect.poll(() => bianchi.textContent()).toContain('Disattivato');
    expect(await bianchi.textContent()).toContain('Cliente');
    await page.getByLabel('Cerca clienti').fill('europe');
    await page.getByRole('button', { name: 'Cerca', exact: true }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toContain('1 cliente corrisponde a «europe»');
    await expectAccessible(page, 'clienti');
    await screenshot(page, 'clients-search-it');
  });

  it('shows another partner none of the first partner’s clients', async () => {
    const page = await w.newPage();
    await signInAs(page, p2);
    await page.goto('/clients');
    await page.getByRole('heading', { name: 'Clients of Partner P2' }).waitFor();
    await expect.poll(() => page.getByText('1 client', { exact: true }).count()).toBe(1);
    const tree = page.getByRole('list', { name: 'Clients of Partner P2' });
    expect(await tree.getByRole('link').allTextContents()).toEqual(['Customer of P2']);
    expect(await page.content()).not.toContain('P1');

    for (const text of ['Rossi', 'Europe', 'P1']) {
      await page.getByLabel('Search clients').fill(text);
      await page.getByLabel('Search clients').press('Enter');
      await expect.poll(() => page.getByRole('status').first().textContent()).toContain(`No client matches “${text}”`);
    }
    await page.goto(`/clients?under=${ids.Europe}`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not one of yours');
    expect(await page.content()).not.toContain('Europe');
    await screenshot(page, 'clients-other-partner');
  });
});
