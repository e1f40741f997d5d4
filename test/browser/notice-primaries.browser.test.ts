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

// A notice to primary contacts only, chosen in the compose form (by keyboard too), counted in the
// preview, said on the notice's page and mailed to the primaries alone; a primary contact that
// bounced is counted on the coverage page and marked among the company's primary contacts.

describe.runIf(haveBrowser)('notices to primary contacts only', () => {
  let w: BrowserWorld;
  let pEn: PartnerWorld;
  let pIt: PartnerWorld;
  let rossiId: string;

  /** A contact of `types` (the first of a type in its company becomes its primary). */
  const contact = async (world: PartnerWorld, tenantId: string, email: string, types = ['technical']) => {
    const res = await w.t.call(world.admin, 'POST', '/api/2/contacts', {
      tenant_id: tenantId,
      types,
      firstname: email.split('@')[0],
      lastname: 'Test',
      email,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string };
  };

  beforeAll(async () => {
    w = await startBrowserWorld();
    const { t } = w;
    pEn = await createPartnerWorld(t, 'Primaries');
    pIt = await createPartnerWorld(t, 'Principali');
    // Primaries: pia (the partner), anna (its customer); bruno is the customer's second contact.
    await contact(pEn, pEn.partnerId, 'pia@partner.test');
    await contact(pEn, pEn.customerId, 'anna@customer.test');
    await contact(pEn, pEn.customerId, 'bruno@customer.test');
    // Rossi's primary, rita, bounced; rocco is its second contact.
    const rossi = await t.call(pEn.admin, 'POST', '/api/2/tenants', {
      name: 'Rossi Srl',
      parent_id: pEn.partnerId,
      kind: 'customer',
    });
    expect(rossi.status).toBe(201);
    rossiId = rossi.body.id;
    const rita = await contact(pEn, rossiId, 'rita@rossi.test');
    await contact(pEn, rossiId, 'rocco@rossi.test');
    await t.db.updateTable('contacts').set({ validation_state: 'invalid' }).where('id', '=', rita.id).execute();

    await contact(pIt, pIt.customerId, 'carla@cliente.test', ['billing']);
    await contact(pIt, pIt.customerId, 'dario@cliente.test', ['billing']);
  }, 60_000);
  afterAll(() => w?.close());

  const signInAs = (page: Page, world: PartnerWorld) => signIn(page, world.admin.login, `pw-${world.admin.login}`);
  const mailedTo = (subject: string) =>
    w.smtp.received
      .filter((m) => m.subject === subject)
      .flatMap((m) => m.to)
      .sort();

  it('sends to the primary contacts only, chosen by keyboard, and shows the bounced primary', async () => {
    const page = await w.newPage();
    await signInAs(page, pEn);
    await page.goto('/notices/new');
    await page.getByRole('heading', { name: 'New notice' }).waitFor();
    await page.getByRole('radio', { name: 'Technical' }).check();
    const english = page.getByRole('group', { name: 'English' });
    await english.getByLabel(/^Subject/).fill('Primary maintenance');
    await english.getByLabel(/^Message/).fill('We upgrade the platform on Sunday.');

    // Every contact by default: pia, anna, bruno and rocco (rita bounced).
    const sendTo = page.getByRole('group', { name: 'Send to' });
    expect(await sendTo.getByRole('radio', { name: 'All contacts of the type' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Check recipients' }).click();
    await page.getByText('4 people receive this notice').waitFor();

    // The arrow keys move the choice: primary contacts only, pia and anna (Rossi's bounced and is skipped).
    await sendTo.getByRole('radio', { name: 'All contacts of the type' }).focus();
    await page.keyboard.press('ArrowDown');
    expect(await sendTo.getByRole('radio', { name: 'Primary contacts only' }).isChecked()).toBe(true);
    await page.getByText('You changed the notice: check the recipients again before sending.').waitFor();
    await page.getByRole('button', { name: 'Check recipients' }).click();
    await page.getByText('2 primary contacts receive this notice').waitFor();
    await expectAccessible(page, 'compose to primary contacts only');
    await screenshot(page, 'notice-primaries-preview');

    await page.getByRole('button', { name: 'Send to 2 recipients' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send this notice?' });
    await dialog.getByRole('button', { name: 'Send notice' }).click();
    await page.waitForURL(/\/notices\/[0-9a-f-]{36}$/);
    const sentTo = page.getByRole('term').filter({ hasText: /^Sent to$/ });
    expect(await sentTo.locator('xpath=following-sibling::dd').textContent()).toBe('Primary contacts only');
    await page.getByText('Done', { exact: true }).waitFor({ timeout: 20_000 });
    await w.smtp.waitFor((m) => m.subject === 'Primary maintenance' && m.to.includes('anna@customer.test'));
    await w.smtp.waitFor((m) => m.subject === 'Primary maintenance' && m.to.includes('pia@partner.test'));
    expect(mailedTo('Primary maintenance')).toEqual(['anna@customer.test', 'pia@partner.test']);
    await expectAccessible(page, 'a notice to primary contacts only');
    await screenshot(page, 'notice-primaries-detail');

    // Coverage counts Rossi, whose technical primary bounced; Rossi's page marks rita.
    await page.goto('/notices/coverage');
    await page.getByText('1 with a primary contact that bounced', { exact: false }).waitFor();
    await expectAccessible(page, 'coverage with a bounced primary');
    await screenshot(page, 'notice-primaries-coverage');
    await page.goto(`/clients/${rossiId}`);
    const primaries = page.locator('section', {
      has: page.getByRole('heading', { name: 'Primary contact of each type' }),
    });
    await expect
      .poll(() => primaries.textContent(), { timeout: 15_000 })
      .toContain('Technical: rita Test rita@rossi.test Invalid address');
    await expectAccessible(page, 'a client with a bounced primary');
  }, 120_000);

  it('in Italian on a phone, sends to the primary contacts only and keeps the choice in a draft', async () => {
    const page = await w.newPage({ locale: 'it-IT', width: 390, height: 844 });
    await signInAs(page, pIt);
    await page.getByRole('combobox', { name: /Language|Lingua/ }).selectOption('it');
    await page.goto('/notices/new');
    await page.getByRole('heading', { name: 'Nuovo avviso' }).waitFor();
    await page.getByRole('radio', { name: 'Fatturazione' }).check();
    const english = page.getByRole('group', { name: 'Inglese' });
    await english.getByLabel(/^Oggetto/).fill('Listino principale');
    await english.getByLabel(/^Messaggio/).fill('Il listino cambia.');
    const sendTo = page.getByRole('group', { name: 'Invia a' });
    await sendTo.getByRole('radio', { name: 'Solo i contatti principali' }).check();
    await page.getByRole('button', { name: 'Salva bozza' }).click();
    await page.getByText('Bozza salvata.', { exact: false }).waitFor();
    const drafts = (await w.t.call(pIt.admin, 'GET', '/api/2/announcements?status=draft')).body.items;
    expect(drafts.map((d: { recipient_rule: string }) => d.recipient_rule)).toEqual(['primary']);

    // The draft, opened again, keeps the choice.
    await page.goto(`/notices/${drafts[0].id}/edit`);
    await page.getByRole('heading', { name: 'Modifica la bozza' }).waitFor();
    expect(await sendTo.getByRole('radio', { name: 'Solo i contatti principali' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Controlla i destinatari' }).click();
    await page.getByText('1 contatto principale riceve questo avviso').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectAccessible(page, 'avviso ai soli contatti principali');
    await screenshot(page, 'notice-primaries-preview-it');
    await page.getByRole('button', { name: 'Invia a 1 destinatario' }).click();
    await page
      .getByRole('dialog', { name: 'Inviare questo avviso?' })
      .getByRole('button', { name: 'Invia l’avviso' })
      .click();
    await page.waitForURL(/\/notices\/[0-9a-f-]{36}$/);
    await page.getByText('Completato', { exact: true }).first().waitFor({ timeout: 20_000 });
    await w.smtp.waitFor((m) => m.subject === 'Listino principale');
    expect(mailedTo('Listino principale')).toEqual(['carla@cliente.test']);
    const sentTo = page.getByRole('term').filter({ hasText: /^Inviato a$/ });
    expect(await sentTo.locator('xpath=following-sibling::dd').textContent()).toBe('Solo i contatti principali');
    await screenshot(page, 'notice-primaries-detail-it');
  }, 120_000);
});
