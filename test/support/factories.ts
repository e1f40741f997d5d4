/**
 * Test data made through the HTTP API, as a caller would make it, so each row passes the same
 * rules as real data. Names, logins and addresses are unique per run of a file; every factory
 * insists on the success status and throws with the answer otherwise, so a broken fixture
 * fails where it is made, not three assertions later.
 */
import { form, type Actor, type Answer, type TestApp } from './test-app.js';

let seq = 0;

/** `base` with a suffix no earlier call in this process returned. */
export const unique = (base: string): string => `${base}-${++seq}`;

/** A unique address in the reserved example.test domain. */
export const uniqueEmail = (base: string): string => `${unique(base)}@example.test`;

/** The answer's body, when its status is the expected one. */
export function expectStatus<T>(answer: Answer<T>, status: number, what: string): T {
  if (answer.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return answer.body;
}

/** Who makes the row: the root admin unless said otherwise. */
interface Made {
  as?: Actor;
  /** Fields sent as they are, over the factory's defaults. */
  fields?: Record<string, unknown>;
}

export interface TenantBody {
  id: string;
  name: string;
  kind: string;
  parent_id: string;
  version: number;
}

export async function createTenant(
  t: TestApp,
  {
    parentId = t.rootTenantId,
    kind = 'customer',
    as = t.root,
    fields,
  }: Made & { parentId?: string; kind?: string } = {},
): Promise<TenantBody> {
  const body = { name: unique(`Tenant ${kind}`), parent_id: parentId, kind, ...fields };
  return expectStatus(await t.call(as, 'POST', '/api/2/tenants', body), 201, 'create tenant');
}

export interface UserBody {
  id: string;
  login: string;
  tenant_id: string;
  version: number;
  contact: Record<string, unknown>;
}

/** A user of `tenantId` with its own contact card (the API requires an e-mail address). */
export async function createUser(
  t: TestApp,
  { tenantId, as = t.root, fields, contact }: Made & { tenantId: string; contact?: Record<string, unknown> },
): Promise<UserBody> {
  const login = unique('person');
  const card = { email: `${login}@example.test`, firstname: 'Ada', lastname: 'Lovelace', ...contact };
  const body = { tenant_id: tenantId, login, contact: card, ...fields };
  return expectStatus(await t.call(as, 'POST', '/api/2/users', body), 200, 'create user');
}

export interface ContactBody {
  id: string;
  tenant_id: string;
  email: string;
  types: string[];
  version: number;
  validation_state: string;
}

/** A contact without a user account; `fields: { user_id }` links a user instead. */
export async function createContact(
  t: TestApp,
  { tenantId, types = ['billing'], as = t.root, fields }: Made & { tenantId: string; types?: string[] },
): Promise<ContactBody> {
  const body = {
    tenant_id: tenantId,
    types,
    firstname: 'Grace',
    lastname: unique('Hopper'),
    email: uniqueEmail('contact'),
    ...fields,
  };
  return expectStatus(await t.call(as, 'POST', '/api/2/contacts', body), 201, 'create contact');
}

export interface ApiClient {
  clientId: string;
  secret: string;
  /** Signed in through the client-credentials grant. */
  actor: Actor;
}

/** An API client of `tenantId`, signed in with its secret. */
export async function createClient(
  t: TestApp,
  { tenantId, as = t.root, fields }: Made & { tenantId: string },
): Promise<ApiClient> {
  const name = unique('Integration');
  const body = { type: 'api_client', tenant_id: tenantId, data: { client_name: name }, ...fields };
  const created = expectStatus(await t.call(as, 'POST', '/api/2/clients', body), 201, 'create client');
  const basic = Buffer.from(`${created.client_id}:${created.client_secret}`).toString('base64');
  const grant = await t.app.inject({
    method: 'POST',
    url: '/api/2/idp/token',
    payload: form({ grant_type: 'client_credentials' }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
  });
  if (grant.statusCode !== 200) throw new Error(`client token: ${grant.statusCode} ${grant.body}`);
  const actor = { name, authorization: `Bearer ${grant.json().access_token}` };
  return { clientId: created.client_id, secret: created.client_secret, actor };
}

export interface AnnouncementBody {
  id: string;
  status: string;
  recipients: number;
  subject: { en: string };
}

/** A technical notice in English, accepted (202) for sending; the subject is unique. */
export async function createAnnouncement(
  t: TestApp,
  { scopeTenantId, as = t.root, fields }: Made & { scopeTenantId?: string } = {},
): Promise<AnnouncementBody> {
  const subject = unique('Notice');
  const body = {
    category: 'technical',
    subject: { en: subject },
    body: { en: `Body of ${subject}` },
    fallback: 'none',
    ...(scopeTenantId ? { scope_tenant_id: scopeTenantId } : {}),
    ...fields,
  };
  return expectStatus(await t.call(as, 'POST', '/api/2/announcements', body), 202, 'create announcement');
}
