import { createPartnerWorld, type Answer, type PartnerWorld, type TestApp } from './test-app.js';

export type IdKind = 'tenant' | 'user' | 'contact' | 'client' | 'announcement';

export interface FuzzWorld {
  partner: PartnerWorld;
  /** Real ids of objects the root and a partner own, by kind. */
  ids: Record<IdKind, string[]>;
  /** Ids the fuzz may read but never write: the root tenant and the fuzzing admin's own user. */
  readOnly: Set<string>;
  /** A login whose wrong passwords may be sent (never the fuzzing admin's own). */
  spareLogin: string;
}

function ok(answer: Answer, what: string): any {
  if (answer.status >= 300) throw new Error(`fuzz fixture ${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/**
 * Objects of every kind, owned by the root and by a partner, so path parameters and id
 * fields carry real ids; lists get a second page (cursors to forge) and the mailbox mail.
 */
export async function buildFuzzWorld(t: TestApp): Promise<FuzzWorld> {
  const partner = await createPartnerWorld(t, 'Fuzz');
  const me = ok(await t.call(t.root, 'GET', '/api/2/users/me'), 'me');
  const call = async (actor: typeof t.root, method: 'POST' | 'PUT', url: string, body: unknown) =>
    ok(await t.call(actor, method, url, body), `${method} ${url}`);

  const rootCustomer = await call(t.root, 'POST', '/api/2/tenants', {
    name: 'Fuzz root customer',
    parent_id: t.rootTenantId,
    kind: 'customer',
  });
  const rootFolder = await call(t.root, 'POST', '/api/2/tenants', {
    name: 'Fuzz root partner',
    parent_id: t.rootTenantId,
    kind: 'partner',
  });
  const rootUser = await call(t.root, 'POST', '/api/2/users', {
    tenant_id: rootCustomer.id,
    login: 'fuzz.rootuser',
    contact: { email: 'fuzz.rootuser@example.test', firstname: 'Root', lastname: 'User' },
  });
  const partnerUser = await call(partner.admin, 'POST', '/api/2/users', {
    tenant_id: partner.customerId,
    login: 'fuzz.partneruser',
    contact: { email: 'fuzz.partneruser@example.test', firstname: 'Partner', lastname: 'User' },
  });

  const contact = (actor: typeof t.root, tenantId: string, tag: string, fields: Record<string, unknown> = {}) =>
    call(actor, 'POST', '/api/2/contacts', {
      tenant_id: tenantId,
      types: ['billing', 'technical'],
      firstname: 'Fuzz',
      lastname: tag,
      email: `fuzz.${tag}@example.test`,
      ...fields,
    });
  const contacts = [
    await contact(t.root, rootCustomer.id, 'root-a'),
    await contact(t.root, rootCustomer.id, 'root-b', { types: ['management'] }),
    await call(t.root, 'POST', '/api/2/contacts', {
      tenant_id: rootCustomer.id,
      user_id: rootUser.id,
      types: ['billing'],
    }),
    await contact(partner.admin, partner.customerId, 'partner-a'),
    await contact(partner.admin, partner.partnerId, 'partner-b', { types: ['technical'] }),
    await call(partner.admin, 'POST', '/api/2/contacts', {
      tenant_id: partner.customerId,
      user_id: partnerUser.id,
      types: ['management'],
    }),
  ];
  // A pending email change (DELETE …/pending-email and …/resend have something to act on).
  const linked = contacts[2];
  await call(t.root, 'PUT', `/api/2/contacts/${linked.id}`, {
    version: linked.version,
    email: 'fuzz.rootuser.new@example.test',
  });

  const rootClient = await call(t.root, 'POST', '/api/2/clients', {
    type: 'api_client',
    tenant_id: rootCustomer.id,
    data: { client_name: 'Fuzz root client' },
  });
  const notice = (actor: typeof t.root, scope: string, n: number) =>
    call(actor, 'POST', '/api/2/announcements', {
      category: 'billing',
      subject: { en: `Fuzz notice ${n}` },
      body: { en: `Fuzz notice **${n}**` },
      scope_tenant_id: scope,
    });
  const announcements = [
    await notice(t.root, rootCustomer.id, 1),
    await notice(t.root, rootCustomer.id, 2),
    await notice(partner.admin, partner.customerId, 3),
    await notice(partner.admin, partner.customerId, 4),
  ];
  for (const user of [rootUser, partnerUser])
    await t.call(t.root, 'POST', `/api/2/users/${user.id}/send-activation-email`);

  return {
    partner,
    ids: {
      tenant: [t.rootTenantId, rootCustomer.id, rootFolder.id, partner.partnerId, partner.customerId],
      user: [
        me.id,
        rootUser.id,
        partnerUser.id,
        partner.admin.userId,
        partner.readonly.userId,
        partner.customerAdmin.userId,
      ],
      contact: contacts.map((c) => c.id),
      client: [rootClient.client_id, partner.client.clientId],
      announcement: announcements.map((a) => a.id),
    },
    readOnly: new Set([t.rootTenantId, me.id]),
    spareLogin: partner.readonly.name,
  };
}
