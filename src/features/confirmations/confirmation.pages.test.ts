import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPassword } from '../setup/bootstrap.service.js';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../../../test/support/smtp-server.js';
import { createPartnerWorld, form, startTestApp, type PartnerWorld, type TestApp } from '../../../test/support/test-app.js';

// The small server-rendered pages behind the mailed links: a GET only shows, the button POSTs.

let t: TestApp;
let smtp: TestSmtpServer;
let p: PartnerWorld;
beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp({ smtpUrl: smtp.url });
  p = await createPartnerWorld(t, 'Pages');
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

let seq = 0;
const unique = (base: string) => `${base}-${++seq}`;

function tokenIn(mail: ReceivedMail, path: '/confirm-email' | '/activate'): string {
  const match = new RegExp(`http://liaison\\.test${path}\\?token=([A-Za-z0-9_%.~-]+)`).exec(mail.text);
  expect(match, mail.text).not.toBeNull();
  return decodeURIComponent(match![1]);
}

interface Pending { userId: string; contactId: string; oldEmail: string; newEmail: string; token: string }

/** An activated user, contact of the customer, with an email change waiting; the token comes from the received message. */
async function pendingChange(language = 'en'): Promise<Pending> {
  const login = unique('page');
  const oldEmail = `${login}@example.test`;
  const user = await t.call(p.admin, 'POST', '/api/2/users', { tenant_id: p.customerId, login, contact: { email: oldEmail, firstname: 'Pia', language } });
  expect(user.status).toBe(200);
  await setPassword(t.db, login, `pw-${login}`);
  const contact = await t.call(p.admin, 'POST', '/api/2/contacts', { tenant_id: p.customerId, user_id: user.body.id, types: ['billing'] });
  expect(contact.status).toBe(201);
  const newEmail = `${unique('page-new')}@example.test`;
  const put = await t.call(p.admin, 'PUT', `/api/2/contacts/${contact.body.id}`, { version: contact.body.version, email: newEmail });
  expect(put.status).toBe(200);
  const mail = await smtp.waitFor((m) => m.to.includes(newEmail));
  return { userId: user.body.id, contactId: contact.body.id, oldEmail, newEmail, token: tokenIn(mail, '/confirm-email') };
}

const contactOf = async (id: string) => (await t.call(p.admin, 'GET', `/api/2/contacts/${id}`)).body;
const getPage = (path: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url: path, headers });
const postForm = (path: string, fields: Record<string, string>) =>
  t.app.inject({ method: 'POST', url: path, payload: form(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

/** The form's action and hidden token, as a browser would submit them. */
function formOf(html: string) {
  const action = /<form method="post" action="([^"]+)">/.exec(html);
  const token = /<input type="hidden" name="token" value="([^"]*)">/.exec(html);
  expect(action, html).not.toBeNull();
  expect(token, html).not.toBeNull();
  return { action: action![1].replaceAll('&amp;', '&'), token: token![1] };
}

function expectPage(res: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number, lang: 'en' | 'it') {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.body).toMatch(new RegExp(`^<!doctype html><html lang="${lang}">`));
}

describe('/confirm-email', () => {
  it('GET shows a form whose button POSTs; the GET (even twice) changes nothing; the POST confirms', async () => {
    const c = await pendingChange();
    const shown = await getPage(`/confirm-email?token=${encodeURIComponent(c.token)}`);
    expectPage(shown, 200, 'en');
    expect(shown.body).toContain('<h1>Confirm your new email address</h1>');
    expect(shown.body).toContain(`Press the button to make ${c.newEmail} the address of your account.`);
    expect(shown.body).toContain('<button type="submit">Confirm</button>');
    const { action, token } = formOf(shown.body);
    expect(action).toMatch(/^\/confirm-email(\?|$)/);
    expect(token).toBe(c.token);
    expect((await getPage(`/confirm-email?token=${encodeURIComponent(c.token)}`)).statusCode).toBe(200);
    expect(await contactOf(c.contactId)).toMatchObject({ email: c.oldEmail, pending_email: c.newEmail });

    const done = await postForm(action, { token });
    expectPage(done, 200, 'en');
    expect(done.body).toContain(`Done: ${c.newEmail} is now the address of your account.`);
    expect(await contactOf(c.contactId)).toMatchObject({ email: c.newEmail, pending_email: null });

    // The same link again: used, on both the GET and the POST.
    const again = await postForm(action, { token });
    expectPage(again, 410, 'en');
    expect(again.body).toContain('This link was already used');
    expect(again.body).not.toContain('<form');
    const reopened = await getPage(`/confirm-email?token=${encodeURIComponent(c.token)}`);
    expectPage(reopened, 410, 'en');
    expect(reopened.body).toContain('This link was already used');
    expect(reopened.body).not.toContain('<button');
  });

  it('shows an unknown or missing token as not valid (400), without the form', async () => {
    for (const url of ['/confirm-email?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '/confirm-email', '/confirm-email?token=']) {
      const res = await getPage(url);
      expectPage(res, 400, 'en');
      expect(res.body).toContain('This link is not valid');
      expect(res.body).not.toContain('<form');
    }
    const posted = await postForm('/confirm-email', { token: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expectPage(posted, 400, 'en');
    expect(posted.body).toContain('This link is not valid');
  });

  it('does not reflect a hostile token into the page', async () => {
    const res = await getPage(`/confirm-email?token=${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain('<script>');
  });

  it('shows an expired link as expired (410), on GET and POST, and changes nothing', async () => {
    const c = await pendingChange();
    await t.db.updateTable('user_tokens').set({ expires_at: sql`now() - interval '1 second'` }).where('user_id', '=', c.userId).execute();
    const shown = await getPage(`/confirm-email?token=${encodeURIComponent(c.token)}`);
    expectPage(shown, 410, 'en');
    expect(shown.body).toContain('This link has expired');
    expect(shown.body).not.toContain('<form');
    const posted = await postForm('/confirm-email', { token: c.token });
    expectPage(posted, 410, 'en');
    expect(posted.body).toContain('This link has expired');
    expect((await contactOf(c.contactId)).email).toBe(c.oldEmail);
  });

  it('shows a cancelled link as replaced or cancelled (410)', async () => {
    const c = await pendingChange();
    expect((await t.call(p.admin, 'DELETE', `/api/2/contacts/${c.contactId}/pending-email`)).status).toBe(204);
    const shown = await getPage(`/confirm-email?token=${encodeURIComponent(c.token)}`);
    expectPage(shown, 410, 'en');
    expect(shown.body).toContain('replaced by a newer one or cancelled');
    const posted = await postForm('/confirm-email', { token: c.token });
    expectPage(posted, 410, 'en');
    expect((await contactOf(c.contactId)).email).toBe(c.oldEmail);
  });

  it('speaks Italian for an Italian user, and for anyone with ?lang=it', async () => {
    const it_ = await pendingChange('it');
    const shown = await getPage(`/confirm-email?token=${encodeURIComponent(it_.token)}`);
    expectPage(shown, 200, 'it');
    expect(shown.body).toContain('<h1>Conferma il tuo nuovo indirizzo email</h1>');
    expect(shown.body).toContain('<button type="submit">Conferma</button>');
    const { action, token } = formOf(shown.body);
    const done = await postForm(action, { token });
    expectPage(done, 200, 'it');
    expect(done.body).toContain(`Fatto: ${it_.newEmail} è ora l&#39;indirizzo del tuo account.`);
    expect((await postForm(action, { token })).body).toContain('Questo link è già stato usato');

    const en = await pendingChange('en');
    const asked = await getPage(`/confirm-email?token=${encodeURIComponent(en.token)}&lang=it`);
    expectPage(asked, 200, 'it');
    expect(asked.body).toContain('<button type="submit">Conferma</button>');
    expect(formOf(asked.body).action).toBe('/confirm-email?lang=it');
    const unknown = await getPage('/confirm-email?token=nope&lang=it');
    expectPage(unknown, 400, 'it');
    expect(unknown.body).toContain('Questo link non è valido');
    // Without anything known about the reader, the browser's language decides.
    const byBrowser = await getPage('/confirm-email?token=nope', { 'accept-language': 'it-IT,it;q=0.9' });
    expectPage(byBrowser, 400, 'it');
  });

  it('does not show the confirmation form for an activation link', async () => {
    const login = unique('act-as-confirm');
    const user = await t.call(p.admin, 'POST', '/api/2/users', { tenant_id: p.customerId, login, contact: { email: `${login}@example.test` } });
    expect((await t.call(p.admin, 'POST', `/api/2/users/${user.body.id}/send-activation-email`)).status).toBe(204);
    const token = tokenIn(await smtp.waitFor((m) => m.to.includes(`${login}@example.test`)), '/activate');
    const res = await getPage(`/confirm-email?token=${encodeURIComponent(token)}`);
    expectPage(res, 400, 'en');
    expect(res.body).not.toContain('<form');
  });
});

describe('/activate', () => {
  async function activationLink(language = 'en') {
    const login = unique('activate');
    const email = `${login}@example.test`;
    const user = await t.call(p.admin, 'POST', '/api/2/users', { tenant_id: p.customerId, login, contact: { email, firstname: 'Nuovo', language } });
    expect(user.status).toBe(200);
    expect((await t.call(p.admin, 'POST', `/api/2/users/${user.body.id}/send-activation-email`)).status).toBe(204);
    const mail = await smtp.waitFor((m) => m.to.includes(email));
    return { userId: user.body.id as string, login, token: tokenIn(mail, '/activate') };
  }

  it('GET shows a password form; mismatching or short passwords answer a 400 page; a good POST activates', async () => {
    const a = await activationLink();
    const shown = await getPage(`/activate?token=${encodeURIComponent(a.token)}`);
    expectPage(shown, 200, 'en');
    expect(shown.body).toContain('<h1>Activate your account</h1>');
    expect(shown.body).toMatch(/<input id="password" name="password" type="password"/);
    expect(shown.body).toMatch(/<input id="repeat" name="repeat" type="password"/);
    expect(shown.body).toContain('<button type="submit">Activate</button>');
    const { action, token } = formOf(shown.body);
    expect(action).toMatch(/^\/activate(\?|$)/);
    expect((await t.call(p.admin, 'GET', `/api/2/users/${a.userId}`)).body.activated).toBe(false);

    const mismatch = await postForm(action, { token, password: 'first password', repeat: 'second password' });
    expectPage(mismatch, 400, 'en');
    expect(mismatch.body).toContain('The two passwords differ.');
    expect(formOf(mismatch.body).token).toBe(a.token);
    const short = await postForm(action, { token, password: 'short', repeat: 'short' });
    expectPage(short, 400, 'en');
    expect(short.body).toContain('The password needs at least 8 characters.');
    expect((await t.call(p.admin, 'GET', `/api/2/users/${a.userId}`)).body.activated).toBe(false);

    const done = await postForm(action, { token, password: 'a fine password', repeat: 'a fine password' });
    expectPage(done, 200, 'en');
    expect(done.body).toContain(`Your account is active. Sign in with the login ${a.login}.`);
    expect((await t.call(p.admin, 'GET', `/api/2/users/${a.userId}`)).body.activated).toBe(true);
    const me = await t.call(await t.tokenFor(a.login, 'a fine password'), 'GET', '/api/2/users/me');
    expect(me.body.id).toBe(a.userId);

    const again = await postForm(action, { token, password: 'other password', repeat: 'other password' });
    expectPage(again, 410, 'en');
    expect(again.body).toContain('This link was already used');
    expectPage(await getPage(`/activate?token=${encodeURIComponent(a.token)}`), 410, 'en');
    await expect(t.tokenFor(a.login, 'other password')).rejects.toThrow(/401/);
  });

  it('shows expired and unknown links with 410 and 400', async () => {
    const a = await activationLink();
    await t.db.updateTable('user_tokens').set({ expires_at: sql`now() - interval '1 second'` }).where('user_id', '=', a.userId).execute();
    const expired = await getPage(`/activate?token=${encodeURIComponent(a.token)}`);
    expectPage(expired, 410, 'en');
    expect(expired.body).toContain('This link has expired');
    const posted = await postForm('/activate', { token: a.token, password: 'a fine password', repeat: 'a fine password' });
    expectPage(posted, 410, 'en');
    expect((await t.call(p.admin, 'GET', `/api/2/users/${a.userId}`)).body.activated).toBe(false);
    const unknown = await getPage('/activate?token=BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB');
    expectPage(unknown, 400, 'en');
    expect(unknown.body).toContain('This link is not valid');
  });

  it('tells that there is nothing left to do when the account was activated meanwhile', async () => {
    const a = await activationLink();
    await setPassword(t.db, a.login, 'set by the operator');
    const res = await postForm('/activate', { token: a.token, password: 'a fine password', repeat: 'a fine password' });
    expectPage(res, 410, 'en');
    expect(res.body).toContain('This link was already used: there is nothing more to do.');
    await expect(t.tokenFor(a.login, 'a fine password')).rejects.toThrow(/401/);
  });

  it('speaks Italian to an Italian user', async () => {
    const a = await activationLink('it');
    const shown = await getPage(`/activate?token=${encodeURIComponent(a.token)}`);
    expectPage(shown, 200, 'it');
    expect(shown.body).toContain('<h1>Attiva il tuo account</h1>');
    const { action, token } = formOf(shown.body);
    const mismatch = await postForm(action, { token, password: 'prima password', repeat: 'seconda password' });
    expectPage(mismatch, 400, 'it');
    expect(mismatch.body).toContain('Le due password sono diverse.');
    const done = await postForm(action, { token, password: 'una buona password', repeat: 'una buona password' });
    expectPage(done, 200, 'it');
    expect(done.body).toContain(`Il tuo account è attivo. Accedi con il login ${a.login}.`);
  });

  it('does not show the password form for an email-change link', async () => {
    const c = await pendingChange();
    const res = await getPage(`/activate?token=${encodeURIComponent(c.token)}`);
    expectPage(res, 400, 'en');
    expect(res.body).not.toContain('<form');
    expect(await contactOf(c.contactId)).toMatchObject({ pending_email: c.newEmail });
  });
});
