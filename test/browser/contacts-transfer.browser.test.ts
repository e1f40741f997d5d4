import fs from 'node:fs';
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

/** The labels the flow presses, per language. */
const L = {
  en: {
    export: 'Export CSV',
    exportSubtree: 'Export CSV including its clients',
    import: 'Import',
    title: 'Import contacts from a CSV file',
    file: 'CSV file',
    check: 'Check',
    applyValid: 'Import the valid rows',
    create: '1 to create',
    errors: '1 with errors',
    actions: { create: 'Create', error: 'Error' },
    capped: 'The first',
    done: 'Import done: 1 created, 0 updated, 0 unchanged; 1 row with errors was skipped.',
  },
  it: {
    export: 'Esporta CSV',
    exportSubtree: 'Esporta CSV compresi i suoi clienti',
    import: 'Importa',
    title: 'Importa contatti da un file CSV',
    file: 'File CSV',
    check: 'Controlla',
    applyValid: 'Importa le righe valide',
    create: '1 da creare',
    errors: '1 con errori',
    actions: { create: 'Crea', error: 'Errore' },
    capped: 'Sono mostrate',
    done: 'Importazione completata: 1 creati, 0 aggiornati, 0 invariati; 1 riga con errori è stata saltata.',
  },
};

describe.runIf(haveBrowser)('contacts export and import in the console', () => {
  let w: BrowserWorld;
  let p1: PartnerWorld;
  let p2: PartnerWorld;

  beforeAll(async () => {
    w = await startBrowserWorld({ smtp: false });
    p1 = await createPartnerWorld(w.t, 'T1');
    p2 = await createPartnerWorld(w.t, 'T2');
    for (const [p, email] of [
      [p1, 'anna.rossi@example.test'],
      [p2, 'bruno.verdi@example.test'],
    ] as const) {
      const res = await w.t.call(p.admin, 'POST', '/api/2/contacts', {
        tenant_id: p.partnerId,
        email,
        firstname: email.split('.')[0],
        lastname: 'Known',
        types: ['billing'],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
  }, 60_000);
  afterAll(() => w?.close());

  /** A CSV with one good row and one whose email is not an address (row 2). */
  const csv = (email: string) =>
    `email,firstname,lastname,types\n${email},Nuova,Persona,technical\nnot-an-address,Bad,Row,billing\n`;

  async function exportAndImport(page: Page, lang: 'en' | 'it', known: string, fresh: string, shot: string) {
    const l = L[lang];
    await page.goto('/my-company');
    await page.getByRole('cell', { name: known }).waitFor();
    // Both the export and Import sit in view beside Add, also on a phone.
    for (const name of [l.export, l.exportSubtree]) {
      const link = page.getByRole('link', { name, exact: true });
      await link.waitFor();
      const at = await link.boundingBox();
      expect(at!.x + at!.width).toBeLessThanOrEqual(page.viewportSize()!.width);
    }
    const importButton = page.getByRole('button', { name: l.import, exact: true });
    const box = await importButton.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(page.viewportSize()!.width);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      page.viewportSize()!.width,
    );

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: l.export, exact: true }).click(),
    ]);
    const text = fs.readFileSync((await download.path())!, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text.split(/\r?\n/)[0]).toContain('tenant_id,tenant_path');
    expect(text).toContain(known);

    await importButton.click();
    const dialog = page.getByRole('dialog', { name: l.title });
    await dialog.waitFor();
    await dialog.getByLabel(l.file).setInputFiles({
      name: 'contacts.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv(fresh)),
    });
    await dialog.getByRole('button', { name: l.check, exact: true }).click();
    await dialog.getByText(l.create, { exact: true }).waitFor();
    await dialog.getByText(l.errors, { exact: true }).waitFor();
    // The preview lists every row in file order: the new contact to create, then the error row beside its problem.
    const rows = dialog.getByRole('table').getByRole('row');
    expect(await rows.count()).toBe(3);
    // Every cell, the empty ones too (a phone's cards leave them out of view).
    const cells = (n: number) => rows.nth(n).locator('td').allTextContents();
    const [created, failed] = [await cells(1), await cells(2)];
    expect(created.slice(0, 3)).toEqual(['1', l.actions.create, fresh]);
    expect(failed.slice(0, 4)).toEqual(['2', l.actions.error, '', 'email']);
    expect(failed[4]).not.toBe('');
    expect(await dialog.getByText(l.capped).count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      page.viewportSize()!.width,
    );
    // Nothing in the preview reaches past its right edge (it scrolls only up and down).
    const preview = dialog.locator('.transfer-preview');
    expect(await preview.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    // Every button of the dialog within the window's width.
    for (const button of await dialog.getByRole('button').all()) {
      const at = await button.boundingBox();
      expect(at!.x).toBeGreaterThanOrEqual(0);
      expect(at!.x + at!.width).toBeLessThanOrEqual(page.viewportSize()!.width);
    }
    await expectAccessible(page, `import preview (${lang})`);
    await screenshot(page, shot);

    await dialog.getByRole('button', { name: l.applyValid }).click();
    await page.getByText(l.done).waitFor();
    await page.getByRole('cell', { name: fresh }).waitFor();
    expect(await dialog.isVisible()).toBe(false);
    await screenshot(page, `${shot}-done`);
  }

  it('exports and imports in English at 1280x800', async () => {
    const page = await w.newPage();
    await signIn(page, p1.admin.login, `pw-${p1.admin.login}`);
    await exportAndImport(page, 'en', 'anna.rossi@example.test', 'nuova.persona@example.test', 'contacts-import-en');
    // Written: the new contact and nothing of the bad row.
    const list = await w.t.call(p1.admin, 'GET', `/api/2/contacts?tenant_id=${p1.partnerId}`);
    const emails = (list.body.items as { email: string }[]).map((c) => c.email);
    expect(emails).toContain('nuova.persona@example.test');
    expect(emails).not.toContain('not-an-address');
  });

  it('works in Italian at 390x844', async () => {
    const page = await w.newPage({ width: 390, height: 844, locale: 'it-IT' });
    await signIn(page, p2.admin.login, `pw-${p2.admin.login}`);
    await page.getByRole('combobox', { name: /Language|Lingua/ }).selectOption('it');
    await exportAndImport(page, 'it', 'bruno.verdi@example.test', 'nuova.it@example.test', 'contacts-import-it-phone');
  });

  it('shows a read-only admin Export but not Import, Add, Edit or Delete', async () => {
    const page = await w.newPage();
    await signIn(page, p1.readonly.name, `pw-${p1.readonly.name}`);
    await page.goto('/my-company');
    await page.getByRole('link', { name: L.en.export, exact: true }).waitFor();
    await page.getByRole('cell', { name: 'anna.rossi@example.test' }).waitFor();
    expect(await page.getByRole('button', { name: L.en.import, exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add a contact' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^(Edit|Delete) / }).count()).toBe(0);
    expect(await page.getByRole('columnheader', { name: 'Actions' }).count()).toBe(0);
    // The admin who writes sees them all.
    const writer = await w.newPage();
    await signIn(writer, p1.admin.login, `pw-${p1.admin.login}`);
    await writer.goto('/my-company');
    await writer.getByRole('button', { name: 'Add a contact' }).waitFor();
    expect(await writer.getByRole('button', { name: /^Edit / }).count()).toBeGreaterThan(0);
  });
});
