import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import {
  expectAccessible,
  haveBrowser,
  screenshot,
  signIn,
  startBrowserWorld,
  type BrowserWorld,
} from './browser-support.js';
import { createPartnerWorld, type PartnerWorld } from '../support/test-app.js';

// An Italian partner writes a notice in Italian first and sees each language as the mail shows it.
describe.runIf(haveBrowser)('notices: the rendered preview and the partner language first', () => {
  let w: BrowserWorld;
  let p: PartnerWorld;

  beforeAll(async () => {
    w = await startBrowserWorld();
    const { t } = w;
    p = await createPartnerWorld(t, 'Rossi');
    for (const id of [p.partnerId, p.customerId]) {
      const tenant = await t.call(t.root, 'GET', `/api/2/tenants/${id}`);
      const res = await t.call(t.root, 'PUT', `/api/2/tenants/${id}`, { language: 'it', version: tenant.body.version });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    const contact = async (email: string, types: string[], language: string) => {
      const body = { tenant_id: p.customerId, types, firstname: 'Anna', lastname: 'Test', email, language };
      const res = await t.call(p.admin, 'POST', '/api/2/contacts', body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    };
    // Technical notices reach Italian readers only; billing ones an English reader too.
    await contact('lucia@cliente.test', ['technical', 'billing'], 'it');
    await contact('marco@cliente.test', ['technical'], 'it');
    await contact('john@customer.test', ['billing'], 'en');
  }, 60_000);
  afterAll(() => w?.close());

  const sign = (page: Page) => signIn(page, p.admin.login, `pw-${p.admin.login}`);
  const box = async (locator: Locator) => (await locator.boundingBox())!;
  const markdown = '**Fermo** programmato sabato.\n\n<script>alert(1)</script>\n\n[guida](https://example.test/guida)';

  it('phone, Italian: Italiano comes first, English is optional, and the mail shows below the message', async () => {
    const page = await w.newPage({ width: 390, height: 844, locale: 'it-IT' });
    await sign(page);
    await page.getByRole('combobox', { name: /Language|Lingua/ }).selectOption('it');
    await page.goto('/notices/new');
    await page.getByRole('heading', { name: 'Nuovo avviso' }).waitFor();
    const legends = await page.locator('.notice-form fieldset > legend').allTextContents();
    const languages = legends.filter((l) => /^(Italiano|Inglese)/.test(l));
    expect(languages).toEqual(['Italiano', 'Inglese (obbligatorio a meno che tutti i destinatari leggano l’italiano)']);
    const italian = page.getByRole('group', { name: 'Italiano', exact: true });
    await page.getByRole('radio', { name: 'Tecnico' }).check();
    // The Italian fields are the required ones now.
    await page.getByRole('button', { name: 'Controlla i destinatari' }).click();
    expect(await italian.getByLabel(/^Oggetto/).getAttribute('aria-invalid')).toBe('true');
    await italian.getByLabel(/^Oggetto/).fill('Manutenzione <b>sabato</b>');
    await italian.getByLabel(/^Messaggio/).fill(markdown);
    await page.getByRole('button', { name: 'Controlla i destinatari' }).click();
    await page.getByText('L’inglese è facoltativo: tutti i 2 destinatari leggono l’italiano.').waitFor();
    const mail = italian.getByRole('region', { name: 'Come appare nell’e-mail' });
    await mail.getByText('Fermo', { exact: true }).waitFor();
    expect(await mail.locator('strong', { hasText: 'Fermo' }).count()).toBe(1);
    expect(await mail.getByText('<script>alert(1)</script>').count()).toBe(1);
    expect(await page.locator('.mail-body script, .mail-body [style]').count()).toBe(0);
    expect(await mail.getByRole('link', { name: 'guida' }).getAttribute('href')).toBe('https://example.test/guida');
    expect(await mail.textContent()).toContain('Manutenzione <b>sabato</b>');
    expect(await mail.textContent()).toContain('contatto Tecnico di: Partner Rossi');
    // On a phone the mail sits below the message, within the screen's width.
    const message = await box(italian.getByLabel(/^Messaggio/));
    const shown = await box(mail);
    expect(shown.y).toBeGreaterThan(message.y + message.height);
    expect(shown.x + shown.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectAccessible(page, 'avviso in italiano, anteprima');
    await screenshot(page, 'notice-preview-it-390');
    // Sent in Italian alone: the server accepts it as everyone reads Italian.
    await page.getByRole('button', { name: /^Invia a 2 destinatari/ }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /^Invia/ })
      .click();
    await page.waitForURL(/\/notices\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'Manutenzione <b>sabato</b>' }).first().waitFor();
  });

  it('desk, English: a recipient reads English, so English is required; both mails beside their text', async () => {
    const page = await w.newPage({ width: 1280, height: 800 });
    await sign(page);
    await page.goto('/notices/new');
    await page.getByRole('heading', { name: 'New notice' }).waitFor();
    const legends = (await page.locator('.notice-form fieldset > legend').allTextContents()).filter((l) =>
      /^(Italian|English)/.test(l),
    );
    expect(legends).toEqual(['Italian', 'English (required unless every recipient reads Italian)']);
    await page.getByRole('radio', { name: 'Billing' }).check();
    const italian = page.getByRole('group', { name: 'Italian', exact: true });
    const english = page.getByRole('group', { name: /^English/ });
    await italian.getByLabel(/^Subject/).fill('Nuove fatture');
    await italian.getByLabel(/^Message/).fill('Le fatture cambiano il *mese prossimo*.');
    await page.getByRole('button', { name: 'Check recipients' }).click();
    await english.getByText('English is required: 1 recipient reads English.').first().waitFor();
    expect(await english.getByLabel(/^Subject/).getAttribute('aria-invalid')).toBe('true');
    await english.getByLabel(/^Subject/).fill('New invoices');
    await english.getByLabel(/^Message/).fill('Invoices change *next month*.');
    await page.getByRole('button', { name: 'Check recipients' }).click();
    await page.getByRole('status').filter({ hasText: 'English is required: 1 recipient reads English.' }).waitFor();
    for (const [group, text] of [
      [italian, 'mese prossimo'],
      [english, 'next month'],
    ] as const) {
      const mail = group.getByRole('region', { name: 'As the mail shows it' });
      await mail.locator('em', { hasText: text }).waitFor();
      // On a desk the mail sits beside the message.
      const message = await box(group.getByLabel(/^Message/));
      const shown = await box(mail);
      expect(shown.x).toBeGreaterThanOrEqual(message.x + message.width);
      expect(shown.y).toBeLessThan(message.y + message.height);
    }
    // Changing the text marks the preview as old until checked again.
    await english.getByLabel(/^Message/).fill('Invoices change soon.');
    await english.getByText('You changed the text since').waitFor();
    await page.getByRole('button', { name: 'Check recipients' }).click();
    await english.getByText('Invoices change soon.').last().waitFor();
    await expectAccessible(page, 'notice in two languages, preview');
    await screenshot(page, 'notice-preview-en-1280');
  });

  it('edits a scheduled notice written only in Italian with Italian first, for a partner writing English', async () => {
    const { t } = w;
    const english = await createPartnerWorld(t, 'Smith');
    const italianClient = await t.call(t.root, 'POST', '/api/2/tenants', {
      name: 'Bianchi Srl',
      parent_id: english.partnerId,
      kind: 'customer',
      language: 'it',
    });
    expect(italianClient.status).toBe(201);
    const contact = await t.call(english.admin, 'POST', '/api/2/contacts', {
      tenant_id: italianClient.body.id,
      types: ['technical'],
      firstname: 'Bruno',
      lastname: 'Bianchi',
      email: 'bruno@bianchi.test',
    });
    expect(contact.status).toBe(201);
    const created = await t.call(english.admin, 'POST', '/api/2/announcements', {
      category: 'technical',
      scope_tenant_id: italianClient.body.id,
      subject: { it: 'Aggiornamento' },
      body: { it: 'Nuova *versione*.' },
      send_at: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const page = await w.newPage({ width: 1280, height: 800 });
    await signIn(page, english.admin.login, `pw-${english.admin.login}`);
    await page.goto(`/notices/${created.body.id}/edit`);
    await page.getByRole('heading', { name: 'Edit the scheduled notice' }).waitFor();
    const legends = (await page.locator('.notice-form fieldset > legend').allTextContents()).filter((l) =>
      /^(Italian|English)/.test(l),
    );
    expect(legends).toEqual(['Italian', 'English (required unless every recipient reads Italian)']);
    const italian = page.getByRole('group', { name: 'Italian', exact: true });
    await italian.getByLabel(/^Subject/).fill('Aggiornamento di sabato');
    await page.getByRole('button', { name: 'Check recipients' }).click();
    await page.getByText('English is optional: the recipient reads Italian.').waitFor();
    await italian
      .getByRole('region', { name: 'As the mail shows it' })
      .locator('em', { hasText: 'versione' })
      .waitFor();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('The changes were saved.').waitFor();
    const saved = await t.call(english.admin, 'GET', `/api/2/announcements/${created.body.id}`);
    expect(saved.body.subject).toEqual({ it: 'Aggiornamento di sabato' });
  });
});
