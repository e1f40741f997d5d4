import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpServer, type TestSmtpServer } from '../../../test/support/smtp-server.js';
import {
  createPartnerWorld,
  startTestApp,
  type Actor,
  type PartnerWorld,
  type TestApp,
} from '../../../test/support/test-app.js';
import { expectError } from '../../../test/support/expect-error.js';

// A notice's preview renders its mail in each language; English is optional only when every recipient reads Italian.

let t: TestApp;
let smtp: TestSmtpServer;
let p: PartnerWorld;
let other: PartnerWorld;
let italian: { id: string; name: string };
let mixed: { id: string; name: string };
beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp({ smtpUrl: smtp.url });
  p = await createPartnerWorld(t, 'A');
  other = await createPartnerWorld(t, 'B');
  italian = await tenant(p.partnerId, 'it');
  await contact(italian.id, {});
  await contact(italian.id, { language: 'it' });
  mixed = await tenant(p.partnerId, 'it');
  await contact(mixed.id, {});
  await contact(mixed.id, { language: 'en' });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

let seq = 0;
const unique = (base: string) => `${base}-${++seq}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function tenant(parentId: string, language: string) {
  const body = { name: unique('Cliente'), parent_id: parentId, kind: 'customer', language };
  const res = await t.call(t.root, 'POST', '/api/2/tenants', body);
  if (res.status !== 201) throw new Error(`create tenant: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; name: string };
}

async function contact(tenantId: string, fields: Record<string, unknown>) {
  const res = await t.call(t.root, 'POST', '/api/2/contacts', {
    tenant_id: tenantId,
    types: ['technical'],
    firstname: 'Ada',
    lastname: unique('Rossi'),
    email: `${unique('c')}@example.test`,
    ...fields,
  });
  if (res.status !== 201) throw new Error(`create contact: ${res.status} ${JSON.stringify(res.body)}`);
}

const notice = (scope: string, subject: Record<string, string>, body: Record<string, string>) => ({
  category: 'technical',
  scope_tenant_id: scope,
  subject,
  body,
});
const italianOnly = (scope: string) => {
  const subject = unique('Manutenzione');
  return notice(scope, { it: subject }, { it: `**Fermo** del servizio: ${subject}` });
};
const preview = (actor: Actor, body: unknown) => t.call(actor, 'POST', '/api/2/announcements/preview', body);
const post = (actor: Actor, body: unknown) => t.call(actor, 'POST', '/api/2/announcements', body);

describe('the rendered preview', () => {
  it('renders each language as the mail shows it, escaping HTML and dropping unsafe links', async () => {
    const body = [
      '# Maintenance',
      '<script>alert(1)</script> <img src=x onerror=alert(2)>',
      '[click](javascript:alert(3)) and [docs](https://example.test/docs)',
    ].join('\n\n');
    const res = await preview(
      p.admin,
      notice(mixed.id, { en: 'Planned <b>work</b>', it: 'Lavori' }, { en: body, it: '_Lavori_ programmati' }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { en, it: ita } = res.body.rendered;
    expect(en.subject).toBe('Planned <b>work</b>');
    expect(en.html).toContain('<h1>Maintenance</h1>');
    expect(en.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(en.html).not.toMatch(/<script|<img|href="javascript:/i);
    expect(en.html).toContain('[click](javascript:alert(3))'); // left as plain text, not a link
    expect(en.html).toContain('<a href="https://example.test/docs">docs</a>');
    expect(en.html).toContain('<title>Planned &lt;b&gt;work&lt;/b&gt;</title>');
    expect(en.html).toContain(`Technical contact of: ${mixed.name}.`);
    expect(ita.html).toContain('<em>Lavori</em> programmati');
    expect(ita.html).toContain(`contatto Tecnico di: ${mixed.name}.`);
    expect(res.body.by_language).toEqual({ en: 1, it: 1 });
  });

  it('renders only the languages written', async () => {
    const res = await preview(p.admin, notice(mixed.id, { en: 'Only English' }, { en: 'Hello *there*' }));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.rendered)).toEqual(['en']);
    expect(res.body.rendered.en.html).toContain('Hello <em>there</em>');
  });
});

describe('English is required unless every recipient reads Italian', () => {
  it('accepts a notice in Italian alone when all recipients read Italian, and sends it in Italian', async () => {
    const body = italianOnly(italian.id);
    const pv = await preview(p.admin, body);
    expect(pv.status, JSON.stringify(pv.body)).toBe(200);
    expect(pv.body).toMatchObject({ recipients: 2, by_language: { en: 0, it: 2 } });
    expect(Object.keys(pv.body.rendered)).toEqual(['it']);
    const created = await post(p.admin, body);
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    expect(created.body.subject).toEqual({ it: body.subject.it });
    const deadline = Date.now() + 30_000;
    while (smtp.received.filter((m) => m.subject === body.subject.it).length < 2 && Date.now() < deadline)
      await sleep(25);
    const mails = smtp.received.filter((m) => m.subject === body.subject.it);
    expect(mails).toHaveLength(2);
    for (const mail of mails) expect(mail.html).toContain('<strong>Fermo</strong> del servizio');
  });

  it('refuses (400 naming subject.en and body.en) when some recipient reads English', async () => {
    for (const send of [preview, post]) {
      const res = await send(p.admin, italianOnly(mixed.id));
      expectError(res, 400, 'validation_failed', 'subject.en');
      expect(res.body.error.context.fields).toEqual(['subject.en', 'body.en']);
      expect(res.body.error.message).toContain('English is required: 1 recipient reads English');
    }
  });

  it('names the missing half of a language and a notice in no language', async () => {
    const cases: [Record<string, string>, Record<string, string>, string][] = [
      [{ en: 'Subject' }, { it: 'Corpo' }, 'body.en'],
      [{ it: 'Oggetto' }, { en: 'Body', it: 'Corpo' }, 'subject.en'],
      [{ it: 'Oggetto' }, {}, 'subject.en'],
      [{}, {}, 'subject.en'],
    ];
    for (const [subject, body, field] of cases) {
      const res = await preview(p.admin, notice(italian.id, subject, body));
      expectError(res, 400, 'validation_failed', field);
      expect(res.body.error.message).toContain(field);
    }
  });

  it('keeps the rule when a scheduled notice is changed', async () => {
    const sendAt = new Date(Date.now() + 3_600_000).toISOString();
    const base = notice(mixed.id, { en: 'Later', it: 'Dopo' }, { en: 'Body', it: 'Corpo' });
    const created = await post(p.admin, { ...base, send_at: sendAt });
    expect(created.status).toBe(202);
    const patch = (body: unknown) => t.call(p.admin, 'PATCH', `/api/2/announcements/${created.body.id}`, body);
    expectError(
      await patch({ subject: { it: 'Dopo' }, body: { it: 'Corpo' } }),
      400,
      'validation_failed',
      'subject.en',
    );
    const onlyItalian = await post(p.admin, { ...italianOnly(italian.id), send_at: sendAt });
    expect(onlyItalian.status).toBe(202);
    const edited = await t.call(p.admin, 'PATCH', `/api/2/announcements/${onlyItalian.body.id}`, {
      subject: { it: 'Nuovo oggetto' },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.subject).toEqual({ it: 'Nuovo oggetto' });
  });

  it("tells another partner nothing about a partner's tenant (404) and counts no one for it", async () => {
    for (const send of [preview, post]) {
      expectError(await send(other.admin, italianOnly(mixed.id)), 404, 1005);
      expectError(await send(other.admin, italianOnly(italian.id)), 404, 1005);
    }
  });
});
