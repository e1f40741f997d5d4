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
import { setPassword } from '../../src/features/setup/bootstrap.service.js';

/** The labels the flow presses, per language. */
const L = {
  en: {
    addContact: 'Add a contact',
    addTitle: 'Add a contact',
    add: 'Add',
    save: 'Save',
    fromUser: 'Create from existing user',
    newContact: 'Create a new contact',
    user: 'User',
    first: 'First name',
    last: 'Last name',
    email: 'Business email',
    phone: 'Business phone',
    jobTitle: 'Job title',
    language: 'Language of the messages',
    billing: 'Billing',
    technical: 'Technical',
    management: 'Business',
    pending: 'Pending confirmation',
    linked: 'User',
    edit: 'Edit',
    delete: 'Delete',
    deleteContact: 'Delete contact',
    confirm: 'Confirm',
    typesColumn: 'Contact types',
    none: 'None',
    chooseUser: 'Choose a user from the list.',
    chooseType: 'Choose at least one contact type.',
    emailTaken: 'Another contact of this company already uses this address.',
    sent: 'A confirmation was sent to',
    kept: 'is kept and can still sign in',
    confirmed: 'is now the address of your account',
    primary: 'primary',
    primaryBilling: 'Primary Billing contact',
    primaryTechnical: 'Primary Technical contact',
    primaryRequired: 'make one of them primary first',
  },
  it: {
    addContact: 'Aggiungi un contatto',
    addTitle: 'Aggiungi un contatto',
    add: 'Aggiungi',
    save: 'Salva',
    fromUser: 'Crea da un utente esistente',
    newContact: 'Crea un nuovo contatto',
    user: 'Utente',
    first: 'Nome',
    last: 'Cognome',
    email: 'Indirizzo e-mail aziendale',
    phone: 'Telefono aziendale',
    jobTitle: 'Posizione professionale',
    language: 'Lingua dei messaggi',
    billing: 'Fatturazione',
    technical: 'Tecnico',
    management: 'Business',
    pending: 'In attesa di conferma',
    linked: 'Utente',
    edit: 'Modifica',
    delete: 'Elimina',
    deleteContact: 'Elimina contatto',
    confirm: 'Conferma',
    typesColumn: 'Tipi di contatto',
    none: 'Nessuno',
    chooseUser: 'Scegli un utente dall’elenco.',
    chooseType: 'Scegli almeno un tipo di contatto.',
    emailTaken: 'Un altro contatto di questa azienda usa già questo indirizzo.',
    sent: 'È stata inviata una conferma a',
    kept: 'resta e può ancora accedere',
    confirmed: "è ora l'indirizzo del tuo account",
    primary: 'principale',
    primaryBilling: 'Contatto principale (Fatturazione)',
    primaryTechnical: 'Contatto principale (Tecnico)',
    primaryRequired: 'rendine principale uno di loro prima',
  },
};
type Labels = typeof L.en;

/** Waits for a value the page shows after a round trip (vitest's default is 1 s). */
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 10_000 });

/** A text field of a dialog by the start of its label ("Nome" must not find "Cognome"). */
const field = (scope: ReturnType<Page['getByRole']>, label: string) =>
  scope.getByRole('textbox', { name: new RegExp(`^${label}`) });
/** What a field's aria-describedby points at: its hint and its error. */
const description = (target: ReturnType<Page['getByRole']>) =>
  target.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' '),
  );
const rowOf = (page: Page, text: string) => page.locator('tbody tr', { hasText: text });

async function addFromUser(page: Page, l: Labels, search: string, types: (keyof Labels)[]) {
  await page.getByRole('button', { name: l.addContact }).click();
  const dialog = page.getByRole('dialog', { name: l.addTitle });
  await dialog.waitFor();
  await dialog.getByRole('radio', { name: l.fromUser }).check();
  await dialog.getByRole('combobox', { name: l.user }).fill(search);
  await dialog
    .getByRole('option', { name: new RegExp(search, 'i') })
    .first()
    .click();
  for (const type of types) await dialog.getByRole('checkbox', { name: l[type], exact: true }).check();
  await dialog.getByRole('button', { name: l.add, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
}

async function addNew(
  page: Page,
  l: Labels,
  person: { first: string; last: string; email: string; phone?: string; title?: string; language?: string },
  types: (keyof Labels)[],
) {
  await page.getByRole('button', { name: l.addContact }).click();
  const dialog = page.getByRole('dialog', { name: l.addTitle });
  await dialog.getByRole('radio', { name: l.newContact }).check();
  await field(dialog, l.first).fill(person.first);
  await field(dialog, l.last).fill(person.last);
  await field(dialog, l.email).fill(person.email);
  if (person.phone) await field(dialog, l.phone).fill(person.phone);
  if (person.title) await field(dialog, l.jobTitle).fill(person.title);
  if (person.language) await dialog.getByLabel(l.language).selectOption(person.language);
  for (const type of types) await dialog.getByRole('checkbox', { name: l[type], exact: true }).check();
  await dialog.getByRole('button', { name: l.add, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
}

/** Changes a linked contact's email, then confirms it from the message's text part, in the browser. */
async function changeEmailAndConfirm(
  w: BrowserWorld,
  page: Page,
  l: Labels,
  name: string,
  newEmail: string,
  shot: string,
) {
  await rowOf(page, name)
    .getByRole('button', { name: new RegExp(`^${l.edit}`) })
    .click();
  const dialog = page.getByRole('dialog');
  await field(dialog, l.email).fill(newEmail);
  await dialog.getByRole('button', { name: l.save, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await poll(() => page.getByRole('status').filter({ hasText: l.sent }).textContent()).toContain(newEmail);
  await poll(() => rowOf(page, name).textContent()).toContain(`${l.pending} ${newEmail}`);
  await screenshot(page, `${shot}-pending`);

  const mail = await w.smtp.waitFor((m) => m.to.includes(newEmail));
  const link = /(https?:\/\/\S+\/confirm-email\?token=[\w\-%.~]+)/.exec(mail.text)?.[1];
  expect(link, mail.text).toBeDefined();
  expect(link!.startsWith(w.baseUrl)).toBe(true);
  await page.goto(link!);
  await page.getByRole('button', { name: l.confirm, exact: true }).waitFor();
  await expectAccessible(page, `${shot} confirm-email`);
  await screenshot(page, `${shot}-confirm-email`);
  await page.getByRole('button', { name: l.confirm, exact: true }).click();
  await poll(() => page.getByRole('status').textContent()).toContain(l.confirmed);
}

async function deleteLinked(page: Page, l: Labels, name: string, shot: string) {
  await rowOf(page, name)
    .getByRole('button', { name: new RegExp(`^${l.delete}`) })
    .click();
  const dialog = page.getByRole('dialog', { name: l.deleteContact });
  await poll(() => dialog.textContent()).toContain(l.kept);
  await expectAccessible(page, `${shot} delete dialog`);
  await screenshot(page, `${shot}-delete-dialog`);
  await dialog.getByRole('button', { name: l.deleteContact }).click();
  await dialog.waitFor({ state: 'hidden' });
  await poll(() => rowOf(page, name).count()).toBe(0);
}

/** Deleting the primary contact of a type others hold: the dialog says why, and nothing goes. */
async function refusedAsPrimary(page: Page, l: Labels, name: string) {
  await rowOf(page, name)
    .getByRole('button', { name: new RegExp(`^${l.delete}`) })
    .click();
  const dialog = page.getByRole('dialog', { name: l.deleteContact });
  await dialog.getByRole('button', { name: l.deleteContact }).click();
  await poll(() => dialog.textContent()).toContain(l.primaryRequired);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  expect(await rowOf(page, name).count()).toBe(1);
}

/** Makes a contact the primary of a type from its Edit dialog; the list marks it. */
async function makePrimary(page: Page, l: Labels, name: string, type: 'billing' | 'technical', shot: string) {
  await rowOf(page, name)
    .getByRole('button', { name: new RegExp(`^${l.edit}`) })
    .click();
  const dialog = page.getByRole('dialog', { name: new RegExp(name) });
  const label = type === 'billing' ? l.primaryBilling : l.primaryTechnical;
  await dialog.getByRole('checkbox', { name: label, exact: true }).check();
  await screenshot(page, `${shot}-make-primary`);
  await dialog.getByRole('button', { name: l.save, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await poll(() => rowOf(page, name).textContent()).toContain(`${l[type]} · ${l.primary}`);
}

async function typesCellOf(page: Page, login: string) {
  const headers = await page.locator('thead th').allTextContents();
  const column = headers.findIndex((h) => h.startsWith(L.en.typesColumn) || h.startsWith(L.it.typesColumn));
  return rowOf(page, login).locator('td').nth(column).textContent();
}

async function makeUser(
  w: BrowserWorld,
  tenantId: string,
  login: string,
  first: string,
  last: string,
  language = 'en',
) {
  const answer = await w.t.call(w.t.root, 'POST', '/api/2/users', {
    tenant_id: tenantId,
    login,
    language,
    contact: { email: `${login}@example.test`, firstname: first, lastname: last, language },
  });
  expect(answer.status).toBe(200);
  await setPassword(w.t.db, login, `pw-${login}`); // activated: an email change waits for its confirmation
  return answer.body.id as string;
}

describe.runIf(haveBrowser)('contacts in the console', { timeout: 120_000 }, () => {
  let w: BrowserWorld;
  const open = async (options?: Parameters<BrowserWorld['newPage']>[0]) => {
    const page = await w.newPage(options);
    page.setDefaultTimeout(10_000);
    return page;
  };
  let p1: PartnerWorld;
  let p2: PartnerWorld;
  beforeAll(async () => {
    w = await startBrowserWorld();
    p1 = await createPartnerWorld(w.t, 'P1');
    p2 = await createPartnerWorld(w.t, 'P2');
    await makeUser(w, p1.partnerId, 'alice.p1', 'Alice', 'Archer');
    await makeUser(w, p1.customerId, 'carla.c1', 'Carla', 'Conti', 'it');
  }, 60_000);
  afterAll(() => w?.close());

  it('company: adds a contact from a user and a new one, shows the types in Users, confirms an email change, deletes keeping the user', async () => {
    const l = L.en;
    const page = await open();
    await signIn(page, p1.admin.login, `pw-${p1.admin.login}`);
    await page.goto('/my-company');
    await page.getByRole('heading', { level: 1, name: 'Partner P1' }).waitFor();
    await page.getByText(/0 contacts/).waitFor();
    await expectAccessible(page, 'my-company empty');
    await screenshot(page, 'my-company-empty');

    // Errors next to the fields: no user chosen, no type.
    await page.getByRole('button', { name: l.addContact }).click();
    const dialog = page.getByRole('dialog', { name: l.addTitle });
    await poll(() => page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('radio');
    await dialog.getByRole('button', { name: l.add, exact: true }).click();
    const combo = dialog.getByRole('combobox', { name: l.user });
    expect(await combo.getAttribute('aria-invalid')).toBe('true');
    expect(await description(combo)).toContain(l.chooseUser);
    expect(await description(dialog.getByRole('group', { name: /^Contact types/ }))).toContain(l.chooseType);
    // The searchable drop-down: typing filters, arrows and Enter pick.
    await combo.fill('arch');
    expect(await dialog.getByRole('option').count()).toBe(1);
    await combo.press('ArrowDown');
    await combo.press('Enter');
    expect(await combo.inputValue()).toBe('Alice Archer (alice.p1)');
    await expectAccessible(page, 'add contact dialog');
    await screenshot(page, 'my-company-add-dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(l.addContact);
    expect(await page.getByRole('button', { name: l.addContact }).textContent()).toBe('+ Add');

    await addFromUser(page, l, 'Alice', ['billing', 'technical']);
    await poll(() => rowOf(page, 'Alice Archer').textContent()).toMatch(
      /Alice Archer\s*User.*alice\.p1@example\.test.*Billing.*Technical/,
    );
    // A new contact: the taken address is refused next to the email field.
    await page.getByRole('button', { name: l.addContact }).click();
    await dialog.getByRole('radio', { name: l.newContact }).check();
    await field(dialog, l.first).fill('Bruno');
    await field(dialog, l.last).fill('Bianchi');
    await field(dialog, l.email).fill('ALICE.P1@example.test');
    await dialog.getByRole('checkbox', { name: l.management, exact: true }).check();
    await dialog.getByRole('button', { name: l.add, exact: true }).click();
    await poll(() => field(dialog, l.email).getAttribute('aria-invalid')).toBe('true');
    expect(await description(field(dialog, l.email))).toContain(l.emailTaken);
    await screenshot(page, 'my-company-add-error');
    await field(dialog, l.email).fill('bruno@example.test');
    await field(dialog, l.phone).fill('+39 02 1234 5678');
    await field(dialog, l.jobTitle).fill('CFO');
    await dialog.getByRole('checkbox', { name: l.billing, exact: true }).check();
    await dialog.getByRole('button', { name: l.add, exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText(/2 contacts/).waitFor();
    expect(await rowOf(page, 'Bruno Bianchi').textContent()).toMatch(
      /bruno@example\.test.*\+39 02 1234 5678.*CFO.*Billing.*Business/,
    );
    await expectAccessible(page, 'my-company with contacts');
    await screenshot(page, 'my-company');

    // Its messages are in the company's language until one is chosen for it.
    const bruno = async () =>
      (await w.t.call(p1.admin, 'GET', `/api/2/contacts?tenant_id=${p1.partnerId}`)).body.items.find(
        (c: { email: string }) => c.email === 'bruno@example.test',
      );
    expect((await bruno()).language).toBeNull();
    await rowOf(page, 'Bruno Bianchi')
      .getByRole('button', { name: new RegExp(`^${l.edit}`) })
      .click();
    const editing = page.getByRole('dialog');
    expect(await editing.getByLabel(l.language).inputValue()).toBe('');
    await editing.getByLabel(l.language).selectOption('it');
    await editing.getByRole('button', { name: l.save, exact: true }).click();
    await editing.waitFor({ state: 'hidden' });
    await poll(async () => (await bruno()).language).toBe('it');

    // The Users list: the Contact types column, sortable.
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    await poll(() => typesCellOf(page, 'alice.p1')).toBe('BillingTechnical');
    expect(await typesCellOf(page, p1.admin.login)).toBe(l.none);
    await page.getByRole('button', { name: /^Contact types/ }).click();
    await poll(() => page.locator('th[aria-sort="ascending"]').textContent()).toContain('Contact types');
    await page.getByRole('button', { name: /^Contact types/ }).click();
    await poll(() => page.locator('tbody tr').first().textContent()).toContain('alice.p1');
    await expectAccessible(page, 'users');
    await screenshot(page, 'users-contact-types');

    await page.goto('/my-company');
    await changeEmailAndConfirm(w, page, l, 'Alice Archer', 'alice.new@example.test', 'my-company');
    await page.goto('/my-company');
    await poll(() => rowOf(page, 'Alice Archer').textContent()).toContain('alice.new@example.test');
    expect(await rowOf(page, 'Alice Archer').textContent()).not.toContain(l.pending);
    await screenshot(page, 'my-company-confirmed');

    // Alice, the first Billing contact, is its primary: she goes once Bruno takes it over.
    expect(await rowOf(page, 'Alice Archer').textContent()).toContain(`${l.billing} · ${l.primary}`);
    await refusedAsPrimary(page, l, 'Alice Archer');
    await makePrimary(page, l, 'Bruno Bianchi', 'billing', 'my-company');
    expect(await rowOf(page, 'Alice Archer').textContent()).not.toContain(`${l.billing} · ${l.primary}`);
    await deleteLinked(page, l, 'Alice Archer', 'my-company');
    await page.getByText(/^1 contact$/).waitFor();
    await page.goto('/users');
    await poll(() => typesCellOf(page, 'alice.p1')).toBe(l.none);
  });

  it('customer, in Italian on a phone: the partner configures the client, its admin sees the same contacts', async () => {
    const l = L.it;
    const page = await open({ width: 390, height: 844 });
    await signIn(page, p1.admin.login, `pw-${p1.admin.login}`);
    await page.getByRole('combobox', { name: 'Language' }).selectOption('it');
    // A partner's own page, in the seed's words.
    await page.getByRole('link', { name: 'Gestione azienda' }).click();
    await page.getByText('Gestione azienda › Profilo partner').waitFor();
    expect(await page.getByRole('heading', { level: 2, name: 'Contatti' }).count()).toBe(1);
    await page.goto(`/clients/${p1.customerId}`);
    await page.getByRole('heading', { level: 1, name: 'Customer of P1' }).waitFor();
    await page.getByRole('link', { name: 'Clienti' }).first().waitFor();
    await expectAccessible(page, 'client configure (it, phone)');
    await screenshot(page, 'client-configure-it-phone');

    await addFromUser(page, l, 'Carla', ['technical', 'management']);
    await poll(() => rowOf(page, 'Carla Conti').textContent()).toMatch(/Carla Conti\s*Utente.*Tecnico.*Business/);
    expect(await page.getByRole('button', { name: l.addContact }).textContent()).toBe('+ Aggiungi');
    expect(await page.getByRole('navigation', { name: 'Percorso' }).textContent()).toBe(
      'ClientiCustomer of P1Configura',
    );
    await addNew(page, l, { first: 'Dario', last: 'Dini', email: 'dario@example.test', language: 'it' }, [
      'billing',
      'technical',
    ]);
    await page.getByText(/2 contatti/).waitFor();
    const dario = (await w.t.call(p1.admin, 'GET', `/api/2/contacts?tenant_id=${p1.customerId}`)).body.items.find(
      (c: { email: string }) => c.email === 'dario@example.test',
    );
    expect(dario.language).toBe('it');
    await screenshot(page, 'client-configure-it-contacts');

    await page.getByRole('link', { name: 'Utenti di Customer of P1' }).click();
    await page.getByRole('heading', { level: 1, name: 'Utenti di Customer of P1' }).waitFor();
    await poll(() => typesCellOf(page, 'carla.c1')).toBe('TecnicoBusiness');
    await expectAccessible(page, 'client users (it, phone)');
    await screenshot(page, 'client-users-it-phone');

    await page.goto(`/clients/${p1.customerId}`);
    await changeEmailAndConfirm(w, page, l, 'Carla Conti', 'carla.nuova@example.test', 'client-it');
    await page.goto(`/clients/${p1.customerId}`);
    await poll(() => rowOf(page, 'Carla Conti').textContent()).toContain('carla.nuova@example.test');

    // The customer's own admin sees the partner's changes at once.
    const own = await open();
    await signIn(own, p1.customerAdmin.name, `pw-${p1.customerAdmin.name}`);
    await own.goto('/my-company');
    await own.getByRole('heading', { level: 1, name: 'Customer of P1' }).waitFor();
    await poll(() => rowOf(own, 'Carla Conti').textContent()).toContain('carla.nuova@example.test');
    expect(await rowOf(own, 'Dario Dini').textContent()).toMatch(/Billing.*Technical/);
    await screenshot(own, 'customer-admin-my-company');

    // Carla is the primary Technical contact and Dario is Technical too: Dario takes it over first.
    await refusedAsPrimary(page, l, 'Carla Conti');
    await makePrimary(page, l, 'Dario Dini', 'technical', 'client-it');
    await deleteLinked(page, l, 'Carla Conti', 'client-it');
    await page.getByText(/^1 contatto$/).waitFor();
    await page.goto(`/users?tenant=${p1.customerId}`);
    await poll(() => typesCellOf(page, 'carla.c1')).toBe(l.none);
    await own.reload();
    await own.getByText(/^1 contact$/).waitFor();
    expect(await rowOf(own, 'Carla Conti').count()).toBe(0);
  });

  it('an edit that crossed another one keeps what was typed and shows what changed; a pending change can be resent (later) and cancelled', async () => {
    const gina = await makeUser(w, p1.partnerId, 'gina.p1', 'Gina', 'Galli');
    const created = await w.t.call(p1.admin, 'POST', '/api/2/contacts', {
      tenant_id: p1.partnerId,
      user_id: gina,
      types: ['billing'],
    });
    expect(created.status).toBe(201);
    const page = await open();
    await signIn(page, p1.admin.login, `pw-${p1.admin.login}`);
    await page.goto('/my-company');
    await rowOf(page, 'Gina Galli').getByRole('button', { name: 'Edit Gina Galli' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit Gina Galli' });
    await poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('firstname');
    // Someone else adds a type meanwhile.
    expect(
      (
        await w.t.call(p1.admin, 'PUT', `/api/2/contacts/${created.body.id}`, {
          version: created.body.version,
          types: ['billing', 'technical'],
        })
      ).status,
    ).toBe(200);
    await field(dialog, 'Business email').fill('gina.new@example.test');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await poll(() => dialog.getByRole('alert').textContent()).toContain('Someone else changed this contact meanwhile');
    // Their change (a type the person left alone) is taken over and listed; what the person typed stays.
    expect(await dialog.getByRole('alert').getByRole('listitem').allTextContents()).toEqual([
      'Contact types: “Billing, Technical” → “Billing, Technical”',
    ]);
    expect(await dialog.getByRole('checkbox', { name: 'Technical', exact: true }).isChecked()).toBe(true);
    expect(await field(dialog, 'Business email').inputValue()).toBe('gina.new@example.test');
    await screenshot(page, 'my-company-edit-conflict');
    // A field both changed: theirs → yours, and saving again keeps yours.
    const fresh = (await w.t.call(p1.admin, 'GET', `/api/2/contacts/${created.body.id}`)).body;
    expect(
      (
        await w.t.call(p1.admin, 'PUT', `/api/2/contacts/${created.body.id}`, {
          version: fresh.version,
          title: 'Controller',
        })
      ).status,
    ).toBe(200);
    await field(dialog, 'Job title').fill('CFO');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await poll(() => dialog.getByRole('alert').getByRole('listitem').allTextContents()).toEqual([
      'Job title: “Controller” → “CFO”',
    ]);
    expect(await field(dialog, 'Business email').inputValue()).toBe('gina.new@example.test');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await poll(() => rowOf(page, 'Gina Galli').textContent()).toContain('Pending confirmation gina.new@example.test');
    // A type it is the company's primary contact of is marked (Technical: the company's only one).
    const { primary_types: primaries } = (await w.t.call(p1.admin, 'GET', `/api/2/contacts/${created.body.id}`)).body;
    expect(primaries).toContain('technical');
    expect(await rowOf(page, 'Gina Galli').locator('.chip').allTextContents()).toEqual(
      ['billing', 'technical'].map(
        (type) => `${type[0].toUpperCase()}${type.slice(1)}${primaries.includes(type) ? ' · primary' : ''}`,
      ),
    );
    expect(await rowOf(page, 'Gina Galli').textContent()).toContain('CFO');

    await rowOf(page, 'Gina Galli')
      .getByRole('button', { name: 'Resend the confirmation to gina.new@example.test' })
      .click();
    await poll(() => page.getByRole('alert').textContent()).toContain('Try again in a few minutes');
    await rowOf(page, 'Gina Galli').getByRole('button', { name: 'Cancel change to gina.new@example.test' }).click();
    await poll(() => page.getByRole('status').first().textContent()).toContain(
      'The change of address to gina.new@example.test was cancelled',
    );
    await poll(() => rowOf(page, 'Gina Galli').textContent()).not.toContain('Pending confirmation');
  });

  it('the forms say what will happen to a linked user, report every error at once, and say the limits', async () => {
    // Nora never activated her account; Olga did.
    const nora = await w.t.call(w.t.root, 'POST', '/api/2/users', {
      tenant_id: p1.partnerId,
      login: 'nora.p1',
      contact: { email: 'nora.p1@example.test', firstname: 'Nora', lastname: 'Neri' },
    });
    expect(nora.status).toBe(200);
    const olga = await makeUser(w, p1.partnerId, 'olga.p1', 'Olga', 'Orsi');
    for (const userId of [nora.body.id, olga])
      expect(
        (
          await w.t.call(p1.admin, 'POST', '/api/2/contacts', {
            tenant_id: p1.partnerId,
            user_id: userId,
            types: ['technical'],
          })
        ).status,
      ).toBe(201);
    const page = await open();
    await signIn(page, p1.admin.login, `pw-${p1.admin.login}`);
    await page.goto('/my-company');

    // The email hint says what saving does: at once for Nora, after confirmation for Olga.
    await rowOf(page, 'Olga Orsi').getByRole('button', { name: 'Edit Olga Orsi' }).click();
    let dialog = page.getByRole('dialog', { name: 'Edit Olga Orsi' });
    await poll(() => description(field(dialog, 'Business email'))).toContain('must be confirmed by the person');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await rowOf(page, 'Nora Neri').getByRole('button', { name: 'Edit Nora Neri' }).click();
    dialog = page.getByRole('dialog', { name: 'Edit Nora Neri' });
    await poll(() => description(field(dialog, 'Business email'))).toContain(
      'has not activated the account yet: a new address replaces the current one as soon as you save',
    );
    expect(await description(field(dialog, 'Business email'))).not.toContain('must be confirmed');
    await field(dialog, 'Business email').fill('nora.new@example.test');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await poll(() => page.getByRole('status').first().textContent()).toContain('The changes to Nora Neri were saved.');
    await poll(() => rowOf(page, 'Nora Neri').textContent()).toContain('nora.new@example.test');
    expect(await rowOf(page, 'Nora Neri').textContent()).not.toContain('Pending confirmation');

    // The delete dialog says what stays true of each user.
    await rowOf(page, 'Nora Neri').getByRole('button', { name: 'Delete Nora Neri' }).click();
    dialog = page.getByRole('dialog', { name: 'Delete contact' });
    await poll(() => dialog.textContent()).toContain(
      'The user Nora Neri is kept (it has not activated its account yet)',
    );
    expect(await dialog.textContent()).not.toContain('can still sign in');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await rowOf(page, 'Olga Orsi').getByRole('button', { name: 'Delete Olga Orsi' }).click();
    await poll(() => dialog.textContent()).toContain('The user Olga Orsi is kept and can still sign in');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // A new contact: every error at once, the focus on the first one.
    await page.getByRole('button', { name: 'Add a contact' }).click();
    dialog = page.getByRole('dialog', { name: 'Add a contact' });
    await dialog.getByRole('radio', { name: 'Create a new contact' }).check();
    await field(dialog, 'Business email').fill('not-an-address');
    await field(dialog, 'Business phone').fill('call me maybe');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    const invalid = () =>
      Promise.all(
        ['First name', 'Last name', 'Business email', 'Business phone', 'Job title'].map((label) =>
          field(dialog, label).getAttribute('aria-invalid'),
        ),
      );
    await poll(invalid).toEqual(['true', 'true', 'true', 'true', null]);
    expect(await description(field(dialog, 'Business email'))).toContain('Enter a valid email address');
    expect(await description(field(dialog, 'Business phone'))).toContain('digits, spaces and + ( ) - .');
    expect(await description(dialog.getByRole('group', { name: /^Contact types/ }))).toContain(
      'Choose at least one contact type.',
    );
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('firstname');
    await screenshot(page, 'my-company-add-all-errors');

    // Over-long input is cut at the limit, and the form says so.
    await field(dialog, 'Job title').fill('x'.repeat(120));
    expect(await field(dialog, 'Job title').inputValue()).toHaveLength(100);
    await poll(() => description(field(dialog, 'Job title'))).toContain('Limit reached: at most 100 characters.');
    await field(dialog, 'Job title').fill('x'.repeat(85));
    await poll(() => description(field(dialog, 'Job title'))).toContain('85 of 100 characters');
    await field(dialog, 'Business phone').fill('+39 02 1234 5678 9999 9999 9999');
    expect(await field(dialog, 'Business phone').inputValue()).toHaveLength(25);
    await poll(() => description(field(dialog, 'Business phone'))).toContain('at most 25 characters');
    await expectAccessible(page, 'add contact with every error');

    await field(dialog, 'First name').fill('Pia');
    await field(dialog, 'Last name').fill('Pini');
    await field(dialog, 'Business email').fill('pia@example.test');
    await field(dialog, 'Business phone').fill('+39 (02) 1234-5678 ext. 12');
    expect(await field(dialog, 'Business phone').inputValue()).toBe('+39 (02) 1234-5678 ext. 1');
    await field(dialog, 'Business phone').fill('+39 02 1234.5678 x123');
    await field(dialog, 'Job title').fill('Buyer');
    await dialog.getByRole('checkbox', { name: 'Business', exact: true }).check();
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await poll(() => rowOf(page, 'Pia Pini').textContent()).toContain('+39 02 1234.5678 x123');
  });

  it('another partner sees none of it', async () => {
    const page = await open();
    await signIn(page, p2.admin.login, `pw-${p2.admin.login}`);
    await page.goto(`/clients/${p1.customerId}`);
    await poll(() => page.getByRole('alert').textContent()).toContain('There is no such client');
    expect(await page.locator('table').count()).toBe(0);
    await expectAccessible(page, 'client not found');
    await screenshot(page, 'client-not-found');
    await page.goto(`/users?tenant=${p1.customerId}`);
    await poll(() => page.getByRole('alert').textContent()).toContain('There is no such client');
    await page.goto('/my-company');
    await page.getByRole('heading', { level: 1, name: 'Partner P2' }).waitFor();
    await page.getByText(/0 contacts/).waitFor();
    expect(await page.textContent('main')).not.toMatch(/Bruno|Dario|Alice|Carla/);
  });
});
