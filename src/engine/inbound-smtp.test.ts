import { readFileSync } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMail } from '../platform/mail/outbox.repository.js';
import { relay, reportAbout } from '../../test/support/bounce-reports.js';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../../test/support/smtp-server.js';
import { startTestApp, type Answer, type TestApp } from '../../test/support/test-app.js';
import { Workers } from './workers.js';

// End to end over real SMTP: the app sends a notice through an SMTP server with a VERP
// envelope sender; the test, playing the relay, hands the report it would write back to the
// inbound listener over SMTP; the delivery, the contact, the audit trail and the opt-outs show it.

const bounceDomain = 'bounce.liaison.test';
let t: TestApp;
let sink: TestSmtpServer;
let listener: Workers;
let port: number;
let partnerId: string;

beforeAll(async () => {
  sink = await startSmtpServer();
  t = await startTestApp({ smtpUrl: sink.url, bounceDomain, inboundSmtpPort: 0, inboundSmtpHost: '127.0.0.1' });
  // The listener as a process opens it (startServer and the worker process call listen).
  listener = new Workers();
  await listener.listen(t.db, t.config, t.app.log);
  port = listener.inbound!.port;
  partnerId = ok(
    await t.call(t.root, 'POST', '/api/2/tenants', {
      name: 'Bounce partner',
      parent_id: t.rootTenantId,
      kind: 'partner',
    }),
    201,
  ).id;
});
afterAll(async () => {
  await listener?.stop();
  await t?.close();
  await sink?.close();
});

function ok<T = any>(res: Answer<T>, status = 200): T {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

let seq = 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const deliveryRow = (announcementId: string) =>
  t.db.selectFrom('deliveries').selectAll().where('announcement_id', '=', announcementId).executeTakeFirstOrThrow();

interface SentNotice {
  email: string;
  tenantId: string;
  contactId: string;
  announcementId: string;
  mail: ReceivedMail;
}

/** A technical notice to one new contact of a new customer, sent and received by the sink. */
async function sentNotice(label: string): Promise<SentNotice> {
  const n = ++seq;
  const email = `${label}-${n}@example.net`;
  const customer = ok(
    await t.call(t.root, 'POST', '/api/2/tenants', { name: `Customer ${n}`, parent_id: partnerId, kind: 'customer' }),
    201,
  );
  const contact = ok(
    await t.call(t.root, 'POST', '/api/2/contacts', {
      tenant_id: customer.id,
      types: ['technical'],
      firstname: 'Gus',
      lastname: `Ghost ${n}`,
      email,
    }),
    201,
  );
  const announcement = ok(
    await t.call(t.root, 'POST', '/api/2/announcements', {
      category: 'technical',
      subject: { en: `Maintenance ${n}` },
      body: { en: 'The portal is read-only on Saturday.' },
      fallback: 'none',
      scope_tenant_id: customer.id,
    }),
    202,
  );
  const mail = await sink.waitFor((m) => m.to.includes(email), 20_000);
  await until(
    () => deliveryRow(announcement.id),
    (d) => d.status === 'sent',
    'the delivery to be recorded sent',
  );
  return { email, tenantId: customer.id, contactId: contact.id, announcementId: announcement.id, mail };
}

const contactOf = async (sent: SentNotice) => ok(await t.call(t.root, 'GET', `/api/2/contacts/${sent.contactId}`));
const auditOf = async (sent: SentNotice) =>
  ok(await t.call(t.root, 'GET', `/api/2/audit?tenant_id=${sent.tenantId}&object_id=${sent.contactId}`)).items as any[];
const optOutsOf = (email: string) => t.db.selectFrom('opt_outs').selectAll().where('email', '=', email).execute();

describe('the listener', () => {
  it('advertises its size limit and offers no AUTH', async () => {
    const lines = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
        if (/^220 /m.test(text) && !text.includes('EHLO sent')) {
          text += 'EHLO sent\n';
          socket.write('EHLO relay.example.org\r\n');
        } else if (/^250 /m.test(text)) {
          socket.end('QUIT\r\n');
          resolve(text);
        }
      });
      socket.on('error', reject);
    });
    expect(lines).toMatch(/^250[- ]SIZE 1048576\r?$/m);
    expect(lines).not.toMatch(/AUTH/);
    expect(lines).not.toMatch(/STARTTLS/);
  });

  it('refuses recipients outside the bounce domain (550) and unknown local parts', async () => {
    const sent = await sentNotice('foreign');
    const raw = reportAbout('postfix-user-unknown.eml', sent.email, sent.mail);
    const outside = await relay(port, [sent.mail.envelopeFrom.replace(bounceDomain, 'other.example')], raw);
    expect(outside).toMatchObject({ ok: false, code: 550 });
    expect(await relay(port, ['someone@example.com'], raw)).toMatchObject({ ok: false, code: 550 });
    expect(await relay(port, [`info@${bounceDomain}`], raw)).toMatchObject({ ok: false, code: 550 });
    expect((await deliveryRow(sent.announcementId)).status).toBe('sent');
  });

  it('refuses a message over the size limit (552) and changes nothing', async () => {
    const sent = await sentNotice('oversized');
    const padding = `${'x'.repeat(998)}\r\n`.repeat(1100);
    const raw = reportAbout('postfix-user-unknown.eml', sent.email, sent.mail).replace(
      'The portal is read-only',
      `${padding}The portal`,
    );
    expect(Buffer.byteLength(raw)).toBeGreaterThan(1024 * 1024);
    expect(await relay(port, [sent.mail.envelopeFrom], raw)).toMatchObject({ ok: false, code: 552 });
    expect(await deliveryRow(sent.announcementId)).toMatchObject({ status: 'sent', bounced_at: null });
  });
});

describe('bounces', () => {
  it('a Postfix DSN to the VERP address fails the delivery with its diagnostic, invalidates the contact, and is audited', async () => {
    const sent = await sentNotice('postfix');
    expect(sent.mail.envelopeFrom).toMatch(new RegExp(`^bounces\\+d\\d+-[0-9a-f]{32}@${bounceDomain}$`));
    expect(
      await relay(port, [sent.mail.envelopeFrom], reportAbout('postfix-user-unknown.eml', sent.email, sent.mail)),
    ).toMatchObject({
      ok: true,
    });

    const delivery = await deliveryRow(sent.announcementId);
    expect(delivery).toMatchObject({ status: 'failed', bounce_status: '5.1.1', bounced_at: expect.any(Date) });
    expect(delivery.last_error).toBe(
      `smtp; 550 5.1.1 <${sent.email}>: Recipient address rejected: User unknown in virtual mailbox table`,
    );
    expect((await contactOf(sent)).validation_state).toBe('invalid');
    const bounce = (await auditOf(sent)).find((e) => e.action === 'bounce');
    expect(bounce).toMatchObject({
      object_type: 'contact',
      actor: { type: 'system', id: null },
      before: { validation_state: 'valid' },
      after: { validation_state: 'invalid', status: '5.1.1', delivery_id: Number(delivery.id) },
    });
    const announcement = ok(await t.call(t.root, 'GET', `/api/2/announcements/${sent.announcementId}`));
    expect(announcement.counts).toMatchObject({ sent: 0, failed: 1 });
  });

  it('a Gmail DSN to the bounce mailbox is matched by the original Message-ID and its recipient', async () => {
    const sent = await sentNotice('gmail');
    const answer = await relay(
      port,
      [`bounces@${bounceDomain}`],
      reportAbout('gmail-address-not-found.eml', sent.email, sent.mail),
    );
    expect(answer).toMatchObject({ ok: true });
    expect(await deliveryRow(sent.announcementId)).toMatchObject({ status: 'failed', bounce_status: '5.1.1' });
    expect((await contactOf(sent)).validation_state).toBe('invalid');
  });

  it('a forged token is refused at RCPT, and a Message-ID naming another address changes nothing', async () => {
    const sent = await sentNotice('forged');
    const raw = reportAbout('postfix-user-unknown.eml', sent.email, sent.mail);
    const forged = sent.mail.envelopeFrom.replace(/-[0-9a-f]{32}@/, `-${'0'.repeat(32)}@`);
    expect(await relay(port, [forged], raw)).toMatchObject({ ok: false, code: 550 });
    const other = await sentNotice('forged-other');
    // A report about this notice's Message-ID that names the other notice's address.
    const mismatched = reportAbout('gmail-address-not-found.eml', other.email, sent.mail);
    expect(await relay(port, [`bounces@${bounceDomain}`], mismatched)).toMatchObject({ ok: true });
    for (const s of [sent, other]) {
      expect(await deliveryRow(s.announcementId)).toMatchObject({
        status: 'sent',
        bounced_at: null,
        bounce_status: null,
      });
      expect((await contactOf(s)).validation_state).toBe('valid');
    }
  });

  it('a delay is noted and fails nothing', async () => {
    const sent = await sentNotice('delayed');
    expect(
      await relay(port, [sent.mail.envelopeFrom], reportAbout('postfix-delayed.eml', sent.email, sent.mail)),
    ).toMatchObject({ ok: true });
    expect(await deliveryRow(sent.announcementId)).toMatchObject({
      status: 'sent',
      bounce_status: '4.4.1',
      bounced_at: null,
    });
    expect((await contactOf(sent)).validation_state).toBe('valid');
  });

  it('a bounce of transactional mail fails its outbox row with the diagnostic', async () => {
    const email = `activation-${++seq}@example.net`;
    const id = await enqueueMail(t.db, {
      tenantId: t.rootTenantId,
      kind: 'test',
      to: email,
      subject: 'Activate your account',
      text: 'Open the link to activate your account.',
      html: '<p>Open the link to activate your account.</p>',
    });
    const mail = await sink.waitFor((m) => m.to.includes(email), 20_000);
    expect(mail.envelopeFrom).toMatch(new RegExp(`^bounces\\+m${id}-[0-9a-f]{32}@${bounceDomain}$`));
    expect(mail.parsed.headers.has('list-unsubscribe')).toBe(false);
    const row = () => t.db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    await until(row, (r) => r.status === 'sent', 'the mail to be sent');
    const answer = await relay(port, [mail.envelopeFrom], reportAbout('postfix-user-unknown.eml', email, mail));
    expect(answer).toMatchObject({ ok: true });
    expect(await row()).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/^smtp; 550 5\.1\.1 /) });
  });
});

describe('complaints and mailto unsubscribes', () => {
  it("an abuse report (Yahoo's feedback loop) marks the delivery and opts the address out of the category", async () => {
    const sent = await sentNotice('complaint');
    const answer = await relay(
      port,
      [`bounces@${bounceDomain}`],
      reportAbout('arf-yahoo-abuse.eml', sent.email, sent.mail),
    );
    expect(answer).toMatchObject({ ok: true });
    expect((await deliveryRow(sent.announcementId)).complained_at).toEqual(expect.any(Date));
    expect(await optOutsOf(sent.email)).toMatchObject([
      { tenant_id: sent.tenantId, category: 'technical', source: 'complaint' },
    ]);
    // A complaint is no bounce: the address still works.
    expect((await contactOf(sent)).validation_state).toBe('valid');
  });

  it("a mail to the notice's List-Unsubscribe mailto: address opts the address out", async () => {
    const sent = await sentNotice('mailto');
    const header = sent.mail.parsed.headerLines.find((h) => h.key === 'list-unsubscribe')?.line ?? '';
    const mailto = /<mailto:([^?>]+)\?subject=unsubscribe>/.exec(header)?.[1];
    expect(mailto).toMatch(new RegExp(`^unsubscribe\\+d\\d+-[0-9a-f]{32}@${bounceDomain}$`));
    const apple = readFileSync(new URL('../../test/fixtures/dsn/mailto-unsubscribe-apple.eml', import.meta.url), 'utf8')
      .replace(/^To: .*$/m, `To: ${mailto}`)
      .replace(/^From: .*$/m, `From: ${sent.email}`);
    expect(await relay(port, [mailto!], apple, sent.email)).toMatchObject({ ok: true });
    expect(await optOutsOf(sent.email)).toMatchObject([
      { tenant_id: sent.tenantId, category: 'technical', source: 'mailto' },
    ]);
    // The bounce token is no unsubscribe token: used as one, it is refused.
    const wrongPurpose = mailto!.replace(/^unsubscribe\+/, 'bounces+');
    expect(await relay(port, [wrongPurpose], apple, sent.email)).toMatchObject({ ok: false, code: 550 });
  });
});
