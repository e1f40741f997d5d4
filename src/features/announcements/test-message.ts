import { sql } from 'kysely';
import { assertWritable, tenantAccess } from '../../platform/access.js';
import type { Db } from '../../platform/db/database.js';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import type { ContactType } from '../../platform/db/schema.js';
import { invalidField, tooManyRequests } from '../../platform/errors.js';
import type { Principal } from '../../platform/scope.js';
import type { ContactService } from '../contacts/contact.service.js';
import { insertTestMessage } from './announcement.repository.js';
import { categoryLabel } from './notice.mails.js';

export interface TestMessageLimits {
  /** Least seconds between two test messages to one contact (0: no limit). */
  testMessageContactSeconds: number;
  /** Test messages one caller may send per window (0: no limit). */
  testMessageCallerLimit: number;
  testMessageCallerWindowSeconds: number;
}

const tooMany = (retryAfter: number, what: string) =>
  tooManyRequests(`Too many test messages ${what}: try again in ${retryAfter} s`, retryAfter, 'announcements');

/**
 * Test messages go to addresses nobody may have confirmed: bounded per contact and per caller.
 * Both are counted from the test messages themselves, under locks (caller, then contact) held
 * to the end of the transaction, so simultaneous requests cannot slip past the count.
 */
async function checkLimits(db: Db, principal: Principal, contactId: string, limits: TestMessageLimits) {
  await sql`SELECT pg_advisory_xact_lock(hashtext('liaison.test-messages'), hashtext(${principal.id}))`.execute(db);
  await sql`SELECT pg_advisory_xact_lock(hashtext('liaison.test-messages'), hashtext(${contactId}))`.execute(db);
  // The clock after the locks, not now(): now() is when this transaction began, which can be
  // before a competing one that held the lock wrote its message (a wait past the window).
  const wait = (since: string, window: number) =>
    sql<number>`ceil(extract(epoch FROM ${sql.raw(since)} + make_interval(secs => ${window}) - clock_timestamp()))::int`;
  if (limits.testMessageContactSeconds > 0) {
    const window = limits.testMessageContactSeconds;
    const { rows } = await sql<{ wait: number | null }>`
      SELECT ${wait('max(a.created_at)', window)} AS wait FROM deliveries d JOIN announcements a ON a.id = d.announcement_id
      WHERE a.test AND d.contact_ids @> ARRAY[${contactId}::uuid] AND a.created_at > clock_timestamp() - make_interval(secs => ${window})`.execute(
      db,
    );
    if (rows[0]?.wait != null) throw tooMany(Math.max(1, rows[0].wait), 'to this contact');
  }
  if (limits.testMessageCallerLimit > 0) {
    const window = limits.testMessageCallerWindowSeconds;
    const { rows } = await sql<{ n: number; wait: number | null }>`
      SELECT count(*)::int AS n, ${wait('min(created_at)', window)} AS wait FROM announcements
      WHERE test AND created_by_type = ${principal.kind} AND created_by_id = ${principal.id}::uuid
        AND created_at > clock_timestamp() - make_interval(secs => ${window})`.execute(db);
    if (rows[0] && rows[0].n >= limits.testMessageCallerLimit)
      throw tooMany(Math.max(1, rows[0].wait ?? window), 'from you');
  }
}

/**
 * A short notice of one of its types to one contact, to check that its address receives
 * them. It is a delivery like any other — an announcement to that contact alone, sent by the
 * announcement worker — so it is retried, shows in the contact's history, and a permanent
 * failure marks the contact invalid.
 */
export async function sendTestMessage(
  { uow, contacts, limits }: { uow: UnitOfWork; contacts: ContactService; limits: TestMessageLimits },
  principal: Principal,
  contactId: string,
  type: ContactType,
) {
  await uow.run(async (trx, after) => {
    const contact = await contacts.get(principal, contactId, trx);
    await assertWritable(trx, principal, contact.tenant_id);
    // The message says "as the <type> contact of …": only true for a type it holds.
    if (!contact.types.includes(type))
      throw invalidField('type', `must be one of the contact's types (${contact.types.join(', ')})`);
    await checkLimits(trx, principal, contact.id, limits);
    const tenant = await tenantAccess(trx, principal, contact.tenant_id, 'read');
    const label = { en: categoryLabel.en[type], it: categoryLabel.it[type] };
    await insertTestMessage(trx, {
      tenantId: contact.tenant_id,
      contactId: contact.id,
      category: type,
      address: contact.email!,
      language: contact.language ?? tenant.language ?? 'en',
      createdBy: { type: principal.kind, id: principal.id },
      subject: { en: `${label.en} notices reach you`, it: `Gli avvisi ${label.it} ti raggiungono` },
      body: {
        en: `This is a test message. When the platform announces a change of the ${label.en} kind, the notice comes to this address.`,
        it: `Questo è un messaggio di prova. Quando la piattaforma annuncia un cambiamento di tipo ${label.it}, l'avviso arriva a questo indirizzo.`,
      },
    });
    after.wake('notices');
  });
}
