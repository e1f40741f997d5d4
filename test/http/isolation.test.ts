import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
  createPartnerWorld,
  startTestApp,
  type Actor,
  type Answer,
  type PartnerWorld,
  type TestApp,
} from '../support/test-app.js';

/**
 * Partner P1 must not read, change or even detect anything of partner P2: every route,
 * applied to P2's objects, answers 404 (never 403), or an empty list where the route
 * filters, and P2's data is byte-for-byte what it was.
 */

let t: TestApp;
let p1: PartnerWorld;
let p2: PartnerWorld;
/** Extra P2 objects: a disabled unit below P2's customer (deletable if isolation broke) and a user in it. */
let p2UnitId: string;
let p2UnitUserId: string;
/** A user of P2's customer that is no contact yet, so a planted `POST /contacts {user_id}` would succeed. */
let p2SpareUserId: string;

/**
 * P2's contacts: a person without access and a linked user in its partner and customer
 * tenants, each linked one with an email change waiting for confirmation, and one in the unit.
 */
type ContactTarget =
  | 'P2 partner standalone'
  | 'P2 partner linked'
  | 'P2 customer standalone'
  | 'P2 customer linked'
  | 'P2 unit standalone';
const contactTargets: ContactTarget[] = [
  'P2 partner standalone',
  'P2 partner linked',
  'P2 customer standalone',
  'P2 customer linked',
  'P2 unit standalone',
];
const p2Contacts = {} as Record<ContactTarget, string>;
const pendingEmail = {
  'P2 partner linked': 'admin.new@p2.example.test',
  'P2 customer linked': 'cust.new@p2.example.test',
} as const;
/** P1's own contacts in its customer, so P1's lists are not trivially empty. */
const p1Contacts = { standalone: '', linked: '' };

const ok = <T>(answer: Answer<T>, status = 200): T => {
  if (answer.status !== status)
    throw new Error(`expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
};

beforeAll(async () => {
  t = await startTestApp();
  p1 = await createPartnerWorld(t, 'P1');
  p2 = await createPartnerWorld(t, 'P2');
  const unit = ok<any>(
    await t.call(p2.admin, 'POST', '/api/2/tenants', { name: 'Unit of P2', parent_id: p2.customerId, kind: 'unit' }),
    201,
  );
  p2UnitId = unit.id;
  p2UnitUserId = ok<any>(
    await t.call(p2.admin, 'POST', '/api/2/users', {
      tenant_id: p2UnitId,
      login: 'p2-unit-user',
      contact: { email: 'unit.user@p2.example.test', firstname: 'Una', lastname: 'Zweiter' },
    }),
  ).id;
  p2SpareUserId = ok<any>(
    await t.call(p2.admin, 'POST', '/api/2/users', {
      tenant_id: p2.customerId,
      login: 'p2-cust-spare',
      contact: { email: 'spare@p2.example.test', firstname: 'Sven', lastname: 'Zweiter' },
    }),
  ).id;

  const contact = async (as: Actor, body: object) =>
    ok<any>(await t.call(as, 'POST', '/api/2/contacts', body), 201).id as string;
  p2Contacts['P2 partner standalone'] = await contact(p2.admin, {
    tenant_id: p2.partnerId,
    types: ['billing', 'technical'],
    firstname: 'Paula',
    lastname: 'Zweiter',
    email: 'paula.billing@p2.example.test',
    phone: '+49 30 1234',
    title: 'CFO',
  });
  p2Contacts['P2 partner linked'] = await contact(p2.admin, {
    tenant_id: p2.partnerId,
    types: ['management'],
    user_id: p2.admin.userId,
  });
  p2Contacts['P2 customer standalone'] = await contact(p2.customerAdmin, {
    tenant_id: p2.customerId,
    types: ['technical'],
    firstname: 'Carla',
    lastname: 'Zweiter',
    email: 'carla.tech@p2.example.test',
  });
  p2Contacts['P2 customer linked'] = await contact(p2.admin, {
    tenant_id: p2.customerId,
    types: ['billing'],
    user_id: p2.customerAdmin.userId,
  });
  p2Contacts['P2 unit standalone'] = await contact(p2.admin, {
    tenant_id: p2UnitId,
    types: ['technical'],
    firstname: 'Ugo',
    lastname: 'Zweiter',
    email: 'ugo@p2.example.test',
  });
  // Both linked users are activated (setPassword), so their new addresses wait for confirmation.
  for (const target of ['P2 partner linked', 'P2 customer linked'] as const) {
    const url = `/api/2/contacts/${p2Contacts[target]}`;
    const changed = ok<any>(
      await t.call(p2.admin, 'PUT', url, { version: await versionAsP2(url), email: pendingEmail[target] }),
    );
    if (changed.pending_email !== pendingEmail[target])
      throw new Error(`fixture: no pending change on ${target}: ${JSON.stringify(changed)}`);
  }
  ok(await t.call(p2.admin, 'PUT', `/api/2/tenants/${p2UnitId}`, { version: unit.version, enabled: false }));

  p1Contacts.standalone = await contact(p1.admin, {
    tenant_id: p1.customerId,
    types: ['billing'],
    firstname: 'Pia',
    lastname: 'Erster',
    email: 'pia@p1.example.test',
  });
  p1Contacts.linked = await contact(p1.admin, {
    tenant_id: p1.customerId,
    types: ['technical'],
    user_id: p1.customerAdmin.userId,
  });
});
afterAll(() => t?.close());

type Caller = 'admin' | 'client' | 'readonly';
const callers: Caller[] = ['admin', 'client', 'readonly'];

type TenantTarget = 'P2 partner' | 'P2 customer' | 'P2 disabled unit';
type UserTarget = 'P2 partner admin' | 'P2 customer admin' | 'P2 unit user';
const tenantTargets: TenantTarget[] = ['P2 partner', 'P2 customer', 'P2 disabled unit'];
const userTargets: UserTarget[] = ['P2 partner admin', 'P2 customer admin', 'P2 unit user'];

const tenantId = (target: TenantTarget) =>
  ({ 'P2 partner': p2.partnerId, 'P2 customer': p2.customerId, 'P2 disabled unit': p2UnitId })[target];
const userId = (target: UserTarget) =>
  ({ 'P2 partner admin': p2.admin.userId, 'P2 customer admin': p2.customerAdmin.userId, 'P2 unit user': p2UnitUserId })[
    target
  ];
/** A P2 user of each target tenant that is no contact yet. */
const freeUserOf = (target: TenantTarget) =>
  ({ 'P2 partner': p2.readonly.userId, 'P2 customer': p2SpareUserId, 'P2 disabled unit': p2UnitUserId })[target];
const p2UserIds = () => [p2.admin.userId, p2.readonly.userId, p2.customerAdmin.userId, p2SpareUserId, p2UnitUserId];
/** The kind of tenant that may live below each target, so a create would otherwise succeed. */
const childKind = (target: TenantTarget) =>
  ({ 'P2 partner': 'customer', 'P2 customer': 'unit', 'P2 disabled unit': 'unit' })[target];

/** The current version as P2 reads it, so a stale version can never mask a scope bug. */
const versionAsP2 = async (url: string): Promise<number> => ok<any>(await t.call(p2.admin, 'GET', url)).version;

/**
 * 404 with this error code; 'filtered': a list that leaves P2's objects out (an empty list,
 * or 404); 'empty': an empty list, strictly (a filter on the caller's own tenant).
 */
type Hidden = number | string | 'filtered' | 'empty';

interface Probe {
  route: string;
  target: string;
  hidden: Hidden;
  send: (as: Actor) => Promise<Answer>;
}
type Step = Omit<Probe, 'target'>;
const on = (target: string, steps: Step[]): Probe[] => steps.map((step) => ({ ...step, target }));

function expectHidden(res: Answer, hidden: Hidden) {
  const seen = `${res.status} ${JSON.stringify(res.body)}`;
  expect(res.status, seen).not.toBe(403);
  if (hidden === 'empty' || (hidden === 'filtered' && res.status !== 404)) {
    expect(res.status, seen).toBe(200);
    expect(res.body.items, seen).toEqual([]);
    return;
  }
  expect(res.status, seen).toBe(404);
  if (hidden !== 'filtered') expect(res.body.error.code, seen).toBe(hidden);
}

/** Every id, address and name of P2 a leak would carry. */
function p2Secrets(): string[] {
  return [
    p2.partnerId,
    p2.customerId,
    p2UnitId,
    ...p2UserIds(),
    ...Object.values(p2Contacts),
    ...[p2.admin, p2.readonly, p2.customerAdmin].map((user) => `${user.name}@example.test`),
    'p2.example.test',
    'Partner P2',
    'Customer of P2',
    'Unit of P2',
    'Zweiter',
  ];
}

function expectNothingOfP2(body: unknown) {
  const text = JSON.stringify(body).toLowerCase();
  expect(
    p2Secrets().filter((secret) => text.includes(secret.toLowerCase())),
    text,
  ).toEqual([]);
}

const tenantProbes: Probe[] = tenantTargets.flatMap((target) => {
  const id = () => tenantId(target);
  return on(target, [
    { route: 'GET /tenants/{id}', hidden: 1005, send: (as) => t.call(as, 'GET', `/api/2/tenants/${id()}`) },
    {
      route: 'GET /tenants/{id}?allow_deleted=true',
      hidden: 1005,
      send: (as) => t.call(as, 'GET', `/api/2/tenants/${id()}?allow_deleted=true`),
    },
    {
      route: 'PUT /tenants/{id}',
      hidden: 1005,
      send: async (as) =>
        t.call(as, 'PUT', `/api/2/tenants/${id()}`, {
          version: await versionAsP2(`/api/2/tenants/${id()}`),
          name: 'Taken over',
          enabled: false,
        }),
    },
    {
      route: 'DELETE /tenants/{id}',
      hidden: 1005,
      send: async (as) =>
        t.call(as, 'DELETE', `/api/2/tenants/${id()}?version=${await versionAsP2(`/api/2/tenants/${id()}`)}`),
    },
    {
      route: 'GET /tenants/{id}/children',
      hidden: 1005,
      send: (as) => t.call(as, 'GET', `/api/2/tenants/${id()}/children`),
    },
    {
      route: 'GET /tenants/{id}/users',
      hidden: 1005,
      send: (as) => t.call(as, 'GET', `/api/2/tenants/${id()}/users?include_grand_children=true`),
    },
    {
      route: 'GET /tenants?uuids=',
      hidden: 'filtered',
      send: (as) => t.call(as, 'GET', `/api/2/tenants?uuids=${id()}`),
    },
    {
      route: 'GET /tenants?parent_id=',
      hidden: 'filtered',
      send: (as) => t.call(as, 'GET', `/api/2/tenants?parent_id=${id()}`),
    },
    {
      route: 'GET /tenants?subtree_root_id=',
      hidden: 'filtered',
      send: (as) => t.call(as, 'GET', `/api/2/tenants?subtree_root_id=${id()}&allow_deleted=true`),
    },
    {
      route: 'POST /tenants (parent_id)',
      hidden: 1005,
      send: (as) => t.call(as, 'POST', '/api/2/tenants', { name: 'Planted', parent_id: id(), kind: childKind(target) }),
    },
    {
      route: 'GET /users?tenant_id=',
      hidden: 'filtered',
      send: (as) => t.call(as, 'GET', `/api/2/users?tenant_id=${id()}`),
    },
    {
      route: 'GET /users?subtree_root_tenant_id=',
      hidden: 'filtered',
      send: (as) => t.call(as, 'GET', `/api/2/users?subtree_root_tenant_id=${id()}`),
    },
    {
      route: 'POST /users (tenant_id)',
      hidden: 1005,
      send: (as) =>
        t.call(as, 'POST', '/api/2/users', {
          tenant_id: id(),
          login: `planted-${as.name.replace(/\W/g, '')}`,
          contact: { email: 'planted@p1.example.test' },
        }),
    },
    {
      route: 'POST /clients (tenant_id)',
      hidden: 1005,
      send: (as) =>
        t.call(as, 'POST', '/api/2/clients', { type: 'api_client', tenant_id: id(), data: { client_name: 'Planted' } }),
    },
    {
      route: 'GET /search?tenant=',
      hidden: 1005,
      send: (as) => t.call(as, 'GET', `/api/2/search?tenant=${id()}&text=a`),
    },
    {
      route: 'POST /contacts (new person)',
      hidden: 1005,
      send: (as) =>
        t.call(as, 'POST', '/api/2/contacts', {
          tenant_id: id(),
          types: ['billing'],
          firstname: 'Planted',
          lastname: 'Contact',
          email: `planted-${as.name.replace(/\W/g, '')}@p1.example.test`,
        }),
    },
    {
      route: 'POST /contacts (user_id of a P2 user)',
      hidden: 1005,
      send: (as) =>
        t.call(as, 'POST', '/api/2/contacts', { tenant_id: id(), types: ['technical'], user_id: freeUserOf(target) }),
    },
    {
      route: 'GET /tenants/{id}/contacts',
      hidden: 1005,
      send: (as) => t.call(as, 'GET', `/api/2/tenants/${id()}/contacts`),
    },
    {
      route: 'GET /contacts?tenant_id=',
      hidden: 'filtered',
      send: (as) => t.call(as, 'GET', `/api/2/contacts?tenant_id=${id()}`),
    },
    {
      route: 'GET /contacts?tenant_id=&types=',
      hidden: 'filtered',
      send: (as) => t.call(as, 'GET', `/api/2/contacts?tenant_id=${id()}&types=billing,technical,management&limit=1`),
    },
    {
      route: 'GET /tenants?uuids=&with_contacts=true',
      hidden: 'filtered',
      send: (as) => t.call(as, 'GET', `/api/2/tenants?uuids=${id()}&with_contacts=true`),
    },
    {
      route: 'GET /tenants?uuids=&with_contact_counts=true',
      hidden: 'filtered',
      send: (as) => t.call(as, 'GET', `/api/2/tenants?uuids=${id()}&with_contact_counts=true`),
    },
    { route: 'GET /audit?tenant_id=', hidden: 1005, send: (as) => t.call(as, 'GET', `/api/2/audit?tenant_id=${id()}`) },
    {
      route: 'GET /users?tenant_id=&order=contact_types',
      hidden: 'filtered',
      send: (as) => t.call(as, 'GET', `/api/2/users?tenant_id=${id()}&order=contact_types`),
    },
  ]);
});

const userProbes: Probe[] = userTargets.flatMap((target) => {
  const id = () => userId(target);
  return on(target, [
    { route: 'GET /users/{id}', hidden: 'not_found', send: (as) => t.call(as, 'GET', `/api/2/users/${id()}`) },
    {
      route: 'PUT /users/{id}',
      hidden: 'not_found',
      send: async (as) =>
        t.call(as, 'PUT', `/api/2/users/${id()}`, {
          version: await versionAsP2(`/api/2/users/${id()}`),
          login: `stolen-${id().slice(0, 8)}`,
          contact: { email: 'attacker@p1.example.test' },
          enabled: false,
        }),
    },
    {
      route: 'DELETE /users/{id}',
      hidden: 'not_found',
      send: async (as) =>
        t.call(as, 'DELETE', `/api/2/users/${id()}?version=${await versionAsP2(`/api/2/users/${id()}`)}`),
    },
    {
      route: 'GET /users?uuids=',
      hidden: 'filtered',
      send: (as) => t.call(as, 'GET', `/api/2/users?uuids=${id()}&with_access_policies=true`),
    },
    {
      route: 'GET /users/{id}/access_policies',
      hidden: 'not_found',
      send: (as) => t.call(as, 'GET', `/api/2/users/${id()}/access_policies`),
    },
    {
      route: 'PUT /users/{id}/access_policies (strip)',
      hidden: 'not_found',
      send: (as) => t.call(as, 'PUT', `/api/2/users/${id()}/access_policies`, { items: [] }),
    },
    {
      route: 'PUT /users/{id}/access_policies (grant)',
      hidden: 'not_found',
      send: (as) =>
        t.call(as, 'PUT', `/api/2/users/${id()}/access_policies`, {
          items: [{ tenant_id: p2.partnerId, role_id: 'partner_admin' }],
        }),
    },
    {
      route: 'POST /users/{id}/send-activation-email',
      hidden: 'not_found',
      send: (as) => t.call(as, 'POST', `/api/2/users/${id()}/send-activation-email`),
    },
  ]);
});

const contactTenant = (target: ContactTarget) =>
  tenantId(
    ({ partner: 'P2 partner', customer: 'P2 customer', unit: 'P2 disabled unit' } as const)[
      target.split(' ')[1] as 'partner' | 'customer' | 'unit'
    ],
  );

const contactProbes: Probe[] = contactTargets.flatMap((target) => {
  const url = () => `/api/2/contacts/${p2Contacts[target]}`;
  return on(target, [
    { route: 'GET /contacts/{id}', hidden: 'not_found', send: (as) => t.call(as, 'GET', url()) },
    {
      route: 'PUT /contacts/{id}',
      hidden: 'not_found',
      send: async (as) =>
        t.call(as, 'PUT', url(), {
          version: await versionAsP2(url()),
          types: ['billing'],
          firstname: 'Taken',
          email: 'attacker@p1.example.test',
        }),
    },
    {
      route: 'DELETE /contacts/{id}',
      hidden: 'not_found',
      send: async (as) => t.call(as, 'DELETE', `${url()}?version=${await versionAsP2(url())}`),
    },
    {
      route: 'GET /contacts?uuids=',
      hidden: 'filtered',
      send: (as) => t.call(as, 'GET', `/api/2/contacts?uuids=${p2Contacts[target]}`),
    },
    {
      route: 'DELETE /contacts/{id}/pending-email',
      hidden: 'not_found',
      send: (as) => t.call(as, 'DELETE', `${url()}/pending-email`),
    },
    {
      route: 'POST /contacts/{id}/pending-email/resend',
      hidden: 'not_found',
      send: (as) => t.call(as, 'POST', `${url()}/pending-email/resend`),
    },
    {
      route: 'GET /audit?tenant_id=<P1>&object_id=',
      hidden: 'empty',
      send: (as) => t.call(as, 'GET', `/api/2/audit?tenant_id=${p1.partnerId}&object_id=${p2Contacts[target]}`),
    },
    {
      route: 'GET /audit?tenant_id=<P2>&object_id=',
      hidden: 1005,
      send: (as) =>
        t.call(as, 'GET', `/api/2/audit?tenant_id=${contactTenant(target)}&object_id=${p2Contacts[target]}`),
    },
  ]);
});

const clientProbes: Probe[] = on('P2 API client', [
  {
    route: 'GET /clients/{id}',
    hidden: 'not_found',
    send: (as) => t.call(as, 'GET', `/api/2/clients/${p2.client.clientId}`),
  },
  {
    route: 'PUT /clients/{id}',
    hidden: 'not_found',
    send: (as) =>
      t.call(as, 'PUT', `/api/2/clients/${p2.client.clientId}`, {
        status: 'disabled',
        data: { client_name: 'Taken over' },
      }),
  },
  {
    route: 'DELETE /clients/{id}',
    hidden: 'not_found',
    send: (as) => t.call(as, 'DELETE', `/api/2/clients/${p2.client.clientId}`),
  },
]);

const probes = [...tenantProbes, ...userProbes, ...clientProbes, ...contactProbes];

/** The worker marks messages sent in the background: wait until the outbox holds nothing due. */
async function mailSettled() {
  for (let round = 0; round < 200; round++) {
    const due = await t.db.selectFrom('mail_outbox').select('id').where('status', '=', 'pending').execute();
    if (due.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the mail outbox did not drain within 10 s');
}

/**
 * Every row of P2's subtree, as stored: tenants, closure, users, roles, API clients,
 * contacts (and any contact linking a P2 user, wherever it lives), the users' link tokens,
 * the audit trail of P2's tenants and objects, and the whole mail outbox (no probe may
 * send anything to anyone).
 */
async function p2Rows() {
  await mailSettled();
  const subtree = t.db.selectFrom('tenant_closure').select('descendant_id').where('ancestor_id', '=', p2.partnerId);
  const subtreeUsers = t.db.selectFrom('users').select('id').where('tenant_id', 'in', subtree);
  const objectIds = [p2.partnerId, p2.customerId, p2UnitId, ...p2UserIds(), ...Object.values(p2Contacts)];
  const [contacts, tokens, mail, audit] = await Promise.all([
    t.db
      .selectFrom('contacts')
      .selectAll()
      .where((eb) => eb.or([eb('tenant_id', 'in', subtree), eb('user_id', 'in', subtreeUsers)]))
      .orderBy('id')
      .execute(),
    t.db.selectFrom('user_tokens').selectAll().where('user_id', 'in', subtreeUsers).orderBy('id').execute(),
    t.db.selectFrom('mail_outbox').selectAll().orderBy('id').execute(),
    t.db
      .selectFrom('audit_events')
      .selectAll()
      .where((eb) => eb.or([eb('tenant_id', 'in', subtree), eb('object_id', 'in', objectIds)]))
      .orderBy('id')
      .execute(),
  ]);
  const [tenants, closure, users, policies, clients] = await Promise.all([
    t.db.selectFrom('tenants').selectAll().where('id', 'in', subtree).orderBy('id').execute(),
    t.db
      .selectFrom('tenant_closure')
      .selectAll()
      .where('descendant_id', 'in', subtree)
      .orderBy('ancestor_id')
      .orderBy('descendant_id')
      .execute(),
    t.db.selectFrom('users').selectAll().where('tenant_id', 'in', subtree).orderBy('id').execute(),
    t.db
      .selectFrom('access_policies')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('tenant_id', 'in', subtree),
          eb('user_id', 'in', t.db.selectFrom('users').select('id').where('tenant_id', 'in', subtree)),
        ]),
      )
      .orderBy('id')
      .execute(),
    // last_access_* moves whenever P2's own client signs in; everything else must not.
    t.db
      .selectFrom('api_clients')
      .select(['id', 'tenant_id', 'secret_hash', 'name', 'auth_method', 'status', 'created_by', 'created_at'])
      .where('tenant_id', 'in', subtree)
      .orderBy('id')
      .execute(),
  ]);
  return { tenants, closure, users, policies, clients, contacts, tokens, mail, audit };
}

/** A list answer without its `timestamp` (the time of the answer, not of the data). */
const untimed = ({ timestamp: _at, ...list }: any) => list;

/** What P2's admin reads through the API: each object with its version. */
async function p2AsSeenByP2() {
  const tenants = await Promise.all(
    tenantTargets.map(async (target) => ok<any>(await t.call(p2.admin, 'GET', `/api/2/tenants/${tenantId(target)}`))),
  );
  const users = await Promise.all(
    userTargets.map(async (target) => ok<any>(await t.call(p2.admin, 'GET', `/api/2/users/${userId(target)}`))),
  );
  const policies = await Promise.all(
    userTargets.map(async (target) =>
      ok<any>(await t.call(p2.admin, 'GET', `/api/2/users/${userId(target)}/access_policies`)),
    ),
  );
  const client = ok<any>(await t.call(p2.admin, 'GET', `/api/2/clients/${p2.client.clientId}`));
  const { last_access_at: _at, last_access_from_ip: _ip, ...clientWithoutAccess } = client;
  const contacts = await Promise.all(
    contactTargets.map(async (target) =>
      ok<any>(await t.call(p2.admin, 'GET', `/api/2/contacts/${p2Contacts[target]}`)),
    ),
  );
  const contactIds = await Promise.all(
    tenantTargets.map(async (target) =>
      ok<any>(await t.call(p2.admin, 'GET', `/api/2/tenants/${tenantId(target)}/contacts`)),
    ),
  );
  const contactLists = await Promise.all(
    tenantTargets.map(async (target) =>
      untimed(ok<any>(await t.call(p2.admin, 'GET', `/api/2/contacts?tenant_id=${tenantId(target)}`))),
    ),
  );
  const withContacts = untimed(
    ok<any>(
      await t.call(p2.admin, 'GET', `/api/2/tenants?uuids=${tenantTargets.map(tenantId).join(',')}&with_contacts=true`),
    ),
  );
  const audit = await Promise.all(
    tenantTargets.map(async (target) =>
      untimed(ok<any>(await t.call(p2.admin, 'GET', `/api/2/audit?tenant_id=${tenantId(target)}&limit=500`))),
    ),
  );
  return {
    tenants,
    users,
    policies,
    client: clientWithoutAccess,
    contacts,
    contactIds,
    contactLists,
    withContacts,
    audit,
  };
}

describe("P1 against every route applied to P2's objects", () => {
  let rowsBefore: Awaited<ReturnType<typeof p2Rows>>;
  let apiBefore: Awaited<ReturnType<typeof p2AsSeenByP2>>;
  beforeAll(async () => {
    rowsBefore = await p2Rows();
    apiBefore = await p2AsSeenByP2();
    // Sanity: the snapshot really holds P2's world, so comparing it later means something.
    expect(rowsBefore.tenants).toHaveLength(3);
    expect(rowsBefore.users.map((u) => u.id)).toEqual(
      expect.arrayContaining([p2.admin.userId, p2.customerAdmin.userId, p2UnitUserId]),
    );
    expect(rowsBefore.policies.length).toBeGreaterThanOrEqual(3);
    expect(rowsBefore.clients).toHaveLength(1);
    expect(rowsBefore.contacts.map((c) => c.id).sort()).toEqual(Object.values(p2Contacts).sort());
    const open = rowsBefore.tokens.filter((row) => row.purpose === 'email_change' && !row.used_at && !row.revoked_at);
    expect(open.map((row) => row.new_email).sort()).toEqual(Object.values(pendingEmail).sort());
    // Each pending change mailed a confirmation to the new address and a notice to the old one.
    expect(rowsBefore.mail.filter((m) => m.status === 'sent').map((m) => m.to_address)).toEqual(
      expect.arrayContaining(Object.values(pendingEmail)),
    );
    expect(rowsBefore.audit.filter((e) => e.object_type === 'contact').length).toBeGreaterThanOrEqual(
      contactTargets.length,
    );
    expect(apiBefore.contacts.map((c: any) => c.pending_email)).toEqual([
      null,
      pendingEmail['P2 partner linked'],
      null,
      pendingEmail['P2 customer linked'],
      null,
    ]);
  });

  describe.each(callers)("as P1's %s", (caller) => {
    it.each(probes)('$route on $target → hidden', async (probe) => {
      expectHidden(await probe.send(p1[caller]), probe.hidden);
    });

    it("GET /tenants?uuids= and /users?uuids= mixing P1's and P2's ids answer only P1's", async () => {
      const tenants = await t.call(
        p1[caller],
        'GET',
        `/api/2/tenants?uuids=${p1.customerId},${p2.partnerId},${p2.customerId},${p2UnitId}`,
      );
      expect(tenants.status).toBe(200);
      expect(tenants.body.items.map((x: any) => x.id)).toEqual([p1.customerId]);
      const users = await t.call(
        p1[caller],
        'GET',
        `/api/2/users?uuids=${p1.customerAdmin.userId},${p2.admin.userId},${p2.customerAdmin.userId}`,
      );
      expect(users.status).toBe(200);
      expect(users.body.items.map((x: any) => x.id)).toEqual([p1.customerAdmin.userId]);
    });

    it('GET /tenants and /users over its own subtree list nothing of P2', async () => {
      const p2Ids = new Set([
        p2.partnerId,
        p2.customerId,
        p2UnitId,
        p2.admin.userId,
        p2.readonly.userId,
        p2.customerAdmin.userId,
        p2UnitUserId,
      ]);
      const tenants = await t.call(p1[caller], 'GET', '/api/2/tenants?allow_deleted=true');
      expect(tenants.status).toBe(200);
      expect(tenants.body.items.map((x: any) => x.id)).toContain(p1.customerId);
      expect(tenants.body.items.filter((x: any) => p2Ids.has(x.id))).toEqual([]);
      const users = await t.call(p1[caller], 'GET', `/api/2/users?subtree_root_tenant_id=${p1.partnerId}`);
      expect(users.status).toBe(200);
      expect(users.body.items.map((x: any) => x.id)).toContain(p1.customerAdmin.userId);
      expect(users.body.items.filter((x: any) => p2Ids.has(x.id))).toEqual([]);
    });

    it("a forged paging cursor naming P2's subtree still answers nothing of P2", async () => {
      const cursor = (state: object) => Buffer.from(JSON.stringify(state)).toString('base64url');
      // Well-formed (a cursor of the right shape starts after the lowest id), so it reaches the query and its scope.
      const zeroId = '00000000-0000-0000-0000-000000000000';
      const tenants = await t.call(
        p1[caller],
        'GET',
        `/api/2/tenants?after=${cursor({ subtreeRootId: p2.partnerId, allowDeleted: true, afterId: zeroId })}`,
      );
      expectHidden(tenants, 'filtered');
      const users = await t.call(
        p1[caller],
        'GET',
        `/api/2/users?after=${cursor({ subtreeRootId: p2.partnerId, withPolicies: true, afterId: zeroId })}`,
      );
      expectHidden(users, 'filtered');
    });

    it.each([
      ["P2's partner name", 'Partner P2'],
      ["P2's customer name", 'Customer of P2'],
      ["a P2 user's login", 'p2-unit-user'],
      ["a P2 user's email", 'unit.user@p2.example.test'],
      ["a P2 user's last name", 'Zweiter'],
    ])('GET /search?text=<%s> finds nothing of P2 (while P2 finds it)', async (_what, text) => {
      const url = `/api/2/search?text=${encodeURIComponent(text)}`;
      const asP2 = await t.call(p2.admin, 'GET', `${url}&tenant=${p2.partnerId}`);
      expect(asP2.status).toBe(200);
      expect(asP2.body.items.length).toBeGreaterThan(0);
      const res = await t.call(p1[caller], 'GET', url);
      expect(res.status).toBe(200);
      const leaked = new Set(asP2.body.items.map((hit: any) => hit.id));
      expect(res.body.items.filter((hit: any) => leaked.has(hit.id))).toEqual([]);
    });

    it("GET /contacts?uuids= and /tenants?uuids=&with_contacts=true mixing P1's and P2's ids answer only P1's", async () => {
      const contacts = await t.call(
        p1[caller],
        'GET',
        `/api/2/contacts?uuids=${[p1Contacts.standalone, ...Object.values(p2Contacts), p1Contacts.linked].join(',')}`,
      );
      expect(contacts.status).toBe(200);
      expect(contacts.body.items.map((x: any) => x.id).sort()).toEqual(
        [p1Contacts.standalone, p1Contacts.linked].sort(),
      );
      expectNothingOfP2(contacts.body);
      const tenants = await t.call(
        p1[caller],
        'GET',
        `/api/2/tenants?uuids=${p1.customerId},${p2.partnerId},${p2.customerId},${p2UnitId}&with_contacts=true`,
      );
      expect(tenants.status).toBe(200);
      expect(tenants.body.items.map((x: any) => x.id)).toEqual([p1.customerId]);
      expect(tenants.body.items[0].contacts.map((x: any) => x.id).sort()).toEqual(
        [p1Contacts.standalone, p1Contacts.linked].sort(),
      );
      expectNothingOfP2(tenants.body);
    });

    it.each([
      ['tenant_id=<P1 partner>', () => `tenant_id=${p1.partnerId}`],
      ['tenant_id=<P1 customer>', () => `tenant_id=${p1.customerId}`],
      ['subtree_root_tenant_id=<P1 partner>', () => `subtree_root_tenant_id=${p1.partnerId}`],
    ])('GET /users?%s&order=(-)contact_types lists nothing of P2, on any page', async (_what, filter) => {
      for (const order of ['contact_types', '-contact_types']) {
        const whole = await t.call(p1[caller], 'GET', `/api/2/users?${filter()}&order=${order}`);
        expect(whole.status).toBe(200);
        expect(whole.body.items.length).toBeGreaterThan(0);
        expectNothingOfP2(whole.body);
        const seen: string[] = [];
        let url = `/api/2/users?${filter()}&order=${order}&limit=1`;
        for (let page = 0; page < 20 && url; page++) {
          const res = await t.call(p1[caller], 'GET', url);
          expect(res.status).toBe(200);
          expectNothingOfP2(res.body);
          seen.push(...res.body.items.map((x: any) => x.id));
          const after = res.body.paging?.cursors?.after;
          url = after ? `/api/2/users?limit=1&after=${after}` : '';
        }
        expect(seen).toEqual(whole.body.items.map((x: any) => x.id));
      }
      // Sanity: the column shows P1's own contact types, so the sort really ran over contacts.
      const own = await t.call(p1[caller], 'GET', `/api/2/users?tenant_id=${p1.customerId}&order=contact_types`);
      expect(own.body.items.find((x: any) => x.id === p1.customerAdmin.userId)?.contact.types).toEqual(['technical']);
    });

    it('GET /audit?tenant_id=<its own tenants> tells nothing of P2', async () => {
      for (const tenant of [p1.partnerId, p1.customerId]) {
        const res = await t.call(p1[caller], 'GET', `/api/2/audit?tenant_id=${tenant}&limit=500`);
        expect(res.status).toBe(200);
        expectNothingOfP2(res.body);
      }
      // Sanity: P1's trail is not empty (its contacts were created), so the check above means something.
      const own = await t.call(
        p1[caller],
        'GET',
        `/api/2/audit?tenant_id=${p1.customerId}&object_id=${p1Contacts.standalone}`,
      );
      expect(own.body.items.map((e: any) => e.action)).toEqual(['create']);
    });

    it("cursors of its own lists rewritten to name P2's contacts, tenants or users answer nothing of P2", async () => {
      const as = p1[caller];
      /** A real cursor P1 was handed, with P1's ids swapped for P2's and the position reset to the start. */
      const forge = async (url: string, swap: Record<string, string>) => {
        const first = await t.call(as, 'GET', url);
        const after = first.body.paging?.cursors?.after;
        expect(after, `${url}: no cursor to rewrite`).toEqual(expect.any(String));
        let state = Buffer.from(after, 'base64url').toString('utf8');
        for (const [mine, theirs] of Object.entries(swap)) {
          expect(state, `${url}: the cursor does not name ${mine}`).toContain(mine);
          state = state.replaceAll(mine, theirs);
        }
        const position = JSON.parse(state);
        if ('afterId' in position) position.afterId = '00000000-0000-0000-0000-000000000000';
        if ('afterKey' in position) position.afterKey = '';
        return Buffer.from(JSON.stringify(position)).toString('base64url');
      };
      const ids = `/api/2/contacts?uuids=${p1Contacts.standalone},${p1Contacts.linked}&limit=1`;
      const p2CustomerContacts = {
        [p1Contacts.standalone]: p2Contacts['P2 customer standalone'],
        [p1Contacts.linked]: p2Contacts['P2 customer linked'],
      };
      expectHidden(
        await t.call(as, 'GET', `/api/2/contacts?limit=1000&after=${await forge(ids, p2CustomerContacts)}`),
        'filtered',
      );
      for (const target of tenantTargets) {
        const byTenant = await forge(`/api/2/contacts?tenant_id=${p1.customerId}&limit=1`, {
          [p1.customerId]: tenantId(target),
        });
        expectHidden(await t.call(as, 'GET', `/api/2/contacts?limit=1000&after=${byTenant}`), 'filtered');
      }
      const users = await forge(`/api/2/users?subtree_root_tenant_id=${p1.partnerId}&order=contact_types&limit=1`, {
        [p1.partnerId]: p2.partnerId,
      });
      expectHidden(await t.call(as, 'GET', `/api/2/users?limit=1000&after=${users}`), 'filtered');
      const audit = await t.call(
        as,
        'GET',
        `/api/2/audit?tenant_id=${p1.partnerId}&after=${Buffer.from(JSON.stringify({ afterId: Number.MAX_SAFE_INTEGER })).toString('base64url')}`,
      );
      expect(audit.status).toBe(200);
      expectNothingOfP2(audit.body);
    });

    it('GET /mailbox → 403 1002 (platform admins only), leaking nothing', async () => {
      // Sanity: the mailbox holds P2's messages, so a leak would show.
      const asRoot = await t.call(t.root, 'GET', '/api/2/mailbox?limit=200');
      expect(asRoot.status).toBe(200);
      expect(asRoot.body.items.map((m: any) => m.to)).toEqual(expect.arrayContaining(Object.values(pendingEmail)));
      for (const url of ['/api/2/mailbox', '/api/2/mailbox?limit=200']) {
        const res = await t.call(p1[caller], 'GET', url);
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe(1002);
        expect(res.body.items).toBeUndefined();
        expectNothingOfP2(res.body);
      }
    });

    it.each(userTargets)(
      'POST /contacts into its own customer with user_id of %s answers as for an unknown id',
      async (target) => {
        const send = (user: string) =>
          t.call(p1[caller], 'POST', '/api/2/contacts', {
            tenant_id: p1.customerId,
            types: ['billing'],
            user_id: user,
          });
        const withP2User = await send(userId(target));
        const withUnknown = await send(randomUUID());
        expect({ status: withP2User.status, body: withP2User.body }).toEqual({
          status: withUnknown.status,
          body: withUnknown.body,
        });
        if (caller === 'readonly') {
          expect(withP2User.status).toBe(403);
          expect(withP2User.body.error.code).toBe(1002);
        } else {
          expect(withP2User.status).toBe(400);
          expect(withP2User.body.error.code).toBe('validation_failed');
          expect(withP2User.body.error.context.fields).toEqual(['user_id']);
        }
      },
    );
  });

  it.each(['admin', 'client'] as const)(
    "P1's %s may give its own contact the address of a P2 contact (no cross-partner oracle)",
    async (caller) => {
      const email = caller === 'admin' ? 'Carla.Tech@P2.example.test' : 'paula.billing@p2.example.test';
      const res = await t.call(p1[caller], 'POST', '/api/2/contacts', {
        tenant_id: p1.customerId,
        types: ['technical'],
        firstname: 'Namesake',
        lastname: 'Erster',
        email,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ tenant_id: p1.customerId, email, user_id: null });
    },
  );

  it.each(['admin', 'client'] as const)(
    "P1's %s cannot grant a P1 user a role on P2's tenant (400 naming the field)",
    async (caller) => {
      const user = p1.customerAdmin.userId;
      const before = ok<any>(await t.call(p1.admin, 'GET', `/api/2/users/${user}/access_policies`));
      const res = await t.call(p1[caller], 'PUT', `/api/2/users/${user}/access_policies`, {
        items: [{ tenant_id: p2.partnerId, role_id: 'partner_admin' }],
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.context.fields).toEqual(['items.0.tenant_id']);
      expect(ok<any>(await t.call(p1.admin, 'GET', `/api/2/users/${user}/access_policies`))).toEqual(before);
    },
  );

  it('left every stored row of P2 exactly as it was', async () => {
    expect(await p2Rows()).toEqual(rowsBefore);
  });

  it('left every P2 object at the version P2 read, unchanged', async () => {
    expect(await p2AsSeenByP2()).toEqual(apiBefore);
  });

  it('nothing was planted anywhere under a name the probes used', async () => {
    const planted = await t.db
      .selectFrom('tenants')
      .select('id')
      .where('name', 'in', ['Planted', 'Taken over'])
      .execute();
    const users = await t.db
      .selectFrom('users')
      .select('id')
      .where(sql<boolean>`login LIKE 'planted-%' OR login LIKE 'stolen-%'`)
      .execute();
    const clients = await t.db
      .selectFrom('api_clients')
      .select('id')
      .where('name', 'in', ['Planted', 'Taken over'])
      .execute();
    const contacts = await t.db
      .selectFrom('contacts')
      .select('id')
      .where(
        sql<boolean>`firstname IN ('Planted', 'Taken') OR email LIKE 'planted-%' OR email = 'attacker@p1.example.test'`,
      )
      .execute();
    const tokens = await t.db
      .selectFrom('user_tokens')
      .select('id')
      .where('new_email', '=', 'attacker@p1.example.test')
      .execute();
    const mail = await t.db
      .selectFrom('mail_outbox')
      .select('id')
      .where(sql<boolean>`to_address LIKE 'planted-%' OR to_address = 'attacker@p1.example.test'`)
      .execute();
    expect({ planted, users, clients, contacts, tokens, mail }).toEqual({
      planted: [],
      users: [],
      clients: [],
      contacts: [],
      tokens: [],
      mail: [],
    });
  });
});

describe('P2 after the attempts', () => {
  it.each(['admin', 'client'] as const)("P2's %s still reads its customer and the customer's users", async (caller) => {
    const as = p2[caller];
    const customer = await t.call(as, 'GET', `/api/2/tenants/${p2.customerId}`);
    expect(customer.status).toBe(200);
    expect(customer.body).toMatchObject({ id: p2.customerId, name: 'Customer of P2', enabled: true });
    const ids = await t.call(as, 'GET', `/api/2/tenants/${p2.customerId}/users`);
    expect(ids.status).toBe(200);
    expect([...ids.body.items].sort()).toEqual([p2.customerAdmin.userId, p2SpareUserId].sort());
    const user = await t.call(as, 'GET', `/api/2/users/${p2.customerAdmin.userId}`);
    expect(user.status).toBe(200);
    expect(user.body).toMatchObject({ id: p2.customerAdmin.userId, tenant_id: p2.customerId, enabled: true });
    const children = await t.call(as, 'GET', `/api/2/tenants/${p2.customerId}/children`);
    expect(children.status).toBe(200);
    expect(children.body.items).toEqual([p2UnitId]);
  });

  it("P2's customer admin cannot read P2's partner tenant, its admins or search from it (404)", async () => {
    const as = p2.customerAdmin;
    expectHidden(await t.call(as, 'GET', `/api/2/tenants/${p2.partnerId}`), 1005);
    expectHidden(await t.call(as, 'GET', `/api/2/tenants/${p2.partnerId}/children`), 1005);
    expectHidden(await t.call(as, 'GET', `/api/2/tenants?uuids=${p2.partnerId}`), 'filtered');
    expectHidden(await t.call(as, 'GET', `/api/2/users/${p2.admin.userId}`), 'not_found');
    expectHidden(await t.call(as, 'GET', `/api/2/clients/${p2.client.clientId}`), 'not_found');
    expectHidden(await t.call(as, 'GET', `/api/2/search?tenant=${p2.partnerId}&text=P2`), 1005);
    // …while its own tenant stays readable.
    expect((await t.call(as, 'GET', `/api/2/tenants/${p2.customerId}`)).status).toBe(200);
  });

  it.each(['admin', 'client'] as const)(
    "P2's %s still reads the contacts of its partner, customer and unit, pending changes intact",
    async (caller) => {
      const as = p2[caller];
      const of: [string, ContactTarget[]][] = [
        [p2.partnerId, ['P2 partner standalone', 'P2 partner linked']],
        [p2.customerId, ['P2 customer standalone', 'P2 customer linked']],
        [p2UnitId, ['P2 unit standalone']],
      ];
      for (const [tenant, targets] of of) {
        const expected = targets.map((target) => p2Contacts[target]).sort();
        const ids = await t.call(as, 'GET', `/api/2/tenants/${tenant}/contacts`);
        expect(ids.status).toBe(200);
        expect([...ids.body.items].sort()).toEqual(expected);
        const list = await t.call(as, 'GET', `/api/2/contacts?tenant_id=${tenant}`);
        expect(list.status).toBe(200);
        expect(list.body.items.map((c: any) => c.id).sort()).toEqual(expected);
      }
      const linked = await t.call(as, 'GET', `/api/2/contacts/${p2Contacts['P2 customer linked']}`);
      expect(linked.status).toBe(200);
      expect(linked.body).toMatchObject({
        user_id: p2.customerAdmin.userId,
        email: `${p2.customerAdmin.name}@example.test`,
        pending_email: pendingEmail['P2 customer linked'],
        types: ['billing'],
      });
    },
  );

  it("a partner's edit of its customer's contacts is seen by the customer admin at once, and the other way round", async () => {
    const standalone = `/api/2/contacts/${p2Contacts['P2 customer standalone']}`;
    const byPartner = await t.call(p2.admin, 'PUT', standalone, {
      version: await versionAsP2(standalone),
      types: ['technical', 'billing'],
      title: 'Head of IT',
    });
    expect(byPartner.status).toBe(200);
    expect(byPartner.body).toMatchObject({ types: ['billing', 'technical'], title: 'Head of IT' });
    expect((await t.call(p2.customerAdmin, 'GET', standalone)).body).toEqual(byPartner.body);

    const byCustomer = await t.call(p2.customerAdmin, 'PUT', standalone, {
      version: byPartner.body.version,
      phone: '+39 06 5555',
    });
    expect(byCustomer.status).toBe(200);
    expect(byCustomer.body).toMatchObject({
      phone: '+39 06 5555',
      title: 'Head of IT',
      version: byPartner.body.version + 1,
    });
    expect((await t.call(p2.admin, 'GET', standalone)).body).toEqual(byCustomer.body);

    // A linked contact: the person's fields land on the user, and its Users row shows the types.
    const linked = `/api/2/contacts/${p2Contacts['P2 customer linked']}`;
    const renamed = await t.call(p2.admin, 'PUT', linked, {
      version: await versionAsP2(linked),
      firstname: 'Carlotta',
      types: ['management', 'billing'],
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      firstname: 'Carlotta',
      types: ['billing', 'management'],
      pending_email: pendingEmail['P2 customer linked'],
    });
    expect((await t.call(p2.customerAdmin, 'GET', linked)).body).toEqual(renamed.body);
    const user = await t.call(p2.customerAdmin, 'GET', `/api/2/users/${p2.customerAdmin.userId}`);
    expect(user.body.contact).toMatchObject({ firstname: 'Carlotta', types: ['billing', 'management'] });
    const column = await t.call(
      p2.customerAdmin,
      'GET',
      `/api/2/users?tenant_id=${p2.customerId}&order=-contact_types`,
    );
    expect(column.status).toBe(200);
    expect(column.body.items.map((u: any) => [u.id, u.contact.types])).toEqual([
      [p2.customerAdmin.userId, ['billing', 'management']],
      [p2SpareUserId, []],
    ]);
  });

  it("P2's customer admin cannot read or touch P2 partner's own contacts (404, never 403)", async () => {
    const as = p2.customerAdmin;
    const partnerContacts = ['P2 partner standalone', 'P2 partner linked'] as const;
    const before = await Promise.all(
      partnerContacts.map(async (target) =>
        ok<any>(await t.call(p2.admin, 'GET', `/api/2/contacts/${p2Contacts[target]}`)),
      ),
    );
    for (const target of partnerContacts) {
      const url = `/api/2/contacts/${p2Contacts[target]}`;
      expectHidden(await t.call(as, 'GET', url), 'not_found');
      expectHidden(await t.call(as, 'PUT', url, { version: await versionAsP2(url), firstname: 'Taken' }), 'not_found');
      expectHidden(await t.call(as, 'DELETE', `${url}?version=${await versionAsP2(url)}`), 'not_found');
      expectHidden(await t.call(as, 'DELETE', `${url}/pending-email`), 'not_found');
      expectHidden(await t.call(as, 'POST', `${url}/pending-email/resend`), 'not_found');
      expectHidden(await t.call(as, 'GET', `/api/2/contacts?uuids=${p2Contacts[target]}`), 'filtered');
    }
    expectHidden(await t.call(as, 'GET', `/api/2/tenants/${p2.partnerId}/contacts`), 1005);
    expectHidden(await t.call(as, 'GET', `/api/2/contacts?tenant_id=${p2.partnerId}`), 'filtered');
    expectHidden(await t.call(as, 'GET', `/api/2/tenants?uuids=${p2.partnerId}&with_contacts=true`), 'filtered');
    expectHidden(await t.call(as, 'GET', `/api/2/audit?tenant_id=${p2.partnerId}`), 1005);
    expectHidden(
      await t.call(as, 'POST', '/api/2/contacts', {
        tenant_id: p2.partnerId,
        types: ['billing'],
        firstname: 'Planted',
        lastname: 'Upwards',
        email: 'planted-up@p2.example.test',
      }),
      1005,
    );
    expectHidden(await t.call(as, 'POST', `/api/2/users/${p2.admin.userId}/send-activation-email`), 'not_found');
    // …while its own tenant's contacts, and only they, stay readable.
    const own = await t.call(as, 'GET', `/api/2/tenants?uuids=${p2.customerId},${p2.partnerId}&with_contacts=true`);
    expect(own.status).toBe(200);
    expect(own.body.items.map((x: any) => x.id)).toEqual([p2.customerId]);
    expect(own.body.items[0].contacts.map((c: any) => c.id).sort()).toEqual(
      [p2Contacts['P2 customer standalone'], p2Contacts['P2 customer linked']].sort(),
    );
    const after = await Promise.all(
      partnerContacts.map(async (target) =>
        ok<any>(await t.call(p2.admin, 'GET', `/api/2/contacts/${p2Contacts[target]}`)),
      ),
    );
    expect(after).toEqual(before);
  });

  it("P2's pending change still confirms with the link first mailed (P1's resend and cancel did nothing)", async () => {
    const mailbox = ok<any>(await t.call(t.root, 'GET', '/api/2/mailbox?limit=200'));
    const confirmations = mailbox.items.filter(
      (m: any) => m.to === pendingEmail['P2 customer linked'] && m.kind === 'email_change_confirmation',
    );
    expect(confirmations).toHaveLength(1);
    const link = /https?:\/\/\S+\/confirm-email\?token=(\S+)/.exec(confirmations[0].text);
    expect(link, confirmations[0].text).not.toBeNull();
    const confirmed = await t.call(undefined, 'POST', '/api/2/email-confirmations', {
      token: decodeURIComponent(link![1]),
    });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toEqual({ user_id: p2.customerAdmin.userId, email: pendingEmail['P2 customer linked'] });
    const contact = await t.call(p2.customerAdmin, 'GET', `/api/2/contacts/${p2Contacts['P2 customer linked']}`);
    expect(contact.body).toMatchObject({ email: pendingEmail['P2 customer linked'], pending_email: null });
    // No stray copies: one confirmation went to each new address, none anywhere else from P1.
    expect(mailbox.items.filter((m: any) => m.to === pendingEmail['P2 partner linked'])).toHaveLength(1);
  });
});
