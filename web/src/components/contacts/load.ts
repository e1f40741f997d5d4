import { api, ok, type Schemas } from '../../api/client';

export type Contact = Schemas['Contact'];
export type User = Schemas['User'];
export type Tenant = Schemas['Tenant'];
export type ContactType = Contact['types'][number];
export const contactTypes: ContactType[] = ['billing', 'technical', 'management'];

interface Page<T> { items: T[]; paging?: { cursors?: { after?: string } } }

/** Follows the opaque `after` cursors until the list is whole. */
async function everyPage<T>(read: (after?: string) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  let after: string | undefined;
  do {
    const page = await read(after);
    all.push(...page.items);
    after = page.items.length ? page.paging?.cursors?.after : undefined;
  } while (after);
  return all;
}

export const loadContacts = (tenantId: string) =>
  everyPage((after) => ok(api.GET('/api/2/contacts', { params: { query: after ? { after } : { tenant_id: tenantId } } })));

export type UserOrder = 'login' | '-login' | 'name' | '-name' | 'contact_types' | '-contact_types' | 'status' | '-status';
export const loadUsers = (tenantId: string, order?: UserOrder) =>
  everyPage((after) => ok(api.GET('/api/2/users', { params: { query: after ? { after } : { tenant_id: tenantId, ...(order ? { order } : {}) } } })));

export const loadTenant = (id: string) => ok(api.GET('/api/2/tenants/{id}', { params: { path: { id } } }));

export const fullName = (p: { firstname?: string; lastname?: string }) => [p.firstname, p.lastname].filter(Boolean).join(' ');
