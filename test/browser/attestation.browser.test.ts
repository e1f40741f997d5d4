import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, haveBrowser, screenshot, startBrowserWorld, type BrowserWorld } from './browser-support.js';
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
});
