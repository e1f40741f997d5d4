import { useEffect, useState } from 'react';
import { api, ok, type Schemas } from '../../api/client';

export type Contact = Schemas['Contact'];
export type User = Schemas['User'];
export type Tenant = Schemas['Tenant'];
export type ContactType = Contact['types'][number];
export const contactTypes: ContactType[] = ['billing', 'technical', 'management'];

interface Page<T> {
  items: T[];
  paging?: { cursors?: { after?: string } };
}

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
  everyPage((after) =>
    ok(api.GET('/api/2/contacts', { params: { query: after ? { after } : { tenant_id: tenantId } } })),
  );

export type UserOrder =
  'login' | '-login' | 'name' | '-name' | 'contact_types' | '-contact_types' | 'status' | '-status';
export const loadUsers = (tenantId: string, order?: UserOrder) =>
  everyPage(
    (after) =>
      // Without lod the items come whole (lod=full): the shape of the full user.
      ok(
        api.GET('/api/2/users', {
          params: { query: after ? { after } : { tenant_id: tenantId, ...(order ? { order } : {}) } },
        }),
      ) as Promise<Page<User>>,
  );

export const loadTenant = (id: string) => ok(api.GET('/api/2/tenants/{id}', { params: { path: { id } } }));

export const fullName = (p: { firstname?: string; lastname?: string }) =>
  [p.firstname, p.lastname].filter(Boolean).join(' ');

/** The user a contact is linked to (for what a change or a delete does to it); undefined until read, or unlinked. */
export function useLinkedUser(userId: string | null | undefined): User | undefined {
  const [user, setUser] = useState<User>();
  useEffect(() => {
    let live = true;
    setUser(undefined);
    if (userId)
      ok(api.GET('/api/2/users/{id}', { params: { path: { id: userId } } })).then(
        (u) => live && setUser(u),
        () => undefined,
      );
    return () => {
      live = false;
    };
  }, [userId]);
  return user;
}
