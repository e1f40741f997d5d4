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

describe.runIf(haveBrowser)('notices: compose, preview, send, progress, failures, coverage', () => {
  let w: BrowserWorld;
  let p1: PartnerWorld;
  let verdiId: string;

  beforeAll(async () => {
    // A temporarily refused message waits a minute for its next try: a notice can be caught in flight.
    w = await startBrowserWorld({ config: { mailRetryBaseMs: 60_000 } });
    const { t } = w;
    p1 = await createPartnerWorld(t, 'P1');
    const verdi = await t.call(t.root, 'POST', '/api/2/tenants', {
      name: 'Verdi Srl',
      parent_id: p1.partnerId,
      kind: 'customer',
    });
    expect(verdi.status).toBe(201);
    verdiId = verdi.body.id;
    const contact = async (tenantId: string, email: string, types: string[]) => {
      const [firstname] = email.split('@');
      const res = await t.call(p1.admin, 'POST', '/api/2/contacts', {
        tenant_id: tenantId,
        types,
        firstname,
        lastname: 'Test',
        email,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    };
    await contact(p1.partnerId, 'pat@partner.test', ['technical']);
    await contact(p1.customerId, 'tess@customer.test', ['technical', 'billing']);
    await contact(p1.customerId, 'bounce@customer.test', ['technical']);
    await contact(verdiId, 'vera@verdi.test', ['billing']);
    w.smtp.refuseAddress('bounce@customer.test', 550);
  }, 60_000);
  afterAll(() => w?.close());

  const signInAs = (page: Page, world: PartnerWorld) => signIn(page, world.admin.login, `pw-${world.admin.login}`);
  const english = (page: Page) => page.getByRole('group', { name: 'English' });
  /** Waits for a value the page shows after a round trip (vitest's default is 1 s). */
  const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000 });

  it('composes with a preview of the recipients, sends, and follows the delivery to done with its failure', async () => {
    const page = await w.newPage();
    await signInAs(page, p1);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notices' }).click();
    await page.getByText('No notice sent yet.').waitFor();
    await expectAccessible(page, 'notices list (empty)');

    await page.getByRole('navigation', { name: 'Notices sections' }).getByRole('link', { name: 'New notice' }).click();
    await page.getByRole('heading', { name: 'New notice' }).waitFor();
    // Nothing filled: the errors sit next to their fields, and the first one gets the focus.
    await page.getByRole('button', { name: 'Check recipients' }).click();
    await page.getByText('Choose a contact type.').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('category-billing');
    const subject = english(page).getByLabel(/^Subject/);
    expect(await subject.getAttribute('aria-invalid')).toBe('true');
    const described = await subject.evaluate((el) =>
      el
        .getAttribute('aria-describedby')!
        .split(' ')
        .map((id) => document.getElementById(id)?.textContent)
        .join(' '),
    );
    expect(described).toContain('Fill in this field.');
    await expectAccessible(page, 'compose with errors');
    await screenshot(page, 'notices-compose-errors');

    await page.getByRole('radio', { name: 'Technical' }).check();
    await subject.fill('Maintenance window');
    await english(page)
      .getByLabel(/^Message/)
      .fill('We upgrade the platform on **Sunday**.\n\nSee https://status.example.test for news.');
    const italian = page.getByRole('group', { name: 'Italian (optional)' });
    await italian.getByLabel(/^Subject/).fill('Finestra di manutenzione');
    await page.getByRole('button', { name: 'Check recipients' }).click();
    await page.getByText('Give both the Italian subject and message, or neither.').waitFor();
    await italian.getByLabel(/^Message/).fill('Aggiorniamo la piattaforma **domenica**.');

    // Scope: one client found by search, then back to one's own tenant.
    await page.getByLabel('Find a client').fill('Customer of');
    await page.getByRole('button', { name: 'Choose Customer of P1' }).click();
    await page.getByText('Sent to Customer of P1 and every client below it.').waitFor();
    await page.getByRole('button', { name: 'Check recipients' }).click();
    await page.getByText('2 people receive this notice').waitFor();
    await page.getByRole('button', { name: 'Back to Partner P1' }).click();
    await page.getByText('You changed the notice: check the recipients again before sending.').waitFor();
    await page.getByRole('button', { name: 'Check recipients' }).click();
    await page.getByText('3 people receive this notice').waitFor();
    const byKind = await page.getByRole('list', { name: 'By kind of client' }).textContent();
    expect(byKind).toContain('Partner: 1');
    expect(byKind).toContain('Customer: 2');
    await expectAccessible(page, 'compose with preview');
    await screenshot(page, 'notices-compose-preview');

    await page.getByRole('button', { name: 'Send to 3 recipients' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send this notice?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('“Maintenance window” goes to 3 people now.');
    await expectAccessible(page, 'send confirmation');
    await dialog.getByRole('button', { name: 'Send notice' }).click();

    // The detail page: live progress until done, with the failed delivery.
    await page.waitForURL(/\/notices\/[0-9a-f-]{36}$/);
    await page.getByText('The notice was accepted: it is being sent now.').waitFor();
    const counts = page.getByRole('article').locator('.box .counts');
    await page.getByText('Done', { exact: true }).waitFor({ timeout: 20_000 });
    // Once done, it is no longer "being sent now".
    await expect.poll(() => page.getByText('it is being sent now').count()).toBe(0);
    expect(
      await page
        .getByRole('term')
        .filter({ hasText: /^Contact types$/ })
        .count(),
    ).toBe(1);
    const text = await counts.textContent();
    for (const part of ['3 of 3 handled', 'Sent: 2', 'Failed: 1', 'Pending: 0']) expect(text).toContain(part);
    const bar = page.getByRole('progressbar', { name: 'Delivery of “Maintenance window”' });
    expect([await bar.getAttribute('value'), await bar.getAttribute('max')]).toEqual(['3', '3']);
    const failed = page.getByRole('region', { name: /^Failed deliveries/ });
    await expect.poll(() => failed.getByRole('row').count()).toBe(2);
    const row = failed.getByRole('row').nth(1);
    expect(await row.textContent()).toContain('bounce@customer.test');
    expect(await row.getByRole('link', { name: 'Customer of P1' }).getAttribute('href')).toBe(
      `/clients/${p1.customerId}`,
    );
    expect(await row.textContent()).toMatch(/550/);
    expect(await row.getByRole('cell').nth(2).textContent()).toBe('1');
    expect(await row.getByRole('cell').nth(3).textContent()).toBe('Failed');
    await expectAccessible(page, 'notice detail');
    await screenshot(page, 'notices-detail');
    // Every delivery, and one recipient found by a part of its address.
    await page.getByLabel('Show').selectOption('all');
    const all = page.getByRole('region', { name: 'All deliveries (3)' });
    await expect.poll(() => all.getByRole('row').count()).toBe(4);
    await page.getByLabel('Find a recipient').fill('TESS@');
    await expect.poll(() => all.getByRole('row').count()).toBe(2);
    expect(await all.getByRole('row').nth(1).getByRole('cell').first().textContent()).toBe('tess@customer.test');
    await page.getByLabel('Find a recipient').fill('nobody');
    await all.getByText('No delivery of this kind to an address containing “nobody”.').waitFor();
    await page.getByLabel('Find a recipient').fill('');
    await expect.poll(() => all.getByRole('row').count()).toBe(4);
    await screenshot(page, 'notices-detail-all');

    const mail = await w.smtp.waitFor((m) => m.to.includes('tess@customer.test'));
    expect(mail.subject).toContain('Maintenance window');
    await w.smtp.waitFor((m) => m.to.includes('pat@partner.test'));
    expect(w.smtp.received.filter((m) => m.to.includes('bounce@customer.test'))).toEqual([]);

    // The list shows it done, with its counts.
    await page.getByRole('link', { name: 'All notices' }).click();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'Maintenance window' }) });
    await expect.poll(() => card.textContent()).toContain('Sent: 2');
    expect(await card.textContent()).toContain('Failed: 1');
    expect(await card.getByRole('progressbar').getAttribute('value')).toBe('3');
    await expectAccessible(page, 'notices list');
    await screenshot(page, 'notices-list');

    // Coverage: Verdi Srl has no Technical contact; the partner itself lacks a Billing one.
    // Its contacts asked to confirm their role show as waiting for an answer.
    const asked = await w.t.call(p1.admin, 'POST', '/api/2/attestation-campaigns', { scope_tenant_id: verdiId });
    expect(asked.body.counts.total).toBeGreaterThan(0);
    await page.getByRole('link', { name: 'Coverage' }).click();
    const attention = page.getByRole('region', { name: 'Contacts to confirm' });
    await expect
      .poll(() => attention.textContent())
      .toContain(`${asked.body.counts.total} asked, waiting for an answer`);
    expect(await attention.textContent()).toContain('0 not confirmed for a year');
    const technical = page.getByRole('region', { name: 'Without a Technical contact (1)' });
    await technical.getByRole('link', { name: 'Verdi Srl' }).waitFor();
    expect(await technical.getByRole('link', { name: 'Verdi Srl' }).getAttribute('href')).toBe(`/clients/${verdiId}`);
    const billing = page.getByRole('region', { name: 'Without a Billing contact (1)' });
    expect(await billing.getByRole('link', { name: 'Partner P1' }).getAttribute('href')).toBe('/my-company');
    expect(await page.getByText('2 of 3 have a Technical contact').count()).toBe(1);
    expect(await page.getByRole('progressbar', { name: 'Technical coverage' }).getAttribute('value')).toBe('2');
    await expectAccessible(page, 'coverage');
    await screenshot(page, 'notices-coverage');
  }, 90_000);

  it('works in Italian, and is closed to customer admins', async () => {
    const page = await w.newPage({ locale: 'it-IT' });
    await signInAs(page, p1);
    await page.getByRole('combobox', { name: /Language|Lingua/ }).selectOption('it');
    await page.goto('/notices');
    await page.getByRole('heading', { name: 'Elenco degli avvisi' }).waitFor();
    const card = page
      .getByRole('listitem')
      .filter({ has: page.getByRole('link', { name: 'Finestra di manutenzione' }) });
    await expect.poll(() => card.textContent()).toContain('Inviati: 2');
    expect(await card.textContent()).toContain('Non riusciti: 1');
    expect(await card.textContent()).toContain('Completato');
    await expectAccessible(page, 'avvisi');
    await screenshot(page, 'notices-list-it');

    await page.getByRole('link', { name: 'Nuovo avviso' }).first().click();
    await page.getByRole('button', { name: 'Controlla i destinatari' }).click();
    await page.getByText('Scegli un tipo di contatto.').waitFor();
    await page.getByRole('group', { name: /^Tipi di contatto/ }).waitFor();
    await page.getByRole('radio', { name: 'Fatturazione' }).check();
    await page
      .getByRole('group', { name: 'Inglese' })
      .getByLabel(/^Oggetto/)
      .fill('New invoices');
    await page
      .getByRole('group', { name: 'Inglese' })
      .getByLabel(/^Messaggio/)
      .fill('Invoices change next month.');
    await page.getByRole('button', { name: 'Controlla i destinatari' }).click();
    await page.getByText('2 persone ricevono questo avviso').waitFor();
    await expectAccessible(page, 'nuovo avviso');
    await screenshot(page, 'notices-compose-it');

    await page.getByRole('link', { name: 'Copertura' }).click();
    await page
      .getByRole('region', { name: 'Senza contatto Tecnico (1)' })
      .getByRole('link', { name: 'Verdi Srl' })
      .waitFor();
    await expectAccessible(page, 'copertura');
    await screenshot(page, 'notices-coverage-it');

    const customer = await w.newPage();
    await signIn(customer, p1.customerAdmin.name, `pw-${p1.customerAdmin.name}`);
    expect(
      await customer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notices' }).count(),
    ).toBe(0);
    await customer.goto('/notices/new');
    await customer.getByText('Only service providers and platform administrators send notices.').waitFor();
  });

  /** A time as a datetime-local input shows it in Rome (minutes): what a person there types. */
  const romeLocal = (d: Date) =>
    new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Rome',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .format(d)
      .replace(' ', 'T');
  const noticesNamed = async (subject: string) =>
    (await w.t.call(p1.admin, 'GET', `/api/2/announcements?tenant_id=${p1.partnerId}&limit=200`)).body.items.filter(
      (a: { subject: { en: string } }) => a.subject.en === subject,
    );

  it('schedules a notice in the local time, edits it while it waits, and cancels it: nothing is sent', async () => {
    const page = await w.newPage({ timezoneId: 'Europe/Rome' });
    await signInAs(page, p1);
    await page.goto('/notices/new');
    await page.getByRole('radio', { name: 'Billing' }).check();
    await english(page)
      .getByLabel(/^Subject/)
      .fill('Price list for next year');
    await english(page)
      .getByLabel(/^Message/)
      .fill('New prices apply from January.');
    // Only platform administrators see the mandatory choice.
    expect(await page.getByRole('checkbox', { name: /^Mandatory/ }).count()).toBe(0);
    const sendAt = page.getByLabel('Send at');
    expect(
      await sendAt.evaluate(
        (el) => document.getElementById(el.getAttribute('aria-describedby')!.split(' ')[0])?.textContent,
      ),
    ).toBe('Your local time (Europe/Rome). Leave it empty to send now.');
    await sendAt.fill(romeLocal(new Date(Date.now() - 3600_000)));
    await page.getByRole('button', { name: 'Check recipients' }).click();
    await page.getByText('Choose a time in the future.').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('send-at');

    const when = new Date(Math.ceil((Date.now() + 2 * 86400_000) / 60_000) * 60_000);
    await sendAt.fill(romeLocal(when));
    await page.getByRole('button', { name: 'Check recipients' }).click();
    await page.getByText('2 people receive this notice').waitFor();
    await page.getByRole('button', { name: 'Schedule for 2 recipients' }).click();
    const dialog = page.getByRole('dialog', { name: 'Schedule this notice?' });
    expect(await dialog.textContent()).toMatch(
      /“Price list for next year” goes to 2 people on .+\. Until then you can edit or cancel it\./,
    );
    await dialog.getByRole('button', { name: 'Schedule notice' }).click();

    await page.waitForURL(/\/notices\/[0-9a-f-]{36}$/);
    await page.getByText(/^The notice is scheduled: it goes out on /).waitFor();
    const status = page.getByRole('article').locator('.facts .tag');
    expect(await status.textContent()).toMatch(/^Scheduled for /);
    await page.getByText(/^Sending starts on /).waitFor();
    const [scheduled] = await noticesNamed('Price list for next year');
    expect(scheduled).toMatchObject({ status: 'scheduled', recipients: 2 });
    // The time typed in Rome is the instant sent.
    expect(new Date(scheduled.send_at).getTime()).toBe(when.getTime());
    // Nothing is listed as delivered while it waits.
    expect(await page.getByRole('region', { name: /deliveries/ }).count()).toBe(0);
    await expectAccessible(page, 'scheduled notice');
    await screenshot(page, 'notices-scheduled');

    // Edited while it waits: the same form, holding what it says, its scope kept.
    await page.getByRole('link', { name: 'Edit notice' }).click();
    await page.getByRole('heading', { name: 'Edit the scheduled notice' }).waitFor();
    expect(
      await english(page)
        .getByLabel(/^Subject/)
        .inputValue(),
    ).toBe('Price list for next year');
    expect(await page.getByLabel('Send at').inputValue()).toBe(romeLocal(when));
    await page.getByText('Sent to Partner P1 and every client below it.').waitFor();
    await english(page)
      .getByLabel(/^Subject/)
      .fill('Price list for 2027');
    await page.getByRole('button', { name: 'Check recipients' }).click();
    await page.getByText('2 people receive this notice').waitFor();
    await expectAccessible(page, 'edit scheduled notice');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('The changes were saved.').waitFor();
    await page.getByRole('heading', { name: 'Price list for 2027' }).waitFor();

    // Cancelled before its time: it says so, offers nothing more, and never goes out.
    await page.getByRole('button', { name: 'Cancel notice' }).click();
    const cancel = page.getByRole('dialog', { name: 'Cancel this notice?' });
    expect(await cancel.textContent()).toContain('It has not gone out to anyone yet: nothing will be sent.');
    // Keep it is the first choice (the focus lands there, away from the irreversible one).
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Keep it');
    await expectAccessible(page, 'cancel dialog');
    await cancel.getByRole('button', { name: 'Cancel notice' }).click();
    await poll(() => status.textContent()).toBe('Cancelled');
    await page.getByText('The notice was cancelled: nothing more is sent.').waitFor();
    expect(await page.getByRole('button', { name: 'Cancel notice' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Edit notice' }).count()).toBe(0);
    await screenshot(page, 'notices-cancelled');
    const [cancelled] = await noticesNamed('Price list for 2027');
    expect(cancelled).toMatchObject({ status: 'cancelled', recipients: 2 });
    expect(cancelled.cancelled_at).not.toBeNull();

    await page.getByRole('link', { name: 'All notices' }).click();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'Price list for 2027' }) });
    await poll(() => card.locator('.tag').textContent()).toBe('Cancelled');
    await w.t.announcementWorker.runOnce();
    expect(w.smtp.received.filter((m) => m.subject.includes('Price list'))).toEqual([]);
  }, 90_000);

  it('cancels a notice in flight: what was sent stays sent, the rest is cancelled and listed so', async () => {
    const added = await w.t.call(p1.admin, 'POST', '/api/2/contacts', {
      tenant_id: verdiId,
      types: ['management'],
      firstname: 'Lena',
      lastname: 'Later',
      email: 'later@verdi.test',
    });
    expect(added.status).toBe(201);
    // A temporary refusal: the message waits for its next try (minutes away), so the notice stays in flight.
    w.smtp.refuseAddress('later@verdi.test', 451);
    await w.t.call(p1.admin, 'POST', '/api/2/contacts', {
      tenant_id: p1.customerId,
      types: ['management'],
      firstname: 'Nora',
      lastname: 'Now',
      email: 'now@customer.test',
    });
    const created = await w.t.call(p1.admin, 'POST', '/api/2/announcements', {
      category: 'management',
      scope_tenant_id: p1.partnerId,
      subject: { en: 'New contract terms' },
      body: { en: 'The terms change next quarter.' },
    });
    expect(created.status).toBe(202);
    const id = created.body.id;
    await poll(async () => {
      const a = (await w.t.call(p1.admin, 'GET', `/api/2/announcements/${id}`)).body;
      return [a.status, a.counts.sent, a.counts.pending];
    }).toEqual(['sending', 1, 1]);

    const page = await w.newPage();
    await signInAs(page, p1);
    await page.goto(`/notices/${id}`);
    await page.getByRole('button', { name: 'Cancel notice' }).click();
    const cancel = page.getByRole('dialog', { name: 'Cancel this notice?' });
    expect(await cancel.textContent()).toContain(
      'Messages not sent yet are cancelled and never sent. Those already sent stay sent.',
    );
    await cancel.getByRole('button', { name: 'Cancel notice' }).click();
    const counts = page.getByRole('article').locator('.box .counts');
    await poll(() => counts.textContent()).toContain('Cancelled: 1');
    for (const part of ['2 of 2 handled', 'Sent: 1', 'Failed: 0', 'Pending: 0'])
      expect(await counts.textContent()).toContain(part);
    expect(await page.getByRole('article').locator('.facts .tag').textContent()).toBe('Cancelled');

    await page.getByLabel('Show').selectOption('cancelled');
    const list = page.getByRole('region', { name: 'Cancelled deliveries (1)' });
    await poll(() => list.getByRole('row').count()).toBe(2);
    const row = list.getByRole('row').nth(1);
    expect(await row.getByRole('cell').first().textContent()).toBe('later@verdi.test');
    expect(await row.getByRole('cell').nth(3).textContent()).toBe('Cancelled');
    await page.getByLabel('Show').selectOption('sent');
    const sent = page.getByRole('region', { name: 'Sent deliveries (1)' });
    await poll(() => sent.getByRole('row').nth(1).getByRole('cell').nth(3).textContent()).toBe('Sent');
    await expectAccessible(page, 'cancelled in flight');
    await screenshot(page, 'notices-cancelled-in-flight');

    // Even once the address would take it, the cancelled message never goes.
    w.smtp.refuseAddress('later@verdi.test', 0);
    await w.t.announcementWorker.runOnce();
    expect(w.smtp.received.filter((m) => m.to.includes('later@verdi.test'))).toEqual([]);
    expect(w.smtp.received.filter((m) => m.to.includes('now@customer.test'))).toHaveLength(1);
  }, 90_000);
});
