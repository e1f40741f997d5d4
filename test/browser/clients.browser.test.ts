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
  let p3: PartnerWorld;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    w = await startBrowserWorld();
    const { t } = w;
    p1 = await createPartnerWorld(t, 'P1');
    p2 = await createPartnerWorld(t, 'P2');
    p3 = await createPartnerWorld(t, 'P3');
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

  const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
  const tenantOf = async (id: string) => (await w.t.call(w.t.root, 'GET', `/api/2/tenants/${id}`)).body;
  const childNamed = async (parent: string, name: string) => {
    const ids = (await w.t.call(w.t.root, 'GET', `/api/2/tenants/${parent}/children`)).body.items as string[];
    for (const id of ids) if ((await tenantOf(id)).name === name) return tenantOf(id);
    return undefined;
  };
  /** No sideways scroll, and the element entirely within the window's width. */
  const inReach = async (page: Page, name: string) => {
    const box = await page.getByRole('button', { name, exact: true }).boundingBox();
    expect(box, name).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  };

  it('lets a partner admin create a client, edit, disable, enable and delete it', async () => {
    const page = await w.newPage();
    await signInAs(page, p3);
    await page.goto('/clients');
    await page.getByRole('heading', { name: 'Clients of Partner P3' }).waitFor();
    await page.getByRole('button', { name: 'New client' }).click();
    const dialog = page.getByRole('dialog', { name: 'New client under Partner P3' });
    await dialog.waitFor();
    const kinds = await dialog.getByLabel('Kind').locator('option').allTextContents();
    expect(kinds).toEqual(['Partner', 'Folder', 'Customer']);
    expect(await dialog.getByLabel('Language').inputValue()).toBe('en');

    // A blank name: the API's refusal beside the field.
    await dialog.getByLabel(/^Name/).fill('   ');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await poll(() => dialog.locator('.field-error').textContent()).toBe('Give a name of 1 to 255 characters.');
    expect(await dialog.getByLabel(/^Name/).getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'new client (field error)');
    await screenshot(page, 'clients-new-error');

    await dialog.getByLabel(/^Name/).fill('Verdi Srl');
    await dialog.getByLabel('Kind').selectOption('customer');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await poll(() => page.getByRole('status').first().textContent()).toBe('Verdi Srl was created.');
    const verdiRow = row(page, 'Verdi Srl');
    await poll(() => verdiRow.textContent()).toContain('Missing: Billing');
    expect(await verdiRow.textContent()).toContain('Customer');
    await poll(() => page.locator('.coverage-summary').textContent()).toMatch(
      /^With a contact of the type, here and below: Billing \d+ of \d+ · Technical \d+ of \d+ · Business \d+ of \d+$/,
    );
    const verdi = await childNamed(p3.partnerId, 'Verdi Srl');
    expect(verdi).toMatchObject({ kind: 'customer', language: 'en', enabled: true });
    await screenshot(page, 'clients-created');

    // A client with contacts: how many of each type, and the type it lacks as a gap.
    const counted = (
      await w.t.call(p3.admin, 'POST', '/api/2/tenants', {
        name: 'Counted Srl',
        parent_id: p3.partnerId,
        kind: 'customer',
      })
    ).body;
    for (const [i, types] of [['billing', 'technical'], ['billing']].entries())
      expect(
        (
          await w.t.call(p3.admin, 'POST', '/api/2/contacts', {
            tenant_id: counted.id,
            types,
            firstname: 'Count',
            lastname: `Ed ${i}`,
            email: `counted${i}@example.test`,
          })
        ).status,
      ).toBe(201);
    await page.reload();
    const countedRow = row(page, 'Counted Srl');
    await poll(() => countedRow.textContent()).toContain('Contacts: Billing 2 · Technical 1');
    await poll(() => countedRow.textContent()).toContain('Missing: Business');
    expect(await countedRow.textContent()).not.toContain('Missing: Billing');
    expect(await verdiRow.textContent()).not.toContain('Contacts:');

    // Edit: a change made meanwhile reloads the form; then rename and change the language.
    await page.getByRole('link', { name: 'Verdi Srl', exact: true }).click();
    await page.getByRole('heading', { name: 'Verdi Srl', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Verdi Srl' });
    await edit.waitFor();
    await expectAccessible(page, 'edit client');
    const meanwhile = await w.t.call(w.t.root, 'PUT', `/api/2/tenants/${verdi.id}`, {
      version: verdi.version,
      name: 'Verdi Srl (renamed)',
    });
    expect(meanwhile.status).toBe(200);
    await edit.getByLabel(/^Name/).fill('Verdi Group');
    await edit.getByRole('button', { name: 'Save' }).click();
    await poll(() => edit.getByRole('status').textContent()).toContain('changed meanwhile');
    expect(await edit.getByLabel(/^Name/).inputValue()).toBe('Verdi Srl (renamed)');
    await screenshot(page, 'clients-edit-conflict');
    await edit.getByLabel(/^Name/).fill('Verdi Group');
    await edit.getByLabel('Language').selectOption('it');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Verdi Group', level: 1 }).waitFor();
    expect(await tenantOf(verdi.id)).toMatchObject({ name: 'Verdi Group', language: 'it' });

    // Disable (saying what it does), Enable, Disable again, then Delete.
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    const confirm = async (action: string, title: string, expected: boolean) => {
      await page.getByRole('button', { name: action, exact: true }).click();
      const d = page.getByRole('dialog', { name: title });
      await d.waitFor();
      await d.getByRole('button', { name: action }).click();
      await d.waitFor({ state: 'hidden' });
      await poll(async () => (await tenantOf(verdi.id)).enabled).toBe(expected);
    };
    await page.getByRole('button', { name: 'Disable', exact: true }).click();
    const disable = page.getByRole('dialog', { name: 'Disable Verdi Group?' });
    expect(await disable.textContent()).toContain('cannot sign in, and notices skip it');
    await expectAccessible(page, 'disable client');
    await screenshot(page, 'clients-disable');
    // Changed meanwhile: the dialog says so and reads it again; confirming once more disables it.
    const before = await tenantOf(verdi.id);
    const changed = await w.t.call(w.t.root, 'PUT', `/api/2/tenants/${verdi.id}`, {
      version: before.version,
      language: 'en',
    });
    expect(changed.status).toBe(200);
    await disable.getByRole('button', { name: 'Disable' }).click();
    await poll(() => disable.getByRole('alert').textContent()).toBe(
      'It was changed meanwhile and has been read again: check it and try again.',
    );
    expect((await tenantOf(verdi.id)).enabled).toBe(true);
    await disable.getByRole('button', { name: 'Disable' }).click();
    await disable.waitFor({ state: 'hidden' });
    await poll(async () => (await tenantOf(verdi.id)).enabled).toBe(false);
    await page.getByRole('button', { name: 'Enable', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Enable', exact: true }).click();
    await expectAccessible(page, 'enable client');
    await page.getByRole('dialog', { name: 'Enable Verdi Group?' }).getByRole('button', { name: 'Cancel' }).click();
    await confirm('Enable', 'Enable Verdi Group?', true);
    await poll(() => page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    await confirm('Disable', 'Disable Verdi Group?', false);
    await page.getByRole('button', { name: 'Delete' }).click();
    const del = page.getByRole('dialog', { name: 'Delete Verdi Group?' });
    expect(await del.textContent()).toContain('Verdi Group and its contacts are deleted for good');
    await expectAccessible(page, 'delete client');
    await screenshot(page, 'clients-delete');
    await del.getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL('**/clients');
    expect((await w.t.call(w.t.root, 'GET', `/api/2/tenants/${verdi.id}`)).status).toBe(404);
    await page.getByRole('heading', { name: 'Clients of Partner P3' }).waitFor();
    expect(await page.getByRole('status').first().textContent()).toBe('Verdi Group was deleted.');
    await poll(() => page.getByRole('link', { name: 'Customer of P3' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Verdi Group' }).count()).toBe(0);

    // The API's refusal in the dialog: a client with a unit under it.
    const neri = (
      await w.t.call(p3.admin, 'POST', '/api/2/tenants', {
        name: 'Neri Srl',
        parent_id: p3.partnerId,
        kind: 'customer',
      })
    ).body;
    expect(
      (await w.t.call(p3.admin, 'POST', '/api/2/tenants', { name: 'Neri lab', parent_id: neri.id, kind: 'unit' }))
        .status,
    ).toBe(201);
    expect(
      (await w.t.call(p3.admin, 'PUT', `/api/2/tenants/${neri.id}`, { version: neri.version, enabled: false })).status,
    ).toBe(200);
    await page.goto(`/clients/${neri.id}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    const refused = page.getByRole('dialog', { name: 'Delete Neri Srl?' });
    await refused.getByRole('button', { name: 'Delete' }).click();
    await poll(() => refused.getByRole('alert').textContent()).toBe(
      'It still has clients under it: delete those first.',
    );
    await expectAccessible(page, 'delete refused');
    await screenshot(page, 'clients-delete-refused');
  });

  it('shows a read-only admin no button that changes a client', async () => {
    const page = await w.newPage();
    await signIn(page, p3.readonly.name, `pw-${p3.readonly.name}`);
    await page.goto('/clients');
    await page.getByRole('link', { name: 'Customer of P3' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.getByRole('button', { name: 'New client' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Customer of P3' }).click();
    await page.getByRole('heading', { name: 'Customer of P3', level: 1 }).waitFor();
    await page.waitForLoadState('networkidle');
    for (const name of ['Edit', 'Disable', 'Enable', 'Delete'])
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    await screenshot(page, 'clients-read-only');
  });

  it('creates and disables a client in Italian on a phone, every action in reach', async () => {
    const page = await w.newPage({ width: 390, height: 844, locale: 'it-IT' });
    await signInAs(page, p3);
    await page.getByRole('combobox', { name: /Language|Lingua/ }).selectOption('it');
    await page.goto('/clients');
    await page.getByRole('heading', { name: 'Clienti di Partner P3' }).waitFor();
    await inReach(page, 'Nuovo cliente');
    await page.getByRole('button', { name: 'Nuovo cliente' }).click();
    const dialog = page.getByRole('dialog', { name: 'Nuovo cliente in Partner P3' });
    await dialog.getByLabel(/^Nome/).fill('Bruni Srl');
    await dialog.getByLabel('Tipo').selectOption({ label: 'Cliente' });
    expect(await dialog.getByLabel('Lingua').inputValue()).toBe('en');
    await dialog.getByLabel('Lingua').selectOption('it');
    await expectAccessible(page, 'nuovo cliente');
    await screenshot(page, 'clients-new-it-phone');
    await dialog.getByRole('button', { name: 'Crea' }).click();
    await poll(() => page.getByRole('status').first().textContent()).toBe('Creato: Bruni Srl.');
    await poll(() => row(page, 'Bruni Srl').textContent()).toContain('Manca: Fatturazione');
    expect(await childNamed(p3.partnerId, 'Bruni Srl')).toMatchObject({ kind: 'customer', language: 'it' });
    await screenshot(page, 'clients-created-it-phone');

    await page.getByRole('link', { name: 'Bruni Srl', exact: true }).click();
    await page.getByRole('heading', { name: 'Bruni Srl', level: 1 }).waitFor();
    for (const name of ['Modifica', 'Disattiva']) await inReach(page, name);
    await page.getByRole('button', { name: 'Disattiva', exact: true }).click();
    const disable = page.getByRole('dialog', { name: 'Disattivare Bruni Srl?' });
    expect(await disable.textContent()).toContain('non possono accedere e gli avvisi lo saltano');
    await expectAccessible(page, 'disattiva cliente');
    await screenshot(page, 'clients-disable-it-phone');
    await disable.getByRole('button', { name: 'Disattiva' }).click();
    await page.getByRole('button', { name: 'Elimina', exact: true }).waitFor();
    for (const name of ['Modifica', 'Attiva', 'Elimina']) await inReach(page, name);
    await screenshot(page, 'clients-disabled-it-phone');
  });
});
