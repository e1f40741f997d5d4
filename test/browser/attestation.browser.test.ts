import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectAccessible,
  haveBrowser,
  screenshot,
  signIn,
  startBrowserWorld,
  type BrowserWorld,
} from './browser-support.js';
import { createPartnerWorld } from '../support/test-app.js';
import { createContact, createTenant } from '../support/factories.js';

/** The page of a re-attestation mail's links: opening it changes nothing, the buttons answer. */
describe.runIf(haveBrowser)('the attestation page', () => {
  let w: BrowserWorld;
  beforeAll(async () => {
    w = await startBrowserWorld();
  }, 60_000);
  afterAll(() => w?.close());

  const linkIn = (text: string, answer: string) =>
    new RegExp(`(/attest\\?token=[\\w-]+&answer=${answer})`).exec(text)![1];

  it('answers No in Italian on a phone and Yes in English on a desk; a used link says so', async () => {
    const p = await createPartnerWorld(w.t, 'T');
    const tenant = await createTenant(w.t, { parentId: p.partnerId, as: p.admin, fields: { language: 'it' } });
    const leaving = await createContact(w.t, { tenantId: tenant.id, types: ['billing', 'technical'], as: p.admin });
    const staying = await createContact(w.t, { tenantId: tenant.id, types: ['technical'], as: p.admin });
    const started = await w.t.call(p.admin, 'POST', '/api/2/attestation-campaigns', {
      scope_tenant_id: tenant.id,
      types: ['technical'],
    });
    expect(started.status).toBe(201);
    const toLeaving = await w.smtp.waitFor((m) => m.to.includes(leaving.email) && /attest\?token=/.test(m.text));
    expect(toLeaving.subject).toBe(`Sei ancora il contatto di tipo Tecnico di ${tenant.name}?`);

    const phone = await w.newPage({ width: 390, height: 844, locale: 'it-IT' });
    await phone.goto(linkIn(toLeaving.text, 'no'));
    const no = phone.getByRole('button', { name: 'No, rimuovimi' });
    await no.waitFor();
    expect(await phone.getByRole('heading', { level: 2 }).textContent()).toBe(
      `Sei ancora il contatto di tipo Tecnico di ${tenant.name}?`,
    );
    expect(await phone.title()).toContain('Liaison');
    await expectAccessible(phone, 'attest (it, phone)');
    await screenshot(phone, 'attest-no-it-phone');
    // Opening the page changed nothing; the button answers.
    expect((await w.t.call(p.admin, 'GET', `/api/2/contacts/${leaving.id}`)).body.types).toEqual([
      'billing',
      'technical',
    ]);
    await no.click();
    await expect
      .poll(() => phone.getByRole('status').textContent())
      .toContain('non sei più il contatto di tipo Tecnico');
    const after = (await w.t.call(p.admin, 'GET', `/api/2/contacts/${leaving.id}`)).body;
    expect(after).toMatchObject({ types: ['billing'], attestation_state: 'declined' });
    await screenshot(phone, 'attest-declined-it-phone');

    const toStaying = await w.smtp.waitFor((m) => m.to.includes(staying.email) && /attest\?token=/.test(m.text));
    const desk = await w.newPage();
    await desk.goto(linkIn(toStaying.text, 'yes'));
    const yes = desk.getByRole('button', { name: 'Yes, I still am' });
    await yes.waitFor();
    expect(await desk.getByRole('heading', { level: 2 }).textContent()).toBe(
      `Are you still the Technical contact of ${tenant.name}?`,
    );
    await expectAccessible(desk, 'attest (desk)');
    await yes.click();
    await expect.poll(() => desk.getByRole('status').textContent()).toContain('you stay the Technical contact');
    expect((await w.t.call(p.admin, 'GET', `/api/2/contacts/${staying.id}`)).body.attestation_state).toBe('confirmed');
    await screenshot(desk, 'attest-confirmed-desk');

    await desk.reload();
    await expect.poll(() => desk.getByRole('status').textContent()).toContain('already answered');
    await desk.goto('/attest?token=a-forged-token');
    await expect.poll(() => desk.getByRole('alert').textContent()).toContain('not valid');
  });

  it("asks a client's contacts from its contacts section and shows who was asked, in English and Italian", async () => {
    const p = await createPartnerWorld(w.t, 'S');
    const tenant = await createTenant(w.t, { parentId: p.partnerId, as: p.admin });
    const billing = await createContact(w.t, { tenantId: tenant.id, types: ['billing'], as: p.admin });
    await createContact(w.t, { tenantId: tenant.id, types: ['management'], as: p.admin });

    const desk = await w.newPage();
    await signIn(desk, p.admin.login, `pw-${p.admin.login}`);
    await desk.goto(`/clients/${tenant.id}`);
    await desk.getByRole('button', { name: 'Ask to confirm' }).click();
    const dialog = desk.getByRole('dialog', { name: 'Ask contacts to confirm their role' });
    await dialog.getByLabel('Business').uncheck();
    await dialog.getByLabel('Only those not confirmed in the last … days (optional)').fill('');
    await expectAccessible(desk, 'ask to confirm (dialog)');
    await screenshot(desk, 'attest-ask-dialog-en');
    await dialog.getByRole('button', { name: 'Send the questions' }).click();
    await expect.poll(() => desk.getByRole('status').first().textContent()).toContain('Asked 1 contact to confirm');
    await desk.getByText('1 waiting').waitFor();
    const row = desk.getByRole('row').filter({ hasText: billing.email });
    await expect.poll(() => row.textContent()).toContain('Asked'); // the list reloads after the start
    await row.getByRole('button', { name: /^Grace Hopper-\d+$/ }).click();
    const panel = desk.getByRole('dialog');
    await expect.poll(() => panel.textContent()).toContain('Still the contact?Asked');
    await panel.getByRole('button', { name: 'Close' }).first().click();
    await expectAccessible(desk, 'contacts with attestation');
    await screenshot(desk, 'attest-asked-en');
    const asked = await w.smtp.waitFor((m) => m.to.includes(billing.email) && /attest\?token=/.test(m.text));
    expect(asked.subject).toBe(`Are you still the Billing contact of ${tenant.name}?`);

    const phone = await w.newPage({ width: 390, height: 844, locale: 'it-IT' });
    await signIn(phone, p.admin.login, `pw-${p.admin.login}`);
    await phone.getByRole('combobox', { name: /Language|Lingua/ }).selectOption('it');
    await phone.goto(`/clients/${tenant.id}`);
    await phone.getByText('1 in attesa').waitFor();
    const ask = phone.getByRole('button', { name: 'Chiedi conferma' });
    const box = (await ask.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    await ask.click();
    await phone.getByRole('dialog', { name: 'Chiedi ai contatti di confermare il proprio tipo' }).waitFor();
    await expectAccessible(phone, 'chiedi conferma');
    await screenshot(phone, 'attest-ask-dialog-it-phone');

    const readonly = await w.newPage();
    await signIn(readonly, p.readonly.name, `pw-${p.readonly.name}`);
    await readonly.goto(`/clients/${tenant.id}`);
    await readonly.getByText('1 waiting').waitFor();
    expect(await readonly.getByRole('button', { name: 'Ask to confirm' }).count()).toBe(0);
  });

  it('marks a stale and a declined contact in the contacts table and panel, in English and Italian', async () => {
    const p = await createPartnerWorld(w.t, 'D');
    const tenant = await createTenant(w.t, { parentId: p.partnerId, as: p.admin });
    const old = await createContact(w.t, { tenantId: tenant.id, types: ['management'], as: p.admin });
    const leaving = await createContact(w.t, { tenantId: tenant.id, types: ['billing', 'technical'], as: p.admin });
    // Last confirmed 400 days ago: the sweep, woken by the campaign below, turns it stale.
    await sql`UPDATE contacts SET attestation_state = 'confirmed', attested_at = now() - interval '400 days'
      WHERE id = ${old.id}`.execute(w.t.db);
    const started = await w.t.call(p.admin, 'POST', '/api/2/attestation-campaigns', {
      scope_tenant_id: tenant.id,
      types: ['technical'],
    });
    expect(started.body.counts.total).toBe(1);
    const asked = await w.smtp.waitFor((m) => m.to.includes(leaving.email) && /attest\?token=/.test(m.text));
    const token = /attest\?token=([\w-]+)&answer=no/.exec(asked.text)![1];
    expect((await w.t.call(undefined, 'POST', '/api/2/attestations', { token, answer: 'no' })).status).toBe(200);
    const state = async (id: string) => (await w.t.call(p.admin, 'GET', `/api/2/contacts/${id}`)).body;
    await expect.poll(async () => (await state(old.id)).attestation_state).toBe('stale');
    expect(await state(leaving.id)).toMatchObject({ types: ['billing'], attestation_state: 'declined' });

    const desk = await w.newPage();
    await signIn(desk, p.admin.login, `pw-${p.admin.login}`);
    await desk.goto(`/clients/${tenant.id}`);
    const staleRow = desk.getByRole('row').filter({ hasText: old.email });
    const declinedRow = desk.getByRole('row').filter({ hasText: leaving.email });
    await staleRow.waitFor();
    expect(await staleRow.locator('.badge.attestation-stale').textContent()).toBe('Not confirmed for a year');
    expect(await declinedRow.locator('.badge.attestation-declined').textContent()).toBe('Declined');
    expect(await staleRow.locator('.badge.attestation-declined').count()).toBe(0);
    // The decline took the only technical contact: the client's coverage shows the gap.
    await desk.getByText('Nobody receives Technical notices for this client', { exact: false }).waitFor();
    await expectAccessible(desk, 'contacts stale and declined');
    await screenshot(desk, 'attest-stale-declined-en');
    await staleRow.getByRole('button', { name: /^Grace Hopper-\d+$/ }).click();
    const panel = desk.getByRole('dialog');
    await expect
      .poll(() => panel.textContent())
      .toMatch(/Still the contact\?Not confirmed for a year \(last confirmed on /);
    await expectAccessible(desk, 'panel of a stale contact');
    await panel.getByRole('button', { name: 'Close' }).first().click();
    await declinedRow.getByRole('button', { name: /^Grace Hopper-\d+$/ }).click();
    await expect.poll(() => desk.getByRole('dialog').textContent()).toContain('Still the contact?Declined');

    const phone = await w.newPage({ width: 390, height: 844, locale: 'it-IT' });
    await signIn(phone, p.admin.login, `pw-${p.admin.login}`);
    await phone.getByRole('combobox', { name: /Language|Lingua/ }).selectOption('it');
    await phone.goto(`/clients/${tenant.id}`);
    const cards = phone.locator('main table.stack-narrow > tbody > tr');
    const staleCard = cards.filter({ hasText: old.email });
    const declinedCard = cards.filter({ hasText: leaving.email });
    await staleCard.waitFor();
    const badge = staleCard.locator('.badge.attestation-stale');
    expect(await badge.textContent()).toBe('Non confermato da un anno');
    expect(await declinedCard.locator('.badge.attestation-declined').textContent()).toBe('Ha rinunciato');
    const box = (await badge.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    await expectAccessible(phone, 'contatti non confermati e rinunce');
    await screenshot(phone, 'attest-stale-declined-it-phone');
    await declinedCard.getByRole('button', { name: /^Grace Hopper-\d+$/ }).click();
    await expect.poll(() => phone.getByRole('dialog').textContent()).toContain('Ancora il contatto?Ha rinunciato');
    await expectAccessible(phone, 'scheda di un contatto che ha rinunciato');
  });
});
