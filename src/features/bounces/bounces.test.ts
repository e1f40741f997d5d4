import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnitOfWork } from '../../platform/db/unit-of-work.js';
import { parseMailReport } from '../../platform/mail/dsn.js';
import { reportAbout } from '../../../test/support/bounce-reports.js';
import { loadMailTokens, type MailTokens } from '../../platform/mail/mail-tokens.js';
import {
  createAnnouncement,
  createContact,
  createTenant,
  createUser,
  expectStatus,
  uniqueEmail,
} from '../../../test/support/factories.js';
import { startTestApp, type TestApp } from '../../../test/support/test-app.js';
import { BounceService } from './bounce.service.js';

// The reports applied to real deliveries: the formats of Exchange and Exchange Online, who
// becomes invalid (and who does not), and the reports that must change nothing. The notices
// go to the built-in mailbox; the reports are what a relay would have sent back about them.

let t: TestApp;
let bounces: BounceService;
let tokens: MailTokens;
beforeAll(async () => {
  t = await startTestApp();
  bounces = new BounceService(new UnitOfWork(t.db), 'liaison.test');
  tokens = await loadMailTokens(t.db);
});
afterAll(() => t?.close());

const deliveryOf = async (announcementId: string) => {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const row = await t.db
      .selectFrom('deliveries')
      .selectAll()
      .where('announcement_id', '=', announcementId)
      .executeTakeFirst();
    if (row?.status === 'sent') return row;
    if (Date.now() > deadline) throw new Error(`announcement ${announcementId} was not sent`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** The delivery of an announcement that reached a contact, once sent. */
async function sentTo(announcementId: string, contactId: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const row = await t.db
      .selectFrom('deliveries')
      .selectAll()
      .where('announcement_id', '=', announcementId)
      .where(sql<boolean>`${contactId}::uuid = ANY (contact_ids)`)
      .executeTakeFirst();
    if (row?.status === 'sent') return row;
    if (Date.now() > deadline) throw new Error(`no delivery of ${announcementId} to ${contactId} was sent`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One technical notice to the contacts of `tenantId`, sent (to the built-in mailbox). */
async function noticeTo(tenantId: string) {
  const notice = await createAnnouncement(t, { scopeTenantId: tenantId });
  return deliveryOf(notice.id);
}

async function customerWith(email: string) {
  const partner = await createTenant(t, { kind: 'partner' });
  const customer = await createTenant(t, { parentId: partner.id });
  const contact = await createContact(t, { tenantId: customer.id, types: ['technical'], fields: { email } });
  return { partner, customer, contact };
}

/** A report of test/fixtures/dsn about `delivery`. */
async function report(name: string, delivery: { id: number; email: string }) {
  const raw = reportAbout(name, delivery.email, {
    envelopeFrom: `bounces+${tokens.sign('d', delivery.id)}@bounce.liaison.test`,
    messageId: `<delivery.${delivery.id}@liaison.test>`,
  });
  return parseMailReport(raw);
}

const viaToken = (delivery: { id: number }) => ({ kind: 'd' as const, id: String(delivery.id) });
const contactState = async (id: string) =>
  expectStatus(await t.call(t.root, 'GET', `/api/2/contacts/${id}`), 200, 'get contact').validation_state;
const bounceAudits = (contactId: string) =>
  t.db
    .selectFrom('audit_events')
    .selectAll()
    .where('object_id', '=', contactId)
    .where('action', '=', 'bounce')
    .execute();

describe('applying a permanent bounce', () => {
  it('an Exchange Online report (to the VERP address) fails the delivery and invalidates the contact', async () => {
    const { contact } = await customerWith(uniqueEmail('exo'));
    const delivery = await noticeTo(contact.tenant_id);
    const outcome = await bounces.receiveReport(
      await report('exchange-online-recipient-not-found.eml', delivery),
      viaToken(delivery),
    );
    expect(outcome).toMatchObject({ applied: 'bounce', by: 'token', status: '5.1.10' });
    expect(
      await t.db.selectFrom('deliveries').selectAll().where('id', '=', delivery.id).executeTakeFirst(),
    ).toMatchObject({
      status: 'failed',
      bounce_status: '5.1.10',
      last_error: 'smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
    });
    expect(await contactState(contact.id)).toBe('invalid');
  });

  it('an Exchange 2016 report matched by Message-ID invalidates every contact of the address, each audited', async () => {
    const email = uniqueEmail('mailbox-full');
    const { partner, contact } = await customerWith(email);
    const own = await createContact(t, { tenantId: partner.id, types: ['technical'], fields: { email } });
    const delivery = await noticeTo(partner.id);
    expect(delivery.contact_ids.sort()).toEqual([contact.id, own.id].sort());
    const outcome = await bounces.receiveReport(await report('exchange-2016-mailbox-full.eml', delivery), null);
    expect(outcome).toMatchObject({ applied: 'bounce', by: 'message-id', status: '5.2.2' });
    for (const c of [contact, own]) {
      expect(await contactState(c.id)).toBe('invalid');
      expect(await bounceAudits(c.id)).toHaveLength(1);
    }
    // The same report again (relays do resend): nothing more to change or to audit.
    await bounces.receiveReport(await report('exchange-2016-mailbox-full.eml', delivery), null);
    expect(await bounceAudits(contact.id)).toHaveLength(1);
  });

  it("invalidates a user's contact through the user's address, and spares a contact whose address changed since", async () => {
    const { customer } = await customerWith(uniqueEmail('bystander'));
    const user = await createUser(t, { tenantId: customer.id });
    const linked = await createContact(t, {
      tenantId: customer.id,
      types: ['technical'],
      fields: { user_id: user.id, firstname: undefined, lastname: undefined, email: undefined },
    });
    const moved = await createContact(t, { tenantId: customer.id, types: ['technical'] });
    const notice = await createAnnouncement(t, { scopeTenantId: customer.id });
    const sent = [await sentTo(notice.id, linked.id), await sentTo(notice.id, moved.id)];
    // The moved contact gets a new address before the bounce of its old one comes back.
    const current = expectStatus(await t.call(t.root, 'GET', `/api/2/contacts/${moved.id}`), 200, 'get contact');
    expectStatus(
      await t.call(t.root, 'PUT', `/api/2/contacts/${moved.id}`, {
        version: current.version,
        email: uniqueEmail('new'),
      }),
      200,
      'change address',
    );
    for (const delivery of sent)
      await bounces.receiveReport(await report('postfix-user-unknown.eml', delivery), viaToken(delivery));
    expect(await contactState(linked.id)).toBe('invalid');
    expect(await contactState(moved.id)).toBe('valid');
    expect(await bounceAudits(moved.id)).toHaveLength(0);
    const movedDelivery = await t.db
      .selectFrom('deliveries')
      .selectAll()
      .where('id', '=', sent[1].id)
      .executeTakeFirstOrThrow();
    expect(movedDelivery).toMatchObject({ status: 'failed', bounce_status: '5.1.1' });
  });
});

describe('reports that change nothing', () => {
  it('a cancelled delivery, a delivery that does not exist, a delivered action, a feedback type other than abuse', async () => {
    const { contact } = await customerWith(uniqueEmail('untouched'));
    const delivery = await noticeTo(contact.tenant_id);
    const postfix = await report('postfix-user-unknown.eml', delivery);

    const delivered = await report('postfix-user-unknown.eml', delivery);
    if (delivered.type === 'delivery-status') delivered.recipients[0].action = 'delivered';
    expect(await bounces.receiveReport(delivered, viaToken(delivery))).toMatchObject({ applied: 'nothing' });

    const fraud = await report('arf-yahoo-abuse.eml', delivery);
    if (fraud.type === 'feedback') fraud.feedbackType = 'fraud';
    expect(await bounces.receiveReport(fraud, null)).toMatchObject({
      applied: 'nothing',
      reason: 'feedback type fraud',
    });

    const missing = { kind: 'd' as const, id: '999999999' };
    expect(await bounces.receiveReport(postfix, missing)).toMatchObject({
      applied: 'nothing',
      reason: 'no such message',
    });

    await t.db.updateTable('deliveries').set({ status: 'cancelled' }).where('id', '=', delivery.id).execute();
    expect(await bounces.receiveReport(postfix, viaToken(delivery))).toMatchObject({ applied: 'nothing' });
    expect(
      await t.db.selectFrom('deliveries').selectAll().where('id', '=', delivery.id).executeTakeFirst(),
    ).toMatchObject({
      status: 'cancelled',
      bounced_at: null,
      complained_at: null,
    });
    expect(await contactState(contact.id)).toBe('valid');
    expect(await t.db.selectFrom('opt_outs').selectAll().where('email', '=', delivery.email).execute()).toEqual([]);
  });

  it('an out-of-office reply, and a report of another installation (its Message-ID host)', async () => {
    const { contact } = await customerWith(uniqueEmail('other-host'));
    const delivery = await noticeTo(contact.tenant_id);
    expect(await bounces.receiveReport(await report('auto-reply.eml', delivery), viaToken(delivery))).toMatchObject({
      applied: 'nothing',
    });
    const elsewhere = new BounceService(new UnitOfWork(t.db), 'other.example');
    expect(await elsewhere.receiveReport(await report('gmail-address-not-found.eml', delivery), null)).toMatchObject({
      applied: 'nothing',
      reason: 'names no message of ours',
    });
    expect(await contactState(contact.id)).toBe('valid');
  });
});
