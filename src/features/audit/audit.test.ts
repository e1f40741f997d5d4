import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPassword } from '../setup/bootstrap.service.js';
import {
  createPartnerWorld,
  startTestApp,
  type Actor,
  type Answer,
  type PartnerWorld,
  type TestApp,
} from '../../../test/support/test-app.js';
import { expectError } from '../../../test/support/expect-error.js';

let t: TestApp;
let p: PartnerWorld;
let other: PartnerWorld;
beforeAll(async () => {
  t = await startTestApp();
  p = await createPartnerWorld(t, 'A');
  other = await createPartnerWorld(t, 'Other');
});
afterAll(() => t?.close());

let seq = 0;
const unique = (base: string) => `${base}-${++seq}`;

function ok<T = any>(res: Answer<T>, status = 200): T {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const audit = (actor: Actor, query: string) => t.call(actor, 'GET', `/api/2/audit?${query}`);
const auditRows = async (tenantId: string) =>
  Number(
    (
      await t.db
        .selectFrom('audit_events')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('tenant_id', '=', tenantId)
        .executeTakeFirstOrThrow()
    ).n,
  );

async function createTenant(actor: Actor, parentId: string) {
  return ok(
    await t.call(actor, 'POST', '/api/2/tenants', { name: unique('Audited'), parent_id: parentId, kind: 'customer' }),
    201,
  ) as { id: string; version: number };
}

async function createUser(actor: Actor, tenantId: string) {
  const login = unique('audited');
  return ok(
    await t.call(actor, 'POST', '/api/2/users', {
      tenant_id: tenantId,
      login,
      contact: { email: `${login}@example.test`, firstname: 'Ada', lastname: 'Lovelace' },
    }),
  );
}

async function newContact(actor: Actor, tenantId: string, fields: Record<string, unknown> = {}) {
  return ok(
    await t.call(actor, 'POST', '/api/2/contacts', {
      tenant_id: tenantId,
      types: ['billing'],
      firstname: 'Grace',
      lastname: 'Hopper',
      email: `${unique('grace')}@example.test`,
      ...fields,
    }),
    201,
  );
}

/** Waits for the mail worker to drop a message for `to` in the built-in mailbox. */
async function mailTo(to: string, kind: string) {
  for (let i = 0; i < 100; i++) {
    const res = await t.call(t.root, 'GET', '/api/2/mailbox?limit=200');
    expect(res.status).toBe(200);
    const found = res.body.items.find((m: any) => m.to === to && m.kind === kind);
    if (found) return found as { text: string; html: string; subject: string };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${kind} mail to ${to}`);
}

describe('GET /audit', () => {
  it('lists the create, update and delete of a contact, newest first, with the actor, before and after', async () => {
    const tenant = await createTenant(p.admin, p.partnerId);
    const contact = await newContact(p.admin, tenant.id, { types: ['billing'] });
    const updated = ok(
      await t.call(p.admin, 'PUT', `/api/2/contacts/${contact.id}`, {
        version: contact.version,
        types: ['technical'],
        title: 'CFO',
      }),
    );
    expect((await t.call(p.admin, 'DELETE', `/api/2/contacts/${contact.id}?version=${updated.version}`)).status).toBe(
      204,
    );

    const res = await audit(p.admin, `tenant_id=${tenant.id}`);
    expect(res.status).toBe(200);
    const items = res.body.items;
    expect(items.map((e: any) => [e.object_type, e.action])).toEqual([
      ['contact', 'delete'],
      ['contact', 'update'],
      ['contact', 'create'],
      ['tenant', 'create'],
    ]);
    const actor = { type: 'user', id: p.admin.userId };
    for (const e of items) {
      expect(e).toMatchObject({ tenant_id: tenant.id, actor });
      expect(Date.parse(e.created_at)).not.toBeNaN();
    }
    const [deleted, update, create, tenantCreate] = items;
    expect(create).toMatchObject({ object_id: contact.id, before: null, after: contact });
    expect(update).toMatchObject({ object_id: contact.id, before: contact, after: updated });
    expect(update.before.types).toEqual(['billing']);
    expect(update.after).toMatchObject({ types: ['technical'], title: 'CFO' });
    expect(deleted).toMatchObject({ object_id: contact.id, before: updated, after: null });
    expect(tenantCreate).toMatchObject({ object_id: tenant.id, after: { id: tenant.id, version: 1 } });
    expect(Number(deleted.id)).toBeGreaterThan(Number(update.id));
    expect(Number(update.id)).toBeGreaterThan(Number(create.id));
  });

  it('names an API client as the actor', async () => {
    const contact = await newContact(p.client, p.customerId);
    const res = await audit(p.admin, `tenant_id=${p.customerId}&object_id=${contact.id}`);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({
      action: 'create',
      object_type: 'contact',
      actor: { type: 'client', id: p.client.clientId },
    });
  });

  it("lists the changes of users and tenants, and keeps the tenant's trail after it is deleted", async () => {
    const tenant = await createTenant(p.admin, p.partnerId);
    const user = await createUser(p.admin, tenant.id);
    const renamed = ok(
      await t.call(p.admin, 'PUT', `/api/2/users/${user.id}`, {
        version: user.version,
        contact: { firstname: 'Augusta' },
      }),
    );
    expect((await t.call(p.admin, 'DELETE', `/api/2/users/${user.id}?version=${renamed.version}`)).status).toBe(204);
    const disabled = ok(
      await t.call(p.admin, 'PUT', `/api/2/tenants/${tenant.id}`, { version: tenant.version, enabled: false }),
    );
    expect((await t.call(p.admin, 'DELETE', `/api/2/tenants/${tenant.id}?version=${disabled.version}`)).status).toBe(
      204,
    );

    const items = ok(await audit(p.admin, `tenant_id=${tenant.id}`)).items;
    expect(items.map((e: any) => [e.object_type, e.action])).toEqual([
      ['tenant', 'delete'],
      ['tenant', 'update'],
      ['user', 'delete'],
      ['user', 'update'],
      ['user', 'create'],
      ['tenant', 'create'],
    ]);
    expect(items[1]).toMatchObject({ before: { enabled: true }, after: { enabled: false } });
    expect(items[3]).toMatchObject({
      object_id: user.id,
      before: { contact: { firstname: 'Ada' } },
      after: { contact: { firstname: 'Augusta' } },
    });
    expect(items[4]).toMatchObject({ object_id: user.id, before: null, after: { login: user.login } });
    expect(items[2]).toMatchObject({ object_id: user.id, before: { id: user.id }, after: null });
  });

  it("records a linked contact's edit on the contact and on its user", async () => {
    const user = await createUser(p.admin, p.customerId);
    const contact = ok(
      await t.call(p.admin, 'POST', '/api/2/contacts', {
        tenant_id: p.customerId,
        user_id: user.id,
        types: ['management'],
      }),
      201,
    );
    ok(await t.call(p.admin, 'PUT', `/api/2/contacts/${contact.id}`, { version: contact.version, lastname: 'Byron' }));
    const ofUser = ok(await audit(p.admin, `tenant_id=${p.customerId}&object_id=${user.id}`)).items;
    expect(ofUser.map((e: any) => e.action)).toEqual(['update', 'create']);
    expect(ofUser[0]).toMatchObject({
      object_type: 'user',
      before: { contact: { lastname: 'Lovelace' } },
      after: { contact: { lastname: 'Byron' } },
    });
    const ofContact = ok(await audit(p.admin, `tenant_id=${p.customerId}&object_id=${contact.id}`)).items;
    expect(ofContact.map((e: any) => e.action)).toEqual(['update', 'create']);
    expect(ofContact[0]).toMatchObject({ before: { lastname: 'Lovelace' }, after: { lastname: 'Byron' } });
  });

  it('filters by object_id and pages newest first with limit and after', async () => {
    const tenant = await createTenant(p.admin, p.partnerId);
    let contact = await newContact(p.admin, tenant.id);
    const other = await newContact(p.admin, tenant.id);
    for (const title of ['one', 'two', 'three'])
      contact = ok(await t.call(p.admin, 'PUT', `/api/2/contacts/${contact.id}`, { version: contact.version, title }));

    const full = ok(await audit(p.admin, `tenant_id=${tenant.id}`)).items;
    expect(full).toHaveLength(6);
    const ofContact = ok(await audit(p.admin, `tenant_id=${tenant.id}&object_id=${contact.id}`)).items;
    expect(ofContact.map((e: any) => e.action)).toEqual(['update', 'update', 'update', 'create']);
    expect(ofContact.map((e: any) => e.after.title)).toEqual(['three', 'two', 'one', null]);
    expect(ofContact.every((e: any) => e.object_id === contact.id)).toBe(true);
    expect(
      ok(await audit(p.admin, `tenant_id=${tenant.id}&object_id=${other.id}`)).items.map((e: any) => e.action),
    ).toEqual(['create']);

    const walked: string[] = [];
    let res = await audit(p.admin, `tenant_id=${tenant.id}&limit=4`);
    for (let i = 0; i < 5; i++) {
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(4);
      walked.push(...res.body.items.map((e: any) => e.id));
      const after = res.body.paging.cursors.after;
      if (!after) break;
      res = await audit(p.admin, `tenant_id=${tenant.id}&limit=4&after=${encodeURIComponent(after)}`);
    }
    expect(walked).toEqual(full.map((e: any) => e.id));
    // The object filter holds across pages too.
    const first = ok(await audit(p.admin, `tenant_id=${tenant.id}&object_id=${contact.id}&limit=3`));
    const rest = ok(
      await audit(
        p.admin,
        `tenant_id=${tenant.id}&object_id=${contact.id}&limit=3&after=${encodeURIComponent(first.paging.cursors.after)}`,
      ),
    );
    expect([...first.items, ...rest.items].map((e: any) => e.id)).toEqual(ofContact.map((e: any) => e.id));
    expectError(await audit(p.admin, `tenant_id=${tenant.id}&after=garbage`), 400, 'validation_failed', 'after');
  });

  it("is visible within scope: the customer's admin sees its tenant, another partner gets 404", async () => {
    const contact = await newContact(p.admin, p.customerId);
    const seen = ok(await audit(p.customerAdmin, `tenant_id=${p.customerId}&object_id=${contact.id}`)).items;
    expect(seen.map((e: any) => e.action)).toEqual(['create']);
    expect(ok(await audit(p.readonly, `tenant_id=${p.customerId}&object_id=${contact.id}`)).items).toHaveLength(1);
    expectError(await audit(p.customerAdmin, `tenant_id=${p.partnerId}`), 404, 1005);
    for (const outsider of [other.admin, other.client, other.customerAdmin]) {
      expectError(await audit(outsider, `tenant_id=${p.customerId}`), 404, 1005);
      expectError(await audit(outsider, `tenant_id=${p.customerId}&object_id=${contact.id}`), 404, 1005);
    }
    expectError(await audit(p.admin, `tenant_id=${randomUUID()}`), 404, 1005);
    expectError(await audit(p.admin, ''), 400, 'validation_failed', 'tenant_id');
    expect((await t.call(undefined, 'GET', `/api/2/audit?tenant_id=${p.customerId}`)).status).toBe(401);
  });

  it('shows email_change_requested and email_change_confirmed for a confirmed change', async () => {
    const user = await createUser(p.admin, p.customerId);
    await setPassword(t.db, user.login, 'pw-for-audit-user');
    const contact = ok(
      await t.call(p.admin, 'POST', '/api/2/contacts', {
        tenant_id: p.customerId,
        user_id: user.id,
        types: ['billing'],
      }),
      201,
    );
    const newEmail = `${unique('moved')}@example.test`;
    const pending = ok(
      await t.call(p.admin, 'PUT', `/api/2/contacts/${contact.id}`, { version: contact.version, email: newEmail }),
    );
    expect(pending).toMatchObject({ email: user.contact.email, pending_email: newEmail });

    const message = await mailTo(newEmail, 'email_change_confirmation');
    const link = /https?:\/\/\S+\/confirm-email\?token=(\S+)/.exec(message.text);
    expect(link, message.text).not.toBeNull();
    const token = decodeURIComponent(link![1]);
    const confirmed = await t.call(undefined, 'POST', '/api/2/email-confirmations', { token });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toEqual({ user_id: user.id, email: newEmail });

    const ofUser = ok(await audit(p.admin, `tenant_id=${p.customerId}&object_id=${user.id}`)).items;
    expect(ofUser.map((e: any) => e.action)).toEqual(['email_change_confirmed', 'email_change_requested', 'create']);
    expect(ofUser[0]).toMatchObject({
      actor: { type: 'person', id: user.id },
      before: { email: user.contact.email },
      after: { email: newEmail },
    });
    expect(ofUser[1]).toMatchObject({
      actor: { type: 'user', id: p.admin.userId },
      before: { email: user.contact.email },
      after: { pending_email: newEmail },
    });
    const ofContact = ok(await audit(p.admin, `tenant_id=${p.customerId}&object_id=${contact.id}`)).items;
    expect(ofContact[0]).toMatchObject({
      action: 'update',
      after: { email: user.contact.email, pending_email: newEmail },
    });
    expect(ok(await t.call(p.admin, 'GET', `/api/2/contacts/${contact.id}`))).toMatchObject({
      email: newEmail,
      pending_email: null,
    });
  });
});

describe('audit rows share the transaction of the change', () => {
  it('a refused change (409, 403, 400) writes no audit row', async () => {
    const tenant = await createTenant(p.admin, p.partnerId);
    const a = await newContact(p.admin, tenant.id);
    const b = await newContact(p.admin, tenant.id);
    const user = await createUser(p.admin, tenant.id);
    const linked = ok(
      await t.call(p.admin, 'POST', '/api/2/contacts', { tenant_id: tenant.id, user_id: user.id, types: ['billing'] }),
      201,
    );
    const before = await auditRows(tenant.id);
    expectError(
      await t.call(p.admin, 'POST', '/api/2/contacts', {
        tenant_id: tenant.id,
        types: ['billing'],
        firstname: 'D',
        lastname: 'Up',
        email: a.email,
      }),
      409,
      'contact_email_taken',
    );
    expectError(
      await t.call(p.admin, 'POST', '/api/2/contacts', {
        tenant_id: tenant.id,
        user_id: user.id,
        types: ['technical'],
      }),
      409,
      'contact_user_taken',
    );
    expectError(
      await t.call(p.admin, 'PUT', `/api/2/contacts/${b.id}`, { version: b.version, email: a.email }),
      409,
      'contact_email_taken',
    );
    expectError(
      await t.call(p.admin, 'PUT', `/api/2/contacts/${b.id}`, { version: b.version + 1, title: 'stale' }),
      409,
      1001,
    );
    expectError(
      await t.call(p.admin, 'PUT', `/api/2/contacts/${linked.id}`, { version: linked.version, email: b.email }),
      409,
      'contact_email_taken',
    );
    expectError(await t.call(p.admin, 'DELETE', `/api/2/contacts/${a.id}?version=${a.version + 1}`), 409, 1001);
    expectError(
      await t.call(p.readonly, 'PUT', `/api/2/contacts/${a.id}`, { version: a.version, title: 'ro' }),
      403,
      1002,
    );
    expectError(
      await t.call(p.admin, 'PUT', `/api/2/contacts/${a.id}`, { version: a.version, types: [] }),
      400,
      'validation_failed',
    );
    expect(await auditRows(tenant.id)).toBe(before);
  });

  it('a change that fails after its audit row was written leaves no audit row, no pending change and no mail', async () => {
    // Fault injection in the real database: the contact's own update fails, after the
    // email change request (token, mails, audit row) was already written in the transaction.
    const user = await createUser(p.admin, p.customerId);
    await setPassword(t.db, user.login, 'pw-for-fault-user');
    const contact = ok(
      await t.call(p.admin, 'POST', '/api/2/contacts', {
        tenant_id: p.customerId,
        user_id: user.id,
        types: ['billing'],
      }),
      201,
    );
    await sql`CREATE FUNCTION refuse_contact_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'injected failure'; END $$`.execute(t.db);
    await sql`CREATE TRIGGER refuse_contact_update BEFORE UPDATE ON contacts FOR EACH ROW
      WHEN (OLD.id = ${sql.lit(contact.id)}::uuid) EXECUTE FUNCTION refuse_contact_update()`.execute(t.db);
    const newEmail = `${unique('never')}@example.test`;
    const before = await auditRows(p.customerId);
    try {
      const res = await t.call(p.admin, 'PUT', `/api/2/contacts/${contact.id}`, {
        version: contact.version,
        email: newEmail,
        firstname: 'Nope',
      });
      expectError(res, 500, 1000);
      expect(res.body.error.message).not.toContain('injected');
    } finally {
      await sql`DROP TRIGGER refuse_contact_update ON contacts`.execute(t.db);
      await sql`DROP FUNCTION refuse_contact_update()`.execute(t.db);
    }
    expect(await auditRows(p.customerId)).toBe(before);
    expect(ok(await t.call(p.admin, 'GET', `/api/2/contacts/${contact.id}`))).toEqual(contact);
    expect((await t.call(p.admin, 'GET', `/api/2/users/${user.id}`)).body.contact.firstname).toBe('Ada');
    expect(
      await t.db
        .selectFrom('mail_outbox')
        .select('id')
        .where('to_address', 'in', [newEmail, user.contact.email])
        .execute(),
    ).toEqual([]);
    expect(await t.db.selectFrom('user_tokens').select('id').where('user_id', '=', user.id).execute()).toEqual([]);
  });

  it('a failing audit write undoes the change it records', async () => {
    const contact = await newContact(p.admin, p.customerId, { title: 'Kept' });
    await sql`CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'injected audit failure'; END $$`.execute(t.db);
    await sql`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW
      WHEN (NEW.object_id = ${sql.lit(contact.id)}::uuid) EXECUTE FUNCTION refuse_audit()`.execute(t.db);
    try {
      expectError(
        await t.call(p.admin, 'PUT', `/api/2/contacts/${contact.id}`, { version: contact.version, title: 'Lost' }),
        500,
        1000,
      );
      expectError(
        await t.call(p.admin, 'DELETE', `/api/2/contacts/${contact.id}?version=${contact.version}`),
        500,
        1000,
      );
    } finally {
      await sql`DROP TRIGGER refuse_audit ON audit_events`.execute(t.db);
      await sql`DROP FUNCTION refuse_audit()`.execute(t.db);
    }
    expect(ok(await t.call(p.admin, 'GET', `/api/2/contacts/${contact.id}`))).toEqual(contact);
  });

  it('two concurrent edits with the same version: one wins, the loser leaves no trace', async () => {
    const user = await createUser(p.admin, p.customerId);
    await setPassword(t.db, user.login, 'pw-for-race-user');
    const contact = ok(
      await t.call(p.admin, 'POST', '/api/2/contacts', {
        tenant_id: p.customerId,
        user_id: user.id,
        types: ['billing'],
      }),
      201,
    );
    const emails = [`${unique('race-a')}@example.test`, `${unique('race-b')}@example.test`];
    const answers = await Promise.all(
      emails.map((email) =>
        t.call(p.admin, 'PUT', `/api/2/contacts/${contact.id}`, { version: contact.version, email }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 409]);
    const winner = answers.find((a) => a.status === 200)!;
    expectError(
      answers.find((a) => a.status === 409)!,
      409,
      1001,
    );
    const winnerEmail = winner.body.pending_email;
    expect(emails).toContain(winnerEmail);
    const loserEmail = emails.find((e) => e !== winnerEmail)!;
    const ofUser = ok(await audit(p.admin, `tenant_id=${p.customerId}&object_id=${user.id}`)).items;
    expect(
      ofUser.filter((e: any) => e.action === 'email_change_requested').map((e: any) => e.after.pending_email),
    ).toEqual([winnerEmail]);
    const ofContact = ok(await audit(p.admin, `tenant_id=${p.customerId}&object_id=${contact.id}`)).items;
    expect(ofContact.map((e: any) => e.action)).toEqual(['update', 'create']);
    expect(await t.db.selectFrom('mail_outbox').select('id').where('to_address', '=', loserEmail).execute()).toEqual(
      [],
    );
  });
});
