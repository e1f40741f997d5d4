import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  expectAccessible,
  haveBrowser,
  screenshot,
  signIn,
  startBrowserWorld,
  type BrowserWorld,
} from './browser-support.js';
import { createPartnerWorld, ROOT_PASSWORD } from '../support/test-app.js';

// Issue 13's "Done when": on a new install, the root's admin does everything in the console alone —
// a partner, a customer under it, a user there with a role, contacts of each kind, a notice to that
// customer that reaches them. The API is only read afterwards, to check what the console made.

const L = {
  en: {
    main: 'Main',
    clients: 'Clients',
    clientsOf: (name: string) => `Clients of ${name}`,
    newClient: 'New client',
    newClientTitle: (name: string) => `New client under ${name}`,
    name: 'Name',
    kind: 'Kind',
    kinds: ['Partner', 'Folder', 'Customer'],
    language: 'Language',
    create: 'Create',
    created: (name: string) => `${name} was created.`,
    usersOf: (name: string) => `Users of ${name}`,
    createUser: 'Create user',
    createUserTitle: 'Create a user',
    login: 'Login',
    email: 'Email',
    first: 'First name',
    last: 'Last name',
    userCreated: (login: string, email: string) =>
      `The user ${login} was created and an activation email was sent to ${email}.`,
    rolesOf: (login: string) => `Roles of ${login}`,
    company: 'Company',
    role: 'Role',
    add: 'Add',
    save: 'Save',
    companyAdmin: 'Company admin',
    rolesSaved: (login: string) => `The roles of ${login} were saved.`,
    addContact: 'Add a contact',
    fromUser: 'Create from existing user',
    newContact: 'Create a new contact',
    user: 'User',
    contactEmail: 'Business email',
    phone: 'Business phone',
    jobTitle: 'Job title',
    billing: 'Billing',
    technical: 'Technical',
    business: 'Business',
    contactsCount: /^2 contacts$/,
    notices: 'Notices',
    noticeSections: 'Notices sections',
    newNotice: 'New notice',
    english: /^English/,
    italian: /^Italian/,
    subject: /^Subject/,
    message: /^Message/,
    findClient: 'Find a client',
    choose: (name: string) => `Choose ${name}`,
    scopeIs: (name: string) => `Sent to ${name} and every client below it.`,
    check: 'Check recipients',
    recipients: '2 people receive this notice',
    sendTo: 'Send to 2 recipients',
    confirmTitle: 'Send this notice?',
    send: 'Send notice',
    done: 'Done',
    sent: 'Sent: 2',
  },
  it: {
    main: 'Principale',
    clients: 'Clienti',
    clientsOf: (name: string) => `Clienti di ${name}`,
    newClient: 'Nuovo cliente',
    newClientTitle: (name: string) => `Nuovo cliente in ${name}`,
    name: 'Nome',
    kind: 'Tipo',
    kinds: ['Partner', 'Cartella', 'Cliente'],
    language: 'Lingua',
    create: 'Crea',
    created: (name: string) => `Creato: ${name}.`,
    usersOf: (name: string) => `Utenti di ${name}`,
    createUser: 'Crea utente',
    createUserTitle: 'Crea un utente',
    login: 'Login',
    email: 'Indirizzo e-mail',
    first: 'Nome',
    last: 'Cognome',
    userCreated: (login: string, email: string) =>
      `Utente creato: ${login}. È stata inviata un’e-mail di attivazione a ${email}.`,
    rolesOf: (login: string) => `Permessi di ${login}`,
    company: 'Azienda',
    role: 'Permesso',
    add: 'Aggiungi',
    save: 'Salva',
    companyAdmin: 'Amministratore azienda',
    rolesSaved: (login: string) => `I permessi di ${login} sono stati salvati.`,
    addContact: 'Aggiungi un contatto',
    fromUser: 'Crea da un utente esistente',
    newContact: 'Crea un nuovo contatto',
    user: 'Utente',
    contactEmail: 'Indirizzo e-mail aziendale',
    phone: 'Telefono aziendale',
    jobTitle: 'Posizione professionale',
    billing: 'Fatturazione',
    technical: 'Tecnico',
    business: 'Business',
    contactsCount: /^2 contatti$/,
    notices: 'Avvisi',
    noticeSections: 'Sezioni degli avvisi',
    newNotice: 'Nuovo avviso',
    english: /^Inglese/,
    italian: /^Italiano/,
    subject: /^Oggetto/,
    message: /^Messaggio/,
    findClient: 'Trova un cliente',
    choose: (name: string) => `Scegli ${name}`,
    scopeIs: (name: string) => `Inviato a ${name} e a tutti i clienti sotto di esso.`,
    check: 'Controlla i destinatari',
    recipients: '2 persone ricevono questo avviso',
    sendTo: 'Invia a 2 destinatari',
    confirmTitle: 'Inviare questo avviso?',
    send: 'Invia l’avviso',
    done: 'Completato',
    sent: 'Inviati: 2',
  },
};
type Labels = typeof L.en;

/** Waits for a value the page shows after a round trip (vitest's default is 1 s). */
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
/** A text field by the start of its label ("Nome" must not find "Cognome"). */
const field = (scope: Locator, label: string) => scope.getByRole('textbox', { name: new RegExp(`^${label}`) });
const rowOf = (page: Page, text: string) => page.locator('tbody tr', { hasText: text });

interface Run {
  lang: 'en' | 'it';
  width: number;
  height: number;
  partner: string;
  customer: string;
  login: string;
  person: { first: string; last: string; email: string; phone: string; title: string };
  userPerson: { first: string; last: string; email: string };
  subject: { en: string; it: string };
}

/** The whole path, in the console alone; returns what the API should now hold, by id. */
async function walk(w: BrowserWorld, run: Run) {
  const l: Labels = L[run.lang];
  const shot = (page: Page, name: string) => screenshot(page, `new-install-${run.lang}-${name}`);
  const page = await w.newPage({
    width: run.width,
    height: run.height,
    locale: run.lang === 'it' ? 'it-IT' : 'en-GB',
  });
  page.setDefaultTimeout(15_000);
  const main = () => page.getByRole('navigation', { name: l.main });

  // 1. The install's own administrator signs in with the password set at first start.
  await signIn(page, 'admin', ROOT_PASSWORD);
  if (run.lang === 'it') await page.getByRole('combobox', { name: /^(Language|Lingua)$/ }).selectOption('it');
  await main().getByRole('link', { name: l.clients, exact: true }).click();
  await page.getByRole('heading', { level: 2, name: l.clientsOf('Liaison') }).waitFor();
  await expectAccessible(page, `${run.lang}: clients of a new install`);
  await shot(page, 'clients-empty');

  // 2. A partner under the root, then a customer under the partner.
  await page.getByRole('button', { name: l.newClient }).click();
  let dialog = page.getByRole('dialog', { name: l.newClientTitle('Liaison') });
  await dialog.waitFor();
  expect(await dialog.getByLabel(l.kind).locator('option').allTextContents()).toEqual(l.kinds);
  await dialog.getByLabel(new RegExp(`^${l.name}`)).fill(run.partner);
  await dialog.getByLabel(l.kind).selectOption('partner');
  await expectAccessible(page, `${run.lang}: new partner dialog`);
  await shot(page, 'new-partner');
  await dialog.getByRole('button', { name: l.create, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await poll(() => page.getByRole('status').first().textContent()).toBe(l.created(run.partner));
  await page.getByRole('link', { name: run.partner, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: run.partner }).waitFor();
  await expectAccessible(page, `${run.lang}: the partner's page`);
  await shot(page, 'partner');

  await page.getByRole('link', { name: l.clientsOf(run.partner) }).click();
  await page.getByRole('heading', { level: 2, name: l.clientsOf(run.partner) }).waitFor();
  await page.getByRole('button', { name: l.newClient }).click();
  dialog = page.getByRole('dialog', { name: l.newClientTitle(run.partner) });
  await dialog.getByLabel(new RegExp(`^${l.name}`)).fill(run.customer);
  await dialog.getByLabel(l.kind).selectOption('customer');
  await dialog.getByLabel(l.language).selectOption(run.lang);
  await expectAccessible(page, `${run.lang}: new customer dialog`);
  await dialog.getByRole('button', { name: l.create, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await poll(() => page.getByRole('status').first().textContent()).toBe(l.created(run.customer));
  await expectAccessible(page, `${run.lang}: clients of the partner`);
  await shot(page, 'customer-created');
  await page.getByRole('link', { name: run.customer, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: run.customer }).waitFor();
  const customerUrl = page.url();

  // 3. A user of the customer, made its company admin in the Roles dialog.
  await page.getByRole('link', { name: l.usersOf(run.customer) }).click();
  await page.getByRole('heading', { level: 1, name: l.usersOf(run.customer) }).waitFor();
  await expectAccessible(page, `${run.lang}: the customer's users (none yet)`);
  await page.getByRole('button', { name: l.createUser }).click();
  dialog = page.getByRole('dialog', { name: l.createUserTitle });
  await field(dialog, l.login).fill(run.login);
  await field(dialog, l.email).fill(run.userPerson.email);
  await field(dialog, l.first).fill(run.userPerson.first);
  await field(dialog, l.last).fill(run.userPerson.last);
  await expectAccessible(page, `${run.lang}: create user dialog`);
  await shot(page, 'create-user');
  await dialog.getByRole('button', { name: l.create, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await poll(() => page.getByRole('status').first().textContent()).toContain(
    l.userCreated(run.login, run.userPerson.email),
  );
  await w.smtp.waitFor((m) => m.to.includes(run.userPerson.email));

  await page.getByRole('button', { name: l.rolesOf(run.login) }).click();
  dialog = page.getByRole('dialog', { name: l.rolesOf(run.login) });
  const company = dialog.getByRole('combobox', { name: l.company });
  await company.waitFor();
  // The user's own company is the only one offered: the customer has no clients below it.
  expect(await company.locator('option').count()).toBe(1);
  expect(await company.locator('option').textContent()).toContain(run.customer);
  await dialog.getByRole('combobox', { name: l.role }).selectOption('company_admin');
  await dialog.getByRole('button', { name: l.add, exact: true }).click();
  await poll(() => dialog.getByRole('list').first().textContent()).toContain(l.companyAdmin);
  await expectAccessible(page, `${run.lang}: roles dialog`);
  await shot(page, 'roles');
  await dialog.getByRole('button', { name: l.save, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await poll(() => page.getByRole('status').first().textContent()).toContain(l.rolesSaved(run.login));

  // 4. Contacts of each type: the user (Billing, Technical) and a person without access (Technical, Business).
  await page
    .getByRole('navigation', { name: /^(Breadcrumb|Percorso)$/ })
    .getByRole('link', { name: run.customer })
    .click();
  await page.waitForURL(customerUrl);
  await page.getByRole('button', { name: l.addContact }).click();
  dialog = page.getByRole('dialog', { name: l.addContact });
  await dialog.getByRole('radio', { name: l.fromUser }).check();
  await dialog.getByRole('combobox', { name: l.user }).fill(run.userPerson.first);
  await dialog.getByRole('option', { name: new RegExp(run.userPerson.first) }).click();
  await dialog.getByRole('checkbox', { name: l.billing, exact: true }).check();
  await dialog.getByRole('checkbox', { name: l.technical, exact: true }).check();
  await expectAccessible(page, `${run.lang}: add a contact from a user`);
  await dialog.getByRole('button', { name: l.add, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  const userName = `${run.userPerson.first} ${run.userPerson.last}`;
  await poll(() => rowOf(page, userName).textContent()).toContain(run.userPerson.email);

  await page.getByRole('button', { name: l.addContact }).click();
  await dialog.getByRole('radio', { name: l.newContact }).check();
  await field(dialog, l.first).fill(run.person.first);
  await field(dialog, l.last).fill(run.person.last);
  await field(dialog, l.contactEmail).fill(run.person.email);
  await field(dialog, l.phone).fill(run.person.phone);
  await field(dialog, l.jobTitle).fill(run.person.title);
  await dialog.getByRole('checkbox', { name: l.technical, exact: true }).check();
  await dialog.getByRole('checkbox', { name: l.business, exact: true }).check();
  await expectAccessible(page, `${run.lang}: add a new contact`);
  await shot(page, 'add-contact');
  await dialog.getByRole('button', { name: l.add, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByText(l.contactsCount).waitFor();
  const personName = `${run.person.first} ${run.person.last}`;
  expect(await rowOf(page, userName).textContent()).toMatch(new RegExp(`${l.billing}.*${l.technical}`));
  expect(await rowOf(page, personName).textContent()).toMatch(
    new RegExp(`${run.person.email}.*${run.person.title}.*${l.technical}.*${l.business}`),
  );
  await expectAccessible(page, `${run.lang}: the customer with its contacts`);
  await shot(page, 'contacts');

  // 5. A Technical notice to that customer: the preview counts both, the mail reaches both.
  await main().getByRole('link', { name: l.notices, exact: true }).click();
  await page.getByRole('navigation', { name: l.noticeSections }).getByRole('link', { name: l.newNotice }).click();
  await page.getByRole('heading', { name: l.newNotice }).waitFor();
  await page.getByRole('radio', { name: l.technical, exact: true }).check();
  const english = page.getByRole('group', { name: l.english });
  const italian = page.getByRole('group', { name: l.italian });
  await english.getByLabel(l.subject).fill(run.subject.en);
  await english.getByLabel(l.message).fill('The platform is upgraded on **Sunday** night.');
  await italian.getByLabel(l.subject).fill(run.subject.it);
  await italian.getByLabel(l.message).fill('La piattaforma viene aggiornata **domenica** notte.');
  await page.getByLabel(l.findClient).fill(run.customer);
  await page.getByRole('button', { name: l.choose(run.customer) }).click();
  await page.getByText(l.scopeIs(run.customer)).waitFor();
  await page.getByRole('button', { name: l.check }).click();
  await page.getByText(l.recipients).waitFor();
  await expectAccessible(page, `${run.lang}: compose with the preview`);
  await shot(page, 'notice-preview');
  await page.getByRole('button', { name: l.sendTo }).click();
  dialog = page.getByRole('dialog', { name: l.confirmTitle });
  await expectAccessible(page, `${run.lang}: send confirmation`);
  await dialog.getByRole('button', { name: l.send }).click();

  await page.waitForURL(/\/notices\/[0-9a-f-]{36}$/);
  const noticeId = page.url().split('/').at(-1)!;
  const noticeMail = (to: string) =>
    w.smtp.waitFor(
      (m) => m.to.includes(to) && [run.subject.en, run.subject.it].some((s) => m.subject.includes(s)),
      20_000,
    );
  const mails = [await noticeMail(run.userPerson.email), await noticeMail(run.person.email)];
  await poll(() => page.getByRole('article').locator('.facts .tag').textContent()).toBe(l.done);
  await poll(() => page.getByRole('article').locator('.box .counts').textContent()).toContain(l.sent);
  await expectAccessible(page, `${run.lang}: the notice sent`);
  await shot(page, 'notice-sent');
  return { page, noticeId, mails };
}

describe.runIf(haveBrowser)('a new install, in the console alone', { timeout: 180_000 }, () => {
  /** What the console made, as the API holds it. */
  async function check(w: BrowserWorld, run: Run, noticeId: string) {
    const { t } = w;
    const childrenOf = async (id: string) => {
      const ids = (await t.call(t.root, 'GET', `/api/2/tenants/${id}/children`)).body.items as string[];
      return Promise.all(ids.map(async (child) => (await t.call(t.root, 'GET', `/api/2/tenants/${child}`)).body));
    };
    const [partner] = await childrenOf(t.rootTenantId);
    expect(partner).toMatchObject({ name: run.partner, kind: 'partner' });
    const [customer] = await childrenOf(partner.id);
    expect(customer).toMatchObject({ name: run.customer, kind: 'customer', language: run.lang });
    const users = (await t.call(t.root, 'GET', `/api/2/users?tenant_id=${customer.id}`)).body.items;
    expect(users.map((u: { login: string }) => u.login)).toEqual([run.login]);
    const roles = (await t.call(t.root, 'GET', `/api/2/users/${users[0].id}/access_policies`)).body.items;
    expect(roles).toEqual([expect.objectContaining({ tenant_id: customer.id, role_id: 'company_admin' })]);
    const contacts = (await t.call(t.root, 'GET', `/api/2/contacts?tenant_id=${customer.id}`)).body.items as {
      email: string;
      types: string[];
      user_id?: string | null;
      phone?: string;
      title?: string;
    }[];
    const byEmail = Object.fromEntries(contacts.map((c) => [c.email, c]));
    expect(Object.keys(byEmail).sort()).toEqual([run.userPerson.email, run.person.email].sort());
    expect(byEmail[run.userPerson.email]).toMatchObject({ user_id: users[0].id });
    expect(byEmail[run.person.email]).toMatchObject({
      phone: run.person.phone,
      title: run.person.title,
    });
    expect(byEmail[run.person.email].user_id ?? null).toBeNull();
    expect([...byEmail[run.userPerson.email].types].sort()).toEqual(['billing', 'technical']);
    expect([...byEmail[run.person.email].types].sort()).toEqual(['management', 'technical']);
    const notice = (await t.call(t.root, 'GET', `/api/2/announcements/${noticeId}`)).body;
    expect(notice).toMatchObject({ scope_tenant_id: customer.id, category: 'technical', recipients: 2 });
    expect(notice.counts).toMatchObject({ sent: 2, failed: 0, pending: 0 });

    // Another partner sees none of it: 404 on the customer, its contacts, its user and its roles.
    const other = await createPartnerWorld(t, 'Other');
    expect((await t.call(other.admin, 'GET', `/api/2/tenants/${customer.id}`)).status).toBe(404);
    expect((await t.call(other.admin, 'GET', `/api/2/contacts?tenant_id=${customer.id}`)).status).toBe(404);
    // A list by someone else's tenant is empty (the API's rule for lists); the user itself is not found.
    expect((await t.call(other.admin, 'GET', `/api/2/users?tenant_id=${customer.id}`)).body.items).toEqual([]);
    expect((await t.call(other.admin, 'GET', `/api/2/users/${users[0].id}`)).status).toBe(404);
    expect((await t.call(other.admin, 'GET', `/api/2/users/${users[0].id}/access_policies`)).status).toBe(404);
    expect(
      (await t.call(other.admin, 'PUT', `/api/2/tenants/${customer.id}`, { version: customer.version, name: 'Taken' }))
        .status,
    ).toBe(404);
    expect((await t.call(t.root, 'GET', `/api/2/tenants/${customer.id}`)).body.name).toBe(run.customer);
  }

  it('English at 1280x800: partner, customer, user with a role, contacts of each type, a notice delivered', async () => {
    const w = await startBrowserWorld();
    try {
      const run: Run = {
        lang: 'en',
        width: 1280,
        height: 800,
        partner: 'Northwind Partners',
        customer: 'Contoso Ltd',
        login: 'grace.hopper',
        userPerson: { first: 'Grace', last: 'Hopper', email: 'grace@contoso.test' },
        person: {
          first: 'Alan',
          last: 'Turing',
          email: 'alan@contoso.test',
          phone: '+44 20 7946 0000',
          title: 'CTO',
        },
        subject: { en: 'Maintenance on Sunday', it: 'Manutenzione domenica' },
      };
      const { noticeId, mails } = await walk(w, run);
      // Everyone reads English here: the English subject reaches both.
      for (const mail of mails) expect(mail.subject).toContain(run.subject.en);
      await check(w, run, noticeId);
    } finally {
      await w.close();
    }
  });

  it('Italian on a phone (390x844): the same path, the mail in Italian', async () => {
    const w = await startBrowserWorld();
    try {
      const run: Run = {
        lang: 'it',
        width: 390,
        height: 844,
        partner: 'Partner Lombardia',
        customer: 'Rossi Srl',
        login: 'giulia.rossi',
        userPerson: { first: 'Giulia', last: 'Rossi', email: 'giulia@rossi.test' },
        person: {
          first: 'Marco',
          last: 'Bianchi',
          email: 'marco@rossi.test',
          phone: '+39 02 1234 5678',
          title: 'Responsabile IT',
        },
        subject: { en: 'Maintenance on Sunday', it: 'Manutenzione domenica' },
      };
      const { page, noticeId, mails } = await walk(w, run);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      for (const mail of mails) expect(mail.subject).toContain(run.subject.it);
      await check(w, run, noticeId);
    } finally {
      await w.close();
    }
  });
});
