import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnnouncement, createContact, createTenant, uniqueEmail } from '../../../test/support/factories.js';
import { startTestApp, type TestApp } from '../../../test/support/test-app.js';
import { optOutByDelivery } from './opt-out.service.js';

// optOutByDelivery is what every way of opting out calls (the one-click link, a mailto
// unsubscribe, an abuse complaint read by the inbound listener), inside the caller's transaction.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

/** The delivery of an announcement to an address, once the worker has enqueued it. */
async function deliveryTo(announcementId: string, email: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const row = await t.db
      .selectFrom('deliveries')
      .select(['id', 'tenant_ids'])
      .where('announcement_id', '=', announcementId)
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst();
    if (row) return row;
    if (Date.now() > deadline) throw new Error(`no delivery of ${announcementId} to ${email}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const optOutsOf = (email: string) =>
  t.db.selectFrom('opt_outs').selectAll().where('email', '=', email.toLowerCase()).orderBy('tenant_id').execute();

const auditOf = (email: string) =>
  t.db
    .selectFrom('audit_events')
    .selectAll()
    .where('action', 'in', ['opt_out', 'opt_in'])
    .where(sql<boolean>`after ->> 'email' = ${email.toLowerCase()}`)
    .orderBy('id')
    .execute();

describe('optOutByDelivery', () => {
  it("opts the delivery's address out of its category for every tenant it was sent for, once, with an audit entry each", async () => {
    const partner = await createTenant(t, { kind: 'partner' });
    const customer = await createTenant(t, { parentId: partner.id });
    const email = uniqueEmail('Mixed.Case');
    const own = await createContact(t, { tenantId: partner.id, types: ['technical'], fields: { email } });
    const again = await createContact(t, { tenantId: customer.id, types: ['technical'], fields: { email } });
    const notice = await createAnnouncement(t, { scopeTenantId: partner.id });
    const delivery = await deliveryTo(notice.id, email);

    const outcome = await t.db.transaction().execute((trx) => optOutByDelivery(trx, delivery.id, 'complaint'));
    expect(outcome).toMatchObject({ email: email.toLowerCase(), category: 'technical' });
    expect(outcome!.changed.sort()).toEqual([partner.id, customer.id].sort());
    const rows = await optOutsOf(email);
    expect(rows.map((r) => [r.tenant_id, r.category, r.source, Number(r.delivery_id)]).sort()).toEqual(
      [
        [partner.id, 'technical', 'complaint', delivery.id],
        [customer.id, 'technical', 'complaint', delivery.id],
      ].sort(),
    );
    const audit = await auditOf(email);
    expect(audit.map((a) => [a.tenant_id, a.object_type, a.object_id, a.actor_type]).sort()).toEqual(
      [
        [partner.id, 'contact', own.id, 'system'],
        [customer.id, 'contact', again.id, 'system'],
      ].sort(),
    );
    expect(audit[0].after).toMatchObject({ category: 'technical', source: 'complaint' });

    // Again (a second click, the same complaint twice): nothing changes, nothing more in the trail.
    const twice = await t.db.transaction().execute((trx) => optOutByDelivery(trx, String(delivery.id), 'unsubscribe'));
    expect(twice!.changed).toEqual([]);
    expect((await optOutsOf(email)).map((r) => r.source)).toEqual(['complaint', 'complaint']);
    expect(await auditOf(email)).toHaveLength(2);
  });

  it('answers null for an unknown or malformed delivery id and writes nothing', async () => {
    const before = await t.db
      .selectFrom('opt_outs')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    for (const id of [987654321, '987654321', 'd1', '1; DROP TABLE opt_outs', '']) {
      expect(await t.db.transaction().execute((trx) => optOutByDelivery(trx, id, 'mailto'))).toBeNull();
    }
    const after = await t.db
      .selectFrom('opt_outs')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('rolls back with the caller: an opt-out written in a transaction that fails is not kept', async () => {
    const customer = await createTenant(t);
    const contact = await createContact(t, { tenantId: customer.id, types: ['technical'] });
    const notice = await createAnnouncement(t, { scopeTenantId: customer.id });
    const delivery = await deliveryTo(notice.id, contact.email);
    await expect(
      t.db.transaction().execute(async (trx) => {
        await optOutByDelivery(trx, delivery.id, 'mailto');
        throw new Error('the caller failed after');
      }),
    ).rejects.toThrow('the caller failed after');
    expect(await optOutsOf(contact.email)).toEqual([]);
    expect(await auditOf(contact.email)).toEqual([]);
  });
});
