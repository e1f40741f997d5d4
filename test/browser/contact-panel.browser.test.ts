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

const person = { en: ['Paula', 'paula.panel@panel.example.test'], it: ['Piera', 'piera.panel@panel.example.test'] };
const labels = {
  en: {
    types: 'Contact types',
    email: 'Business email',
    optedOut: 'Opted out of',
    billing: 'Billing',
    technical: 'Technical',
    language: 'Language',
    italian: 'Italian',
    sent: 'Messages sent',
    changes: 'Changes',
    created: 'Created',
    changed: 'Changed: Business phone',
    send: 'Send test message',
    type: 'Type',
    queued: 'A Technical test message is on its way to',
    tooSoon: 'A test message was sent recently',
    test: 'test',
    close: 'Close',
  },
  it: {
    types: 'Tipi di contatto',
    email: 'Indirizzo e-mail aziendale',
    optedOut: 'Disiscritto da',
    billing: 'Fatturazione',
    technical: 'Tecnico',
    language: 'Lingua',
    italian: 'italiano',
    sent: 'Messaggi inviati',
    changes: 'Modifiche',
    created: 'Creato',
    changed: 'Modificati: Telefono aziendale',
    send: 'Invia messaggio di prova',
    type: 'Tipo',
    queued: 'Un messaggio di prova (Tecnico) sta arrivando a',
    tooSoon: 'Un messaggio di prova è stato inviato da poco',
    test: 'prova',
    close: 'Chiudi',
  },
};

// Clicking a contact's name opens its page: facts, opt-outs, a test message, what was sent and who changed it.
describe.runIf(haveBrowser)("a contact's page", () => {
  let w: BrowserWorld;
  let p: PartnerWorld;

  beforeAll(async () => {
    w = await startBrowserWorld();
    const { t } = w;
    p = await createPartnerWorld(t, 'Panel');
    for (const [firstname, email] of Object.values(person)) {
      const made = await t.call(p.admin, 'POST', '/api/2/contacts', {
        tenant_id: p.customerId,
        types: ['billing', 'technical'],
        firstname,
        lastname: 'Panel',
        email,
        language: 'it',
      });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      const changed = await t.call(p.admin, 'PUT', `/api/2/contacts/${made.body.id}`, {
        version: made.body.version,
        phone: '+39 02 555 0101',
      });
      expect(changed.status).toBe(200);
      await t.db
        .insertInto('opt_outs')
        .values({ tenant_id: p.customerId, email, category: 'billing', source: 'unsubscribe', delivery_id: null })
        .execute();
    }
  }, 60_000);
  afterAll(() => w?.close());

  for (const [language, width, height] of [
    ['en', 1280, 800],
    ['it', 390, 844],
  ] as const) {
    const l = labels[language];
    const [firstname, EMAIL] = person[language];
    const name = `${firstname} Panel`;
    it(`shows the contact and sends a test message, in ${language === 'en' ? 'English' : 'Italian'}`, async () => {
      const page = await w.newPage({ width, height, locale: language === 'en' ? 'en-GB' : 'it-IT' });
      await signIn(page, p.admin.login, `pw-${p.admin.login}`);
      await page.getByRole('combobox', { name: /^(Language|Lingua)$/ }).selectOption(language);
      await page.goto(`/clients/${p.customerId}`);
      await page.getByRole('button', { name, exact: true }).click();
      const dialog = page.getByRole('dialog', { name });
      await dialog.waitFor();
      const fact = (term: string) => dialog.locator('dt', { hasText: term }).locator('xpath=following-sibling::dd[1]');
      await expect.poll(() => fact(l.types).textContent()).toContain(l.billing);
      expect(await fact(l.types).textContent()).toContain(l.technical);
      expect(await fact(l.language).textContent()).toBe(l.italian);
      await expect.poll(() => fact(l.optedOut).textContent()).toBe(l.billing);
      expect(await fact(l.email).textContent()).toContain(EMAIL);
      // The audit trail: created, then the phone changed (newest first).
      const changes = dialog.getByRole('region', { name: l.changes }).locator('li');
      await expect.poll(() => changes.allTextContents()).toHaveLength(2);
      expect((await changes.allTextContents())[0]).toContain(l.changed);
      expect((await changes.allTextContents())[1]).toContain(l.created);

      const sent = dialog.getByRole('region', { name: l.sent }).locator('li');
      const before = await sent.count();
      await dialog.getByLabel(l.type, { exact: true }).selectOption({ label: l.technical });
      await dialog.getByRole('button', { name: l.send }).click();
      await expect.poll(() => dialog.getByRole('status').last().textContent()).toContain(l.queued);
      await expect.poll(() => sent.count(), { timeout: 15_000 }).toBe(before + 1);
      expect(await sent.first().textContent()).toContain(l.test);
      await w.smtp.waitFor((m) => m.to.includes(EMAIL));
      // A second one at once is refused, and said so.
      await dialog.getByRole('button', { name: l.send }).click();
      await expect.poll(() => dialog.getByRole('status').last().textContent()).toContain(l.tooSoon);
      const { scrollWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth }));
      expect(scrollWidth).toBeLessThanOrEqual(width);
      await expectAccessible(page, `contact page (${language})`);
      await screenshot(page, `contact-panel-${language}`);
      await dialog.getByRole('button', { name: l.close, exact: true }).click();
      await dialog.waitFor({ state: 'hidden' });
    }, 90_000);
  }

  it('is not offered a test message by a read-only admin, who still sees the history', async () => {
    const page = await w.newPage();
    const login = (
      await w.t.db.selectFrom('users').select('login').where('id', '=', p.readonly.userId).executeTakeFirstOrThrow()
    ).login;
    await signIn(page, login, `pw-${login}`);
    await page.goto(`/clients/${p.customerId}`);
    await page.getByRole('button', { name: 'Paula Panel', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Paula Panel' });
    await dialog.getByRole('region', { name: 'Changes' }).locator('li').first().waitFor();
    expect(await dialog.getByRole('button', { name: 'Send test message' }).count()).toBe(0);
  });
});
