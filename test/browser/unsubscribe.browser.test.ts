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
import { createPartnerWorld, ROOT_PASSWORD, type PartnerWorld } from '../support/test-app.js';
import type { ReceivedMail } from '../support/smtp-server.js';
import { relay, reportAbout } from '../support/bounce-reports.js';
import { Workers } from '../../src/engine/workers.js';

/** Waits for a value the page shows after a round trip (vitest's default is 1 s). */
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 10_000 });

/** The https link of a received notice's List-Unsubscribe header (RFC 2369: <url>, <mailto:…>). */
function unsubscribeLink(mail: ReceivedMail): string {
  const header = mail.parsed.headerLines.find((h) => h.key === 'list-unsubscribe')?.line ?? '';
  const link = /<(https?:\/\/[^>]+)>/.exec(header)?.[1];
  expect(link, `List-Unsubscribe: ${header}`).toBeDefined();
  return link!;
}

const bounceDomain = 'bounce.liaison.test';

/**
 * The person's side (the page behind the link, on a phone) and the admins' side (the contact:
 * its opt-outs, and its bounces heard by the inbound listener as a relay reports them).
 */
describe.runIf(haveBrowser)('the unsubscribe page, and what a contact’s address ran into', { timeout: 120_000 }, () => {
  let w: BrowserWorld;
  let p: PartnerWorld;
  let contactId: string;
  let link: string;
  let inbound: Workers;

  beforeAll(async () => {
    w = await startBrowserWorld({ config: { bounceDomain, inboundSmtpPort: 0, inboundSmtpHost: '127.0.0.1' } });
    // The listener as a process opens it (the server and the worker process call listen).
    inbound = new Workers();
    await inbound.listen(w.t.db, w.t.config, w.t.app.log);
    p = await createPartnerWorld(w.t, 'Unsub');
    const contact = await w.t.call(p.admin, 'POST', '/api/2/contacts', {
      tenant_id: p.customerId,
      types: ['technical', 'billing'],
      firstname: 'Olga',
      lastname: 'Optout',
      email: 'olga.with.a.rather.long.address@customer-company.example.test',
    });
    expect(contact.status, JSON.stringify(contact.body)).toBe(201);
    contactId = contact.body.id;
    const notice = await w.t.call(p.admin, 'POST', '/api/2/announcements', {
      category: 'technical',
      scope_tenant_id: p.partnerId,
      subject: { en: 'Storage upgrade' },
      body: { en: 'We upgrade the storage on Sunday.' },
    });
    expect(notice.status, JSON.stringify(notice.body)).toBe(202);
    link = unsubscribeLink(await w.smtp.waitFor((m) => m.subject.includes('Storage upgrade')));
    expect(link.startsWith(`${w.baseUrl}/unsubscribe/`)).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await inbound?.stop();
    await w?.close();
  });

  /** The contact's edit dialog, as the partner's admin opens it from the client's page. */
  async function contactDialog(page: Page) {
    await page.goto(`/clients/${p.customerId}`);
    await page.locator('tbody tr', { hasText: 'Olga Optout' }).getByRole('button', { name: /^Edit/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit Olga Optout' });
    await dialog.waitFor();
    return dialog;
  }

  it('on a phone: opening the link changes nothing; the button unsubscribes, and the page says so', async () => {
    const page = await w.newPage({ width: 390, height: 844 });
    await page.goto(link);
    await page.getByRole('heading', { name: 'Notices by email' }).waitFor();
    const facts = page.locator('.unsubscribe-facts');
    await poll(() => facts.textContent()).toBe(
      'olga.with.a.rather.long.address@customer-company.example.test receives the Technical notices sent for Customer of Unsub.',
    );
    // Opening the page (as mail scanners do) opted nobody out.
    expect((await w.t.call(p.admin, 'GET', `/api/2/contacts/${contactId}/opt-outs`)).body.items).toEqual([]);
    await expectAccessible(page, 'unsubscribe page');
    await screenshot(page, 'unsubscribe-390');
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.scrollingElement!.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);

    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await poll(() => page.getByRole('status').textContent()).toContain(
      'Done: olga.with.a.rather.long.address@customer-company.example.test no longer receives these notices.',
    );
    expect(await facts.textContent()).toContain('no longer receives the Technical notices');
    await page.getByRole('button', { name: 'Subscribe again' }).waitFor();
    const optOuts = (await w.t.call(p.admin, 'GET', `/api/2/contacts/${contactId}/opt-outs`)).body.items;
    expect(optOuts).toMatchObject([{ category: 'technical', tenant_id: p.customerId, source: 'unsubscribe' }]);
    await screenshot(page, 'unsubscribe-done-390');

    // Opened again later: it says since when, and offers the way back.
    await page.reload();
    await page.getByRole('button', { name: 'Subscribe again' }).waitFor();
    expect(await page.getByText(/^Unsubscribed on /).count()).toBe(1);
  });

  it('a platform administrator’s mandatory notice reaches the opted-out address, without an unsubscribe link', async () => {
    const page = await w.newPage();
    await signIn(page, 'admin', ROOT_PASSWORD);
    await page.goto(`/notices/new?scope=${p.partnerId}`);
    await page.getByText('Sent to Partner Unsub and every client below it.').waitFor();
    await page.getByRole('radio', { name: 'Technical' }).check();
    const english = page.getByRole('group', { name: 'English' });
    await english.getByLabel(/^Subject/).fill('Security fix');
    await english.getByLabel(/^Message/).fill('We fixed a security issue: nothing to do on your side.');
    await page.getByRole('button', { name: 'Check recipients' }).click();
    await page.getByText('1 address opted out of these notices and is left out').waitFor();
    await page.getByText('Nobody would receive this notice').waitFor();

    await page
      .getByRole('checkbox', { name: 'Mandatory (ignores opt-outs: security, legal, service changes)' })
      .check();
    await page.getByRole('button', { name: 'Check recipients' }).click();
    await page.getByText('1 person receives this notice').waitFor();
    expect(await page.getByText(/opted out of these notices and (is|are) left out/).count()).toBe(0);
    await expectAccessible(page, 'mandatory notice');
    await screenshot(page, 'notices-mandatory');
    await page.getByRole('button', { name: 'Send to 1 recipient' }).click();
    await page.getByRole('dialog', { name: 'Send this notice?' }).getByRole('button', { name: 'Send notice' }).click();
    await page.waitForURL(/\/notices\/[0-9a-f-]{36}$/);
    const mandatory = page.getByRole('term').filter({ hasText: /^Mandatory$/ });
    await mandatory.waitFor();
    expect(await page.locator('.facts div', { has: mandatory }).locator('dd').textContent()).toBe(
      'Yes: also to those who opted out, without an unsubscribe link',
    );
    const mail = await w.smtp.waitFor((m) => m.subject.includes('Security fix'));
    expect(mail.to).toEqual(['olga.with.a.rather.long.address@customer-company.example.test']);
    expect(mail.parsed.headerLines.filter((h) => h.key.startsWith('list-unsubscribe'))).toEqual([]);
  });

  it('the admins see the opt-out on the contact and ask again once; the person subscribes again from that mail', async () => {
    const page = await w.newPage();
    await signIn(page, p.admin.login, `pw-${p.admin.login}`);
    const dialog = await contactDialog(page);
    const mail = dialog.getByRole('region', { name: 'Notices to this address' });
    await poll(() => mail.textContent()).toMatch(/Technical notices, since .+, through the unsubscribe link/);
    // The form still starts at its first field.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('firstname');
    await expectAccessible(page, 'contact with an opt-out');
    await screenshot(page, 'contact-opt-out');

    await mail.getByRole('button', { name: 'Ask again' }).click();
    await poll(() => mail.getByRole('status').textContent()).toContain(
      'A message was sent to olga.with.a.rather.long.address@customer-company.example.test',
    );
    // Asking twice the same day is refused, saying how long to wait.
    await mail.getByRole('button', { name: 'Ask again' }).click();
    await poll(() => mail.getByRole('status').textContent()).toMatch(
      /The person was asked recently\. You can ask again in \d+ (hours|minutes)\./,
    );
    await screenshot(page, 'contact-ask-again-refused');

    // The person follows the link of the mail they were sent, and subscribes again.
    const asked = await w.smtp.waitFor(
      (m) =>
        m.to.includes('olga.with.a.rather.long.address@customer-company.example.test') &&
        m.text.includes('/unsubscribe/'),
    );
    const again = /(https?:\/\/\S+\/unsubscribe\/[\w-]+)/.exec(asked.text)?.[1];
    expect(again, asked.text).toBeDefined();
    const person = await w.newPage({ locale: 'it-IT' });
    await person.goto(again!);
    await person.getByRole('button', { name: 'Iscriviti di nuovo' }).click();
    await poll(() => person.getByRole('status').textContent()).toContain('riceve di nuovo questi avvisi');
    await person.getByRole('button', { name: 'Disiscriviti' }).waitFor();
    await expectAccessible(person, 'pagina di disiscrizione');
    await screenshot(person, 'unsubscribe-it');
    expect((await w.t.call(p.admin, 'GET', `/api/2/contacts/${contactId}/opt-outs`)).body.items).toEqual([]);

    // The contact has no opt-out left: the dialog shows none.
    await page.keyboard.press('Escape');
    const fresh = await contactDialog(page);
    await fresh.getByRole('button', { name: 'Save' }).waitFor();
    await poll(() => fresh.getByRole('region', { name: 'Notices to this address' }).count()).toBe(0);
  });

  it('says so when the link is not valid, in the browser’s language', async () => {
    const forged = link.replace(
      /-([0-9a-f]{32})$/,
      (_, mac: string) => `-${mac.startsWith('0') ? '1' : '0'}${mac.slice(1)}`,
    );
    const page = await w.newPage();
    await page.goto(forged);
    await poll(() => page.getByRole('alert').textContent()).toContain('This link is not valid');
    expect(await page.getByRole('button', { name: 'Unsubscribe' }).count()).toBe(0);
    const italian = await w.newPage({ locale: 'it-IT' });
    await italian.goto('/unsubscribe/not-a-token');
    await poll(() => italian.getByRole('alert').textContent()).toContain('Questo link non è valido');
    await expectAccessible(italian, 'link non valido');
  });

  it('a bounce reported later shows on the contact (invalid, when, status, diagnostic) and on the notice; so does a complaint', async () => {
    const { t } = w;
    const tenant = await t.call(p.admin, 'POST', '/api/2/tenants', {
      name: 'Bounce Srl',
      parent_id: p.partnerId,
      kind: 'customer',
    });
    expect(tenant.status).toBe(201);
    for (const [firstname, email] of [
      ['Gus', 'gus@example.net'],
      ['Cora', 'cora@example.net'],
    ])
      expect(
        (
          await t.call(p.admin, 'POST', '/api/2/contacts', {
            tenant_id: tenant.body.id,
            types: ['technical'],
            firstname,
            lastname: 'Relayed',
            email,
          })
        ).status,
      ).toBe(201);
    const notice = await t.call(p.admin, 'POST', '/api/2/announcements', {
      category: 'technical',
      scope_tenant_id: tenant.body.id,
      subject: { en: 'Read-only Saturday' },
      body: { en: 'The portal is read-only on Saturday.' },
    });
    expect(notice.status).toBe(202);
    const toGus = await w.smtp.waitFor((m) => m.to.includes('gus@example.net'));
    const toCora = await w.smtp.waitFor((m) => m.to.includes('cora@example.net'));
    await poll(
      async () => (await t.call(p.admin, 'GET', `/api/2/announcements/${notice.body.id}`)).body.counts.sent,
    ).toBe(2);
    // The relay accepted both, then reports: Gus's mailbox does not exist; Cora calls the notice spam.
    const port = inbound.inbound!.port;
    const gusReport = reportAbout('postfix-user-unknown.eml', 'gus@example.net', toGus);
    expect(await relay(port, [toGus.envelopeFrom], gusReport)).toMatchObject({ ok: true });
    const coraReport = reportAbout('arf-yahoo-abuse.eml', 'cora@example.net', toCora);
    expect(await relay(port, [`bounces@${bounceDomain}`], coraReport)).toMatchObject({ ok: true });
    await poll(async () => {
      const a = (await t.call(p.admin, 'GET', `/api/2/announcements/${notice.body.id}`)).body;
      return [a.counts.bounced, a.counts.complained];
    }).toEqual([1, 1]);

    const page = await w.newPage();
    await signIn(page, p.admin.login, `pw-${p.admin.login}`);
    await page.goto(`/clients/${tenant.body.id}`);
    const gusRow = page.locator('tbody tr', { hasText: 'Gus Relayed' });
    await poll(() => gusRow.textContent()).toContain('Invalid address');
    await gusRow.getByRole('button', { name: /^Edit/ }).click();
    const gus = page
      .getByRole('dialog', { name: 'Edit Gus Relayed' })
      .getByRole('region', { name: 'Notices to this address' });
    await poll(() => gus.textContent()).toContain('Last bounce');
    const said = await gus.textContent();
    expect(said).toContain('Mail to this address bounced: it counts as invalid until the address changes.');
    expect(said).toMatch(/Last bounce: \d+ \w+ \d{4}, \d\d:\d\d/);
    expect(said).toContain('Status: 5.1.1');
    expect(said).toMatch(/The receiving mail server said: .*5\.1\.1/);
    await expectAccessible(page, 'bounced contact');
    await screenshot(page, 'contact-bounced');
    await page.keyboard.press('Escape');

    await page.locator('tbody tr', { hasText: 'Cora Relayed' }).getByRole('button', { name: /^Edit/ }).click();
    const cora = page
      .getByRole('dialog', { name: 'Edit Cora Relayed' })
      .getByRole('region', { name: 'Notices to this address' });
    await poll(() => cora.textContent()).toMatch(/Technical notices, since .+, by marking a notice as spam/);
    expect(await cora.textContent()).not.toContain('bounced');
    await page.keyboard.press('Escape');

    // The notice counts them and lists each delivery's state.
    await page.goto(`/notices/${notice.body.id}`);
    const counts = page.getByRole('article').locator('.box .counts');
    await poll(() => counts.textContent()).toContain('Bounced: 1');
    expect(await counts.textContent()).toContain('Spam complaints: 1');
    await page.getByLabel('Show').selectOption('all');
    const all = page.getByRole('region', { name: 'All deliveries (2)' });
    await poll(() => all.getByRole('row').count()).toBe(3);
    const state = (email: string) =>
      all.getByRole('row').filter({ hasText: email }).getByRole('cell').nth(3).textContent();
    expect(await state('gus@example.net')).toMatch(/^Bouncedon \d+ \w+ \d{4}, \d\d:\d\dstatus 5\.1\.1$/);
    expect(await state('cora@example.net')).toMatch(/^Spam complainton \d+ \w+ \d{4}, \d\d:\d\d$/);
    await expectAccessible(page, 'notice with a bounce and a complaint');
    await screenshot(page, 'notice-bounce-complaint');
  });
});
