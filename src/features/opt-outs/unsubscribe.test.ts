import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleDir } from '../../platform/http/console.js';
import { loadMailTokens } from '../../platform/mail/mail-tokens.js';
import { createContact, uniqueEmail } from '../../../test/support/factories.js';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../../../test/support/smtp-server.js';
import { createPartnerWorld, startTestApp, type PartnerWorld, type TestApp } from '../../../test/support/test-app.js';

// Unsubscribing end to end: notices sent by the app's own worker into a real SMTP server, the
// List-Unsubscribe header read back from what it received, the RFC 8058 one-click POST to its
// URL, and what the next notices do with the address.

let t: TestApp;
let smtp: TestSmtpServer;
let a: PartnerWorld;
let b: PartnerWorld;
beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp({ smtpUrl: smtp.url, publicUrl: 'https://liaison.example' });
  a = await createPartnerWorld(t, 'UnsubA');
  b = await createPartnerWorld(t, 'UnsubB');
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

let seq = 0;

/** Announces (root), waits until done, and answers the announcement and what each address received. */
async function deliver(fields: Record<string, unknown>) {
  const subject = `Unsubscribe notice ${++seq}`;
  const created = await t.call(t.root, 'POST', '/api/2/announcements', {
    category: 'technical',
    subject: { en: subject },
    body: { en: 'Body' },
    fallback: 'none',
    ...fields,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  const deadline = Date.now() + 45_000;
  for (;;) {
    const row = await t.db
      .selectFrom('announcements')
      .select(['status', 'opted_out', 'recipients'])
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow();
    if (row.status === 'done') {
      const mails = smtp.received.filter((m) => m.subject === subject);
      const to = (email: string) => mails.find((m) => m.to[0].toLowerCase() === email.toLowerCase());
      return { id: created.body.id as string, optedOut: row.opted_out, recipients: row.recipients, mails, to };
    }
    if (Date.now() > deadline) throw new Error(`announcement not done: ${JSON.stringify(row)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A header as sent (mailparser folds the List-* headers into one structured `list` entry). */
const rawHeader = (mail: ReceivedMail, name: string) =>
  mail.parsed.headerLines.find((h) => h.key === name)?.line.replace(/^[^:]*:\s*/, '');

/** The https target of List-Unsubscribe, as a path of this app. */
function oneClickPath(mail: ReceivedMail) {
  const header = rawHeader(mail, 'list-unsubscribe') ?? '';
  const url = /<(https:[^>]+)>/.exec(header)?.[1];
  if (!url) throw new Error(`no https List-Unsubscribe in ${header}`);
  expect(url.startsWith('https://liaison.example/unsubscribe/')).toBe(true);
  return new URL(url).pathname;
}

const oneClick = (url: string, headers: Record<string, string> = {}, payload?: string) =>
  t.app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) });

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const tokenOf = (url: string) => url.split('/').pop()!;

describe('one-click unsubscribe (RFC 8058), end to end', () => {
  it('opts the address out of the category: the next notice of it skips and counts it, others still reach it', async () => {
    const reader = await createContact(t, { tenantId: a.partnerId, types: ['technical', 'billing'] });
    const other = await createContact(t, { tenantId: a.partnerId, types: ['technical'] });

    const first = await deliver({ scope_tenant_id: a.partnerId });
    const mail = first.to(reader.email)!;
    expect(rawHeader(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const url = oneClickPath(mail);

    // As Gmail does it: form-encoded, no cookie, no sign-in; a plain 200, no redirect.
    const res = await oneClick(url, form, 'List-Unsubscribe=One-Click');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.headers.location).toBeUndefined();
    // Again, as multipart, with no body, and with a stale session cookie (no CSRF guard applies): still 200.
    const boundary = 'xyzzy';
    const multipart = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    expect(
      (await oneClick(url, { 'content-type': `multipart/form-data; boundary=${boundary}` }, multipart)).statusCode,
    ).toBe(200);
    expect((await oneClick(url)).statusCode).toBe(200);
    expect((await oneClick(url, { ...form, cookie: 'liaison_session=stale' }, 'x')).statusCode).toBe(200);
    const rows = await t.db
      .selectFrom('opt_outs')
      .selectAll()
      .where('email', '=', reader.email.toLowerCase())
      .execute();
    expect(rows.map((r) => [r.tenant_id, r.category, r.source])).toEqual([[a.partnerId, 'technical', 'unsubscribe']]);

    const second = await deliver({ scope_tenant_id: a.partnerId });
    expect(second.to(reader.email)).toBeUndefined();
    expect(second.to(other.email)).toBeDefined();
    expect(second.optedOut).toBe(1);
    expect(second.recipients).toBe(1);

    const billing = await deliver({ scope_tenant_id: a.partnerId, category: 'billing' });
    expect(rawHeader(billing.to(reader.email)!, 'list-unsubscribe')).toContain('https://liaison.example/unsubscribe/');

    // A mandatory notice reaches it all the same, and offers no unsubscribe.
    const mandatory = await deliver({ scope_tenant_id: a.partnerId, mandatory: true });
    const must = mandatory.to(reader.email)!;
    expect(must).toBeDefined();
    expect(rawHeader(must, 'list-unsubscribe')).toBeUndefined();
    expect(rawHeader(must, 'list-unsubscribe-post')).toBeUndefined();
    expect(mandatory.optedOut).toBe(0);

    // Back in from the page: the next notice reaches it again.
    const back = await t.call(undefined, 'POST', `/api/2/unsubscribe/${tokenOf(url)}`, { subscribed: true });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(back.body).toMatchObject({ opted_out: false, since: null });
    const third = await deliver({ scope_tenant_id: a.partnerId });
    expect(third.to(reader.email)).toBeDefined();
    expect(third.optedOut).toBe(0);
  });

  it('answers 404, saying nothing of why, for a forged, malformed, foreign or unknown token', async () => {
    const tokens = await loadMailTokens(t.db);
    const reader = await createContact(t, { tenantId: a.customerId, types: ['technical'] });
    const sent = await deliver({ scope_tenant_id: a.customerId });
    const good = tokenOf(oneClickPath(sent.to(reader.email)!));
    const id = /^d([0-9]+)-/.exec(good)![1];
    const bad = [
      `d${id}-${'0'.repeat(32)}`, // forged MAC
      tokens.sign('d', id, 'bounce'), // a token for another purpose
      tokens.sign('m', id, 'unsubscribe'), // another kind of item
      tokens.sign('d', '999999999', 'unsubscribe'), // signed, but no such delivery
      tokens.sign('d', 'abc', 'unsubscribe'),
      'not-a-token',
    ];
    const messages = new Set<string>();
    for (const token of bad) {
      const click = await oneClick(`/unsubscribe/${token}`, form, 'List-Unsubscribe=One-Click');
      expect(click.statusCode, token).toBe(404);
      messages.add(click.json().error.message);
      const page = await t.call(undefined, 'GET', `/api/2/unsubscribe/${token}`);
      expect(page.status, token).toBe(404);
      messages.add(page.body.error.message);
      expect((await t.call(undefined, 'POST', `/api/2/unsubscribe/${token}`, { subscribed: false })).status).toBe(404);
    }
    expect([...messages]).toEqual(['This unsubscribe link is not valid']);
    expect(await t.db.selectFrom('opt_outs').selectAll().where('email', '=', reader.email).execute()).toEqual([]);
    expect((await t.call(undefined, 'POST', `/api/2/unsubscribe/${good}`, { subscribed: 'maybe' })).status).toBe(400);
  });
});

describe('the unsubscribe page', () => {
  it('shows the address, category and tenant names, and opts out and back in (idempotently)', async () => {
    const email = uniqueEmail('page.reader');
    await createContact(t, { tenantId: a.partnerId, types: ['management'], fields: { email } });
    await createContact(t, { tenantId: a.customerId, types: ['management'], fields: { email } });
    const sent = await deliver({ scope_tenant_id: a.partnerId, category: 'management' });
    const token = tokenOf(oneClickPath(sent.to(email)!));
    const names = (
      await t.db.selectFrom('tenants').select('name').where('id', 'in', [a.partnerId, a.customerId]).execute()
    ).map((r) => r.name);

    const page = await t.call(undefined, 'GET', `/api/2/unsubscribe/${token}`);
    expect(page.status).toBe(200);
    expect(page.body).toEqual({
      email: email.toLowerCase(),
      category: 'management',
      tenants: names.sort().map((name) => ({ name })),
      opted_out: false,
      since: null,
    });
    const out = await t.call(undefined, 'POST', `/api/2/unsubscribe/${token}`, { subscribed: 'false' });
    expect(out.status).toBe(200);
    expect(out.body).toMatchObject({ opted_out: true, since: expect.any(String) });
    const again = await t.call(undefined, 'POST', `/api/2/unsubscribe/${token}`, { subscribed: false });
    expect(again.body.since).toBe(out.body.since);
    const audit = await t.db
      .selectFrom('audit_events')
      .select(['tenant_id', 'action', 'actor_type'])
      .where('action', 'in', ['opt_out', 'opt_in'])
      .where(sql<boolean>`after ->> 'email' = ${email.toLowerCase()}`)
      .execute();
    expect(audit.filter((e) => e.action === 'opt_out')).toHaveLength(2);
    expect(audit.every((e) => e.actor_type === 'person')).toBe(true);
    const back = await t.call(undefined, 'POST', `/api/2/unsubscribe/${token}`, { subscribed: true });
    expect(back.body).toMatchObject({ opted_out: false, since: null });
  });

  it.runIf(fs.existsSync(path.join(consoleDir, 'index.html')))(
    "a browser's GET of the List-Unsubscribe URL gets the console",
    async () => {
      const res = await t.app.inject({ method: 'GET', url: '/unsubscribe/d1-abc', headers: { accept: 'text/html' } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    },
  );
});

describe("a contact's opt-outs, as its admins see them", () => {
  it('lists them for whoever may read the contact, and asks the person again at most once a day', async () => {
    const person = await createContact(t, { tenantId: a.customerId, types: ['technical', 'billing'] });
    const untouched = await createContact(t, { tenantId: a.customerId, types: ['technical'] });
    const sent = await deliver({ scope_tenant_id: a.customerId });
    const url = oneClickPath(sent.to(person.email)!);
    expect((await oneClick(url, form, 'List-Unsubscribe=One-Click')).statusCode).toBe(200);

    for (const actor of [a.admin, a.readonly, a.customerAdmin, a.client, t.root]) {
      const seen = await t.call(actor, 'GET', `/api/2/contacts/${person.id}/opt-outs`);
      expect(seen.status, actor.name).toBe(200);
      expect(seen.body).toEqual({
        items: [
          { category: 'technical', tenant_id: a.customerId, source: 'unsubscribe', created_at: expect.any(String) },
        ],
      });
    }
    expect((await t.call(a.admin, 'GET', `/api/2/contacts/${untouched.id}/opt-outs`)).body).toEqual({ items: [] });

    // Read-only admins may look but not ask; nothing to ask about is a conflict.
    expect((await t.call(a.readonly, 'POST', `/api/2/contacts/${person.id}/opt-outs/ask-again`)).status).toBe(403);
    const nothing = await t.call(a.admin, 'POST', `/api/2/contacts/${untouched.id}/opt-outs/ask-again`, {});
    expect(nothing.status).toBe(409);
    expect(nothing.body.error.code).toBe('conflict');
    const noBilling = await t.call(a.admin, 'POST', `/api/2/contacts/${person.id}/opt-outs/ask-again`, {
      category: 'billing',
    });
    expect(noBilling.status).toBe(409);

    const asked = await t.call(a.customerAdmin, 'POST', `/api/2/contacts/${person.id}/opt-outs/ask-again`);
    expect(asked.status, JSON.stringify(asked.body)).toBe(204);
    const mail = await smtp.waitFor(
      (m) => m.to[0].toLowerCase() === person.email.toLowerCase() && m.subject.includes('again'),
    );
    expect(mail.subject).toBe('Would you like to receive Technical notices again?');
    expect(rawHeader(mail, 'list-unsubscribe')).toBeUndefined();
    const link = /https:\/\/liaison\.example(\/unsubscribe\/[0-9a-z-]+)/.exec(mail.text)![1];
    // The link leads to the page of the message they opted out from, where they can opt back in.
    const page = await t.call(undefined, 'GET', `/api/2/unsubscribe/${tokenOf(link)}`);
    expect(page.body).toMatchObject({ email: person.email.toLowerCase(), category: 'technical', opted_out: true });

    const soon = await t.call(a.admin, 'POST', `/api/2/contacts/${person.id}/opt-outs/ask-again`, {});
    expect(soon.status).toBe(429);
    const retryAfter = Number(soon.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(23 * 3600);
    expect(retryAfter).toBeLessThanOrEqual(24 * 3600);
    expect(soon.body.error.context.retry_after).toBe(retryAfter);
    const trail = await t.db
      .selectFrom('audit_events')
      .select(['id', 'actor_type', 'after'])
      .where('object_id', '=', person.id)
      .where('action', '=', 'opt_out_ask_again')
      .execute();
    expect(trail).toHaveLength(1);
    expect(trail[0].after).toMatchObject({ category: 'technical' });

    // A day later the person may be asked again.
    await sql`UPDATE audit_events SET created_at = now() - interval '25 hours' WHERE id = ${trail[0].id}`.execute(t.db);
    expect((await t.call(a.admin, 'POST', `/api/2/contacts/${person.id}/opt-outs/ask-again`)).status).toBe(204);
  });

  it('another partner can neither read nor ask', async () => {
    const person = await createContact(t, { tenantId: a.partnerId, types: ['technical'] });
    const sent = await deliver({ scope_tenant_id: a.partnerId });
    expect((await oneClick(oneClickPath(sent.to(person.email)!))).statusCode).toBe(200);
    for (const actor of [b.admin, b.client, b.customerAdmin, a.customerAdmin]) {
      const read = await t.call(actor, 'GET', `/api/2/contacts/${person.id}/opt-outs`);
      expect(read.status, actor.name).toBe(404);
      const ask = await t.call(actor, 'POST', `/api/2/contacts/${person.id}/opt-outs/ask-again`, {});
      expect(ask.status, actor.name).toBe(404);
    }
    expect(
      await t.db
        .selectFrom('audit_events')
        .select('id')
        .where('action', '=', 'opt_out_ask_again')
        .where('object_id', '=', person.id)
        .execute(),
    ).toEqual([]);
  });
});
