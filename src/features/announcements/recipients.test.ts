import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContactType } from '../../platform/db/schema.js';
import { setPassword } from '../setup/bootstrap.service.js';
import { markdownRenders } from './notice.mails.js';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../../../test/support/smtp-server.js';
import { startTestApp, type Actor, type TestApp } from '../../../test/support/test-app.js';

// Who a notice reaches, end to end: announced over HTTP, enqueued and sent by the app's own
// announcement worker into a real SMTP server, and read back from what that server received.

let t: TestApp;
let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
  // Chunks of two tenants: an address met again in a later chunk must be merged into the
  // delivery already enqueued, never sent twice.
  t = await startTestApp({ smtpUrl: smtp.url, enqueueChunkTenants: 2 });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

let seq = 0;
const unique = (base: string) => `${base}-${++seq}`;
const address = (base: string) => `${unique(base)}@example.test`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function tenant(parentId: string, kind = 'customer', fields: Record<string, unknown> = {}) {
  const res = await t.call(t.root, 'POST', '/api/2/tenants', {
    name: unique(`T ${kind}`),
    parent_id: parentId,
    kind,
    ...fields,
  });
  if (res.status !== 201) throw new Error(`create tenant: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; name: string; version: number };
}

async function contact(tenantId: string, types: string[], fields: Record<string, unknown> = {}) {
  const res = await t.call(t.root, 'POST', '/api/2/contacts', {
    tenant_id: tenantId,
    types,
    firstname: 'Grace',
    lastname: unique('Hopper'),
    email: address('contact'),
    ...fields,
  });
  if (res.status !== 201) throw new Error(`create contact: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; email: string; version: number };
}

async function userContact(tenantId: string, types: string[], contactFields: Record<string, unknown> = {}) {
  const login = unique('person');
  const user = await t.call(t.root, 'POST', '/api/2/users', {
    tenant_id: tenantId,
    login,
    contact: { email: `${login}@example.test`, firstname: 'Ada', lastname: 'Lovelace', ...contactFields },
  });
  if (user.status !== 200) throw new Error(`create user: ${user.status} ${JSON.stringify(user.body)}`);
  const linked = await t.call(t.root, 'POST', '/api/2/contacts', { tenant_id: tenantId, user_id: user.body.id, types });
  if (linked.status !== 201) throw new Error(`link contact: ${linked.status} ${JSON.stringify(linked.body)}`);
  return {
    user: user.body as { id: string; login: string; version: number; contact: { email: string } },
    contact: linked.body as { id: string; email: string },
  };
}

const markInvalid = (contactId: string) =>
  t.db.updateTable('contacts').set({ validation_state: 'invalid' }).where('id', '=', contactId).execute();

/** Announces (root by default) and insists on 202. */
async function announce(fields: Record<string, unknown>, actor: Actor = t.root) {
  const subject = unique('Notice');
  const res = await t.call(actor, 'POST', '/api/2/announcements', {
    category: 'technical',
    subject: { en: subject },
    body: { en: `Body of ${subject}` },
    fallback: 'none',
    ...fields,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body as { id: string; recipients: number; subject: { en: string; it?: string } };
}

/** Waits until the announcement is done; answers it as GET shows it. */
async function finished(id: string) {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const res = await t.call(t.root, 'GET', `/api/2/announcements/${id}`);
    expect(res.status).toBe(200);
    if (res.body.status === 'done') return res.body;
    if (Date.now() > deadline) throw new Error(`announcement ${id} not done: ${JSON.stringify(res.body)}`);
    await sleep(25);
  }
}

/** Announces, waits until done, and answers what the SMTP server received for it. */
async function deliver(fields: Record<string, unknown>) {
  const created = await announce(fields);
  const done = await finished(created.id);
  const mails = smtp.received.filter((m) => m.subject.endsWith(created.subject.en));
  return { created, done, mails, to: mails.flatMap((m) => m.to.map((a) => a.toLowerCase())).sort() };
}

/** The tenant names the message says it is sent for (the "why" line). */
function tenantsNamed(mail: ReceivedMail) {
  const match = /(?:contact of|contatto \S+ di): (.*)\.\n/.exec(mail.text);
  if (!match) throw new Error(`no reason line in ${mail.text}`);
  return match[1].split(', ').sort();
}

const lower = (values: string[]) => values.map((v) => v.toLowerCase()).sort();

async function deliveriesOf(id: string) {
  const res = await t.call(t.root, 'GET', `/api/2/announcements/${id}/deliveries`);
  expect(res.status).toBe(200);
  return res.body.items as {
    email: string;
    tenants: { id: string; name: string }[];
    contact_ids: string[];
    status: string;
    language: string;
  }[];
}

describe('category matching', () => {
  it('reaches only the contacts whose types include the category', async () => {
    const p = await tenant(t.rootTenantId, 'partner');
    const c = await tenant(p.id);
    const tech = await contact(p.id, ['technical']);
    const bill = await contact(p.id, ['billing']);
    const both = await contact(c.id, ['billing', 'technical']);
    const business = await contact(c.id, ['management']);
    const bill2 = await contact(c.id, ['billing']);

    const technical = await deliver({ category: 'technical', scope_tenant_id: p.id });
    expect(technical.to).toEqual(lower([tech.email, both.email]));
    expect(technical.created.recipients).toBe(2);
    expect(technical.done).toMatchObject({ recipients: 2, counts: { pending: 0, sent: 2, failed: 0, skipped: 0 } });

    const billing = await deliver({ category: 'billing', scope_tenant_id: p.id });
    expect(billing.to).toEqual(lower([bill.email, both.email, bill2.email]));
    expect(billing.done.counts.sent).toBe(3);

    const management = await deliver({ category: 'management', scope_tenant_id: p.id });
    expect(management.to).toEqual(lower([business.email]));
    expect(management.mails[0].text).toContain('as the Business contact of');
  });

  it("reaches only the scope's subtree, not its siblings or parent", async () => {
    const p = await tenant(t.rootTenantId, 'partner');
    const c1 = await tenant(p.id);
    const c2 = await tenant(p.id);
    await contact(p.id, ['technical']);
    const inside = await contact(c1.id, ['technical']);
    await contact(c2.id, ['technical']);
    const sent = await deliver({ scope_tenant_id: c1.id });
    expect(sent.to).toEqual(lower([inside.email]));
  });
});

describe('one message per address per announcement', () => {
  it('merges an address named by several tenants and contacts (any case, across enqueue chunks) into one message naming them all', async () => {
    const shared = address('ops.team');
    const p = await tenant(t.rootTenantId, 'partner');
    const c1 = await tenant(p.id);
    const u1 = await tenant(c1.id, 'unit');
    const c2 = await tenant(p.id);
    const c3 = await tenant(p.id);
    const named = [
      await contact(p.id, ['technical'], { email: shared }),
      await contact(c1.id, ['technical', 'billing'], { email: shared.toUpperCase() }),
      await contact(u1.id, ['technical'], { email: shared.replace('ops', 'Ops') }),
      await contact(c2.id, ['technical'], { email: shared }),
    ];
    const linked = await userContact(c3.id, ['technical'], { email: shared.toUpperCase() });
    const other = await contact(c2.id, ['technical']);

    const sent = await deliver({ scope_tenant_id: p.id });
    expect(sent.to).toEqual(lower([shared, other.email]));
    expect(sent.created.recipients).toBe(2);
    expect(sent.done).toMatchObject({ recipients: 2, counts: { sent: 2, failed: 0, pending: 0 } });
    const mail = sent.mails.find((m) => m.to[0].toLowerCase() === shared)!;
    expect(tenantsNamed(mail)).toEqual([p.name, c1.name, u1.name, c2.name, c3.name].sort());
    expect(mail.text).toContain('You receive this notice as the Technical contact of: ');
    expect(mail.html).toContain('You receive this notice as the Technical contact of: ');

    const rows = await deliveriesOf(sent.created.id);
    expect(rows).toHaveLength(2);
    const row = rows.find((r) => r.email.toLowerCase() === shared)!;
    expect(row.tenants.map((x) => x.id).sort()).toEqual([p.id, c1.id, u1.id, c2.id, c3.id].sort());
    expect(row.tenants.find((x) => x.id === u1.id)!.name).toBe(u1.name);
    expect(row.contact_ids.sort()).toEqual([...named.map((c) => c.id), linked.contact.id].sort());
  });
});

describe('fallback to the nearest ancestor', () => {
  // P (tech) ─┬─ F folder (tech) ── C3 (none)
  //           ├─ C1 (none) ── U1 unit (none)
  //           ├─ C2 (tech)
  //           └─ C4 (billing only, and a technical contact that bounced)
  async function tree() {
    const p = await tenant(t.rootTenantId, 'partner');
    const f = await tenant(p.id, 'folder');
    const c3 = await tenant(f.id);
    const c1 = await tenant(p.id);
    const u1 = await tenant(c1.id, 'unit');
    const c2 = await tenant(p.id);
    const c4 = await tenant(p.id);
    const pT = await contact(p.id, ['technical']);
    const fT = await contact(f.id, ['technical']);
    const c2T = await contact(c2.id, ['technical']);
    const c4B = await contact(c4.id, ['billing']);
    const c4Bad = await contact(c4.id, ['technical']);
    await markInvalid(c4Bad.id);
    return { p, f, c1, c2, c3, c4, u1, pT, fT, c2T, c4B, c4Bad };
  }

  it("covers a tenant without a deliverable contact by its nearest ancestor's, each message naming the tenants it is for", async () => {
    const w = await tree();
    const sent = await deliver({ scope_tenant_id: w.p.id, fallback: 'ancestor' });
    expect(sent.to).toEqual(lower([w.pT.email, w.fT.email, w.c2T.email]));
    const to = (email: string) => sent.mails.find((m) => m.to[0].toLowerCase() === email.toLowerCase())!;
    expect(tenantsNamed(to(w.pT.email))).toEqual([w.p.name, w.c1.name, w.u1.name, w.c4.name].sort());
    expect(tenantsNamed(to(w.fT.email))).toEqual([w.f.name, w.c3.name].sort());
    expect(tenantsNamed(to(w.c2T.email))).toEqual([w.c2.name]);
    expect(sent.done).toMatchObject({ recipients: 3, counts: { sent: 3, skipped: 1, failed: 0 } });
  });

  it("climbs above the scope to the nearest ancestor with a contact: a scope without contacts of its own reaches its partner's", async () => {
    const w = await tree();
    const sent = await deliver({ scope_tenant_id: w.c1.id, fallback: 'ancestor' });
    expect(sent.to).toEqual(lower([w.pT.email]));
    expect(tenantsNamed(sent.mails[0])).toEqual([w.c1.name, w.u1.name].sort());
    expect(sent.created.recipients).toBe(1);
    expect(sent.done).toMatchObject({ recipients: 1, counts: { pending: 0, sent: 1, failed: 0, skipped: 0 } });

    const folder = await deliver({ scope_tenant_id: w.f.id, fallback: 'ancestor' });
    expect(folder.to).toEqual(lower([w.fT.email]));
    expect(tenantsNamed(folder.mails[0])).toEqual([w.f.name, w.c3.name].sort());
  });

  it('"none" leaves tenants without a contact uncovered', async () => {
    const w = await tree();
    const sent = await deliver({ scope_tenant_id: w.p.id, fallback: 'none' });
    expect(sent.to).toEqual(lower([w.pT.email, w.fT.email, w.c2T.email]));
    const to = (email: string) => sent.mails.find((m) => m.to[0].toLowerCase() === email.toLowerCase())!;
    expect(tenantsNamed(to(w.pT.email))).toEqual([w.p.name]);
    expect(tenantsNamed(to(w.fT.email))).toEqual([w.f.name]);
    expect(sent.done.counts.skipped).toBe(1);
  });

  it('fallback is per category: a tenant with a contact of another category still inherits', async () => {
    const w = await tree();
    const sent = await deliver({ category: 'billing', scope_tenant_id: w.p.id, fallback: 'ancestor' });
    // Only C4 has a billing contact, and nothing above the others has one.
    expect(sent.to).toEqual(lower([w.c4B.email]));
    expect(tenantsNamed(sent.mails[0])).toEqual([w.c4.name]);
  });
});

describe('disabled and deleted tenants', () => {
  it('excludes disabled tenants, everything below them, and deleted ones (also from fallback)', async () => {
    const p = await tenant(t.rootTenantId, 'partner');
    const live = await tenant(p.id);
    const off = await tenant(p.id);
    const below = await tenant(off.id, 'unit');
    const offEmpty = await tenant(p.id);
    const gone = await tenant(p.id);
    const pT = await contact(p.id, ['technical']);
    const liveT = await contact(live.id, ['technical']);
    await contact(off.id, ['technical']);
    await contact(below.id, ['technical']);
    await contact(gone.id, ['technical']);
    for (const x of [off, offEmpty, gone]) {
      const res = await t.call(t.root, 'PUT', `/api/2/tenants/${x.id}`, { version: x.version, enabled: false });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      x.version = res.body.version;
    }
    expect((await t.call(t.root, 'DELETE', `/api/2/tenants/${gone.id}?version=${gone.version}`)).status).toBe(204);

    const sent = await deliver({ scope_tenant_id: p.id, fallback: 'ancestor' });
    expect(sent.to).toEqual(lower([pT.email, liveT.email]));
    expect(tenantsNamed(sent.mails.find((m) => m.to[0].toLowerCase() === pT.email.toLowerCase())!)).toEqual([p.name]);

    const scopeOff = await deliver({ scope_tenant_id: off.id, fallback: 'ancestor' });
    expect(scopeOff.to).toEqual([]);
    expect(scopeOff.done.recipients).toBe(0);
  });

  it('excludes the whole subtree of a disabled partner from a platform-wide notice', async () => {
    const p = await tenant(t.rootTenantId, 'partner');
    const c = await tenant(p.id);
    const hidden = await contact(c.id, ['management']);
    const visible = await contact((await tenant(t.rootTenantId, 'partner')).id, ['management']);
    expect((await t.call(t.root, 'PUT', `/api/2/tenants/${p.id}`, { version: p.version, enabled: false })).status).toBe(
      200,
    );
    const sent = await deliver({ category: 'management', scope_tenant_id: t.rootTenantId });
    expect(sent.to).toContain(visible.email.toLowerCase());
    expect(sent.to).not.toContain(hidden.email.toLowerCase());
  });
});

describe('linked contacts', () => {
  it('use the confirmed address of the user, never a pending one, and the new one once confirmed', async () => {
    const p = await tenant(t.rootTenantId, 'partner');
    const { user, contact: linked } = await userContact(p.id, ['technical']);
    const old = user.contact.email;
    await setPassword(t.db, user.login, 'a-long-password');
    const fresh = address('new-home');
    const { version } = (await t.call(t.root, 'GET', `/api/2/users/${user.id}`)).body;
    const put = await t.call(t.root, 'PUT', `/api/2/users/${user.id}`, { version, contact: { email: fresh } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await t.call(t.root, 'GET', `/api/2/contacts/${linked.id}`)).body).toMatchObject({
      email: old,
      pending_email: fresh,
    });

    const before = await deliver({ scope_tenant_id: p.id });
    expect(before.to).toEqual([old]);
    expect((await deliveriesOf(before.created.id)).map((d) => d.email)).toEqual([old]);

    const confirmation = await smtp.waitFor((m) => m.to.includes(fresh) && /confirm-email\?token=/.test(m.text));
    const token = decodeURIComponent(/confirm-email\?token=([A-Za-z0-9_%.~-]+)/.exec(confirmation.text)![1]);
    const confirmed = await t.call(undefined, 'POST', '/api/2/email-confirmations', { token });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);

    const after = await deliver({ scope_tenant_id: p.id });
    expect(after.to).toEqual([fresh]);
  });
});

describe('invalid contacts', () => {
  it('are skipped and counted; an address still valid for another tenant is sent for that one only', async () => {
    const p = await tenant(t.rootTenantId, 'partner');
    const c1 = await tenant(p.id);
    const c2 = await tenant(p.id);
    const good = await contact(c1.id, ['technical']);
    const bad = await contact(c1.id, ['technical']);
    const shared = address('shared');
    const sharedBad = await contact(c1.id, ['technical'], { email: shared });
    await contact(c2.id, ['technical'], { email: shared });
    await markInvalid(bad.id);
    await markInvalid(sharedBad.id);

    const preview = await t.call(t.root, 'POST', '/api/2/announcements/preview', {
      category: 'technical',
      subject: { en: 's' },
      body: { en: 'b' },
      scope_tenant_id: p.id,
    });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ recipients: 2, skipped: 2 });

    const sent = await deliver({ scope_tenant_id: p.id });
    expect(sent.to).toEqual(lower([good.email, shared]));
    expect(sent.to).not.toContain(bad.email.toLowerCase());
    expect(sent.created.recipients).toBe(2);
    expect(sent.done).toMatchObject({ recipients: 2, counts: { sent: 2, skipped: 2, failed: 0, pending: 0 } });
    expect(tenantsNamed(sent.mails.find((m) => m.to[0] === shared)!)).toEqual([c2.name]);
  });
});

describe('localization', () => {
  it("writes each message in the recipient's language (the person's, then the tenant's), falling back to English", async () => {
    const p = await tenant(t.rootTenantId, 'partner', { language: 'en' });
    const cIt = await tenant(p.id, 'customer', { language: 'it' });
    const cEn = await tenant(p.id, 'customer', { language: 'en' });
    const byTenant = await contact(cIt.id, ['technical']);
    const ownEn = await contact(cIt.id, ['technical'], { language: 'en' });
    const ownIt = await contact(cEn.id, ['technical'], { language: 'it' });
    const plain = await contact(cEn.id, ['technical']);
    const linkedIt = (await userContact(cIt.id, ['technical'])).user.contact.email;

    const subject = { en: unique('Maintenance window'), it: unique('Finestra di manutenzione') };
    const created = await announce({
      scope_tenant_id: p.id,
      subject,
      body: { en: 'The platform **stops** briefly.', it: 'La piattaforma si **ferma** brevemente.' },
    });
    await finished(created.id);
    const mailTo = (email: string) =>
      smtp.received.find(
        (m) => m.to[0].toLowerCase() === email.toLowerCase() && (m.subject === subject.en || m.subject === subject.it),
      )!;
    for (const email of [byTenant.email, ownIt.email, linkedIt]) {
      const mail = mailTo(email);
      expect(mail.subject, email).toBe(subject.it);
      expect(mail.text).toContain('La piattaforma si **ferma** brevemente.');
      expect(mail.text).toContain('Ricevi questo avviso come contatto Tecnico di: ');
      expect(mail.html).toContain('<html lang="it">');
      expect(mail.html).toContain('<strong>ferma</strong>');
    }
    for (const email of [ownEn.email, plain.email]) {
      const mail = mailTo(email);
      expect(mail.subject, email).toBe(subject.en);
      expect(mail.text).toContain('The platform **stops** briefly.');
      expect(mail.text).toContain('You receive this notice as the Technical contact of: ');
      expect(mail.html).toContain('<html lang="en">');
    }
    const languages = Object.fromEntries(
      (await deliveriesOf(created.id)).map((d) => [d.email.toLowerCase(), d.language]),
    );
    expect(languages[byTenant.email.toLowerCase()]).toBe('it');
    expect(languages[ownEn.email.toLowerCase()]).toBe('en');

    // No Italian text (or only half of it): Italian recipients read the English one.
    for (const partial of [{}, { subject: { en: unique('Only English'), it: unique('Solo oggetto') } }]) {
      const english = await deliver({ scope_tenant_id: cIt.id, ...partial });
      expect(english.to).toEqual(lower([byTenant.email, ownEn.email, linkedIt]));
      for (const mail of english.mails) {
        expect(mail.subject).toBe(english.created.subject.en);
        expect(mail.text).toContain(`Body of `);
        expect(mail.text).toContain('You receive this notice as the Technical contact of: ');
      }
    }
  });
});

describe('Markdown body', () => {
  it('is rendered to HTML with raw HTML escaped; the text part keeps the source', async () => {
    const p = await tenant(t.rootTenantId, 'partner', { name: unique('Rossi & <Figli>') });
    const reader = await contact(p.id, ['billing']);
    const body = [
      '## New usage reports',
      '',
      'From **June** the report lists *every* resource.',
      '',
      '- daily totals',
      '- per-tenant split',
      '',
      'Read [the notes](https://example.test/notes).',
      '',
      '<script>alert("x")</script>',
      '',
      '<img src=x onerror="alert(1)">',
      '',
      '[click me](javascript:alert(1))',
    ].join('\n');
    const subject = unique('Usage <reports> & you');
    const sent = await deliver({
      category: 'billing',
      scope_tenant_id: p.id,
      body: { en: body },
      subject: { en: subject },
    });
    expect(sent.to).toEqual([reader.email.toLowerCase()]);
    const { html, text } = sent.mails[0];
    expect(html).toContain('<h2>New usage reports</h2>');
    expect(html).toContain('<strong>June</strong>');
    expect(html).toContain('<em>every</em>');
    expect(html).toMatch(/<li>daily totals<\/li>\s*<li>per-tenant split<\/li>/);
    expect(html).toContain('<a href="https://example.test/notes">the notes</a>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).not.toMatch(/<script|<img|javascript:alert\(1\)"/i);
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain(`<title>${subject.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</title>`);
    expect(html).toContain(
      `Billing contact of: ${p.name.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}.`,
    );
    expect(sent.mails[0].subject).toBe(subject);
    expect(text).toContain(body);
    expect(text).toContain(`Billing contact of: ${p.name}.`);
    expect(text).toContain('You receive this notice as the Billing contact of: ');
  });
});

describe('rendering', () => {
  it('renders the Markdown body once per language for all its recipients, across batches of the worker', async () => {
    const p = await tenant(t.rootTenantId, 'partner');
    const emails = [];
    for (let i = 0; i < 60; i++)
      emails.push((await contact(p.id, ['technical'], i % 4 === 0 ? { language: 'it' } : {})).email);
    const paragraph = 'The platform changes **this** part. ';
    const body = {
      en: `# Notes\n\n${paragraph.repeat(20)}`,
      it: `# Note\n\n${'La piattaforma cambia **questa** parte. '.repeat(20)}`,
    };
    const before = markdownRenders.count;
    const sent = await deliver({
      scope_tenant_id: p.id,
      subject: { en: unique('Long notice'), it: unique('Avviso lungo') },
      body,
    });
    expect(sent.to).toHaveLength(45);
    expect(sent.done).toMatchObject({ recipients: 60, counts: { sent: 60, failed: 0 } });
    expect(markdownRenders.count - before).toBe(2);
    const italian = smtp.received.filter((m) => m.subject === sent.created.subject.it);
    expect(italian).toHaveLength(15);
    expect(italian[0].html).toContain('<h1>Note</h1>');
  });
});

describe('opted-out addresses', () => {
  /** An opt-out as the unsubscribe link writes it (here straight into the table: who asked is not the point). */
  const optOut = (tenantIds: string[], email: string, category: ContactType = 'technical') =>
    t.db
      .insertInto('opt_outs')
      .values(tenantIds.map((id) => ({ tenant_id: id, email: email.toLowerCase(), category, source: 'unsubscribe' })))
      .execute();
  const optedOutCount = async (id: string) =>
    Number(
      (await t.db.selectFrom('announcements').select('opted_out').where('id', '=', id).executeTakeFirstOrThrow())
        .opted_out,
    );

  it('skips an address opted out of the category for its tenant and counts it; other categories and mandatory notices still reach it', async () => {
    const p = await tenant(t.rootTenantId, 'partner');
    const out = await contact(p.id, ['technical', 'billing']);
    const stays = await contact(p.id, ['technical']);
    await optOut([p.id], out.email);

    const preview = await t.call(t.root, 'POST', '/api/2/announcements/preview', {
      category: 'technical',
      scope_tenant_id: p.id,
      subject: { en: 'x' },
      body: { en: 'x' },
      fallback: 'none',
    });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ recipients: 1, opted_out: 1 });
    expect(preview.body.sample.map((s: { email: string }) => s.email)).toEqual([stays.email]);

    const technical = await deliver({ scope_tenant_id: p.id });
    expect(technical.to).toEqual(lower([stays.email]));
    expect(await optedOutCount(technical.created.id)).toBe(1);
    expect((await deliveriesOf(technical.created.id)).map((d) => d.email)).toEqual([stays.email]);

    const billing = await deliver({ category: 'billing', scope_tenant_id: p.id });
    expect(billing.to).toEqual(lower([out.email]));
    expect(await optedOutCount(billing.created.id)).toBe(0);

    const mandatory = await deliver({ scope_tenant_id: p.id, mandatory: true });
    expect(mandatory.to).toEqual(lower([out.email, stays.email]));
    expect(await optedOutCount(mandatory.created.id)).toBe(0);
  });

  it('drops only the opted-out tenants from a shared address, across enqueue chunks, and counts an address opted out everywhere once', async () => {
    const shared = address('shared.desk');
    const p = await tenant(t.rootTenantId, 'partner');
    const customers = [];
    for (let i = 0; i < 4; i++) customers.push(await tenant(p.id));
    for (const c of customers) await contact(c.id, ['technical'], { email: shared });
    // Opted out for the three lowest ids: the chunk of the lowest (chunks of two, by id) names
    // the address only where it opted out, and a later chunk names it for the fourth.
    const [kept, ...out] = [...customers].sort((a, b) => b.id.localeCompare(a.id));
    await optOut(
      out.map((c) => c.id),
      shared,
    );
    const partly = await deliver({ scope_tenant_id: p.id });
    expect(partly.to).toEqual([shared]);
    expect(tenantsNamed(partly.mails[0])).toEqual([kept.name]);
    const [row] = await deliveriesOf(partly.created.id);
    expect(row.tenants.map((x) => x.id)).toEqual([kept.id]);
    expect(row.status).toBe('sent');
    expect(await optedOutCount(partly.created.id)).toBe(0);

    await optOut([kept.id], shared);
    const none = await deliver({ scope_tenant_id: p.id });
    expect(none.to).toEqual([]);
    expect(none.done).toMatchObject({ recipients: 0 });
    expect(await deliveriesOf(none.created.id)).toEqual([]);
    expect(await optedOutCount(none.created.id)).toBe(1);
  });

  it('counts a scheduled notice again when it becomes mandatory: it then reaches the opted-out address too', async () => {
    const p = await tenant(t.rootTenantId, 'partner');
    const out = await contact(p.id, ['technical']);
    await contact(p.id, ['technical']);
    await optOut([p.id], out.email);
    const later = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
    const scheduled = await announce({ scope_tenant_id: p.id, send_at: later });
    expect(scheduled.recipients).toBe(1);
    const changed = await t.call(t.root, 'PATCH', `/api/2/announcements/${scheduled.id}`, { mandatory: true });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.recipients).toBe(2);
    expect((await t.call(t.root, 'POST', `/api/2/announcements/${scheduled.id}/cancel`)).status).toBe(200);
  });

  it('leaves out a tenant reached by fallback whose inherited address opted out for it', async () => {
    const p = await tenant(t.rootTenantId, 'partner');
    const c1 = await tenant(p.id);
    const c2 = await tenant(p.id);
    const inherited = await contact(p.id, ['technical']);
    await optOut([c1.id], inherited.email);
    const sent = await deliver({ scope_tenant_id: p.id, fallback: 'ancestor' });
    expect(sent.to).toEqual(lower([inherited.email]));
    expect(tenantsNamed(sent.mails[0])).toEqual([p.name, c2.name].sort());
    expect(await optedOutCount(sent.created.id)).toBe(0);
  });
});
