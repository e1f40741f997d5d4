import type { TFunction } from 'i18next';
import { api, ApiFailure, ok } from '../../api/client';
import { loadTenants, type Tenant } from '../../api/loading';
import { forgetMayWrite } from '../../api/roles';
import { formErrorsOf } from '../contacts/errors';

const liaisonRoles = ['partner_admin', 'company_admin', 'readonly_admin', 'user'] as const;
export type LiaisonRole = (typeof liaisonRoles)[number];

/** Where each role may be given: the server's roleKinds (src/features/users/access-policy.service.ts), mirrored. */
const kindsOf: Record<LiaisonRole, string[]> = {
  partner_admin: ['root', 'partner', 'folder'],
  company_admin: ['customer', 'unit'],
  readonly_admin: ['root', 'partner', 'folder', 'customer', 'unit'],
  user: ['root', 'partner', 'folder', 'customer', 'unit'],
};

export const isLiaisonRole = (role: string): role is LiaisonRole => (liaisonRoles as readonly string[]).includes(role);
export const rolesFor = (kind: string) => liaisonRoles.filter((role) => kindsOf[role].includes(kind));

/** One role as the dialog holds it and the PUT sends it back; another product's role keeps its namespace. */
export interface Grant {
  tenant_id: string;
  role_id: string;
  resource_namespace: string | null;
}

export interface Place {
  id: string;
  name: string;
  kind: string;
}

export interface Roles {
  grants: Grant[];
  /** Where a role may be added: the user's company, then its clients by name. */
  choices: Place[];
  /** Every company named above or by a role the caller sees. */
  places: Map<string, Place>;
}

const place = ({ id, name, kind }: Place): Place => ({ id, name, kind });

/** The user's roles and where new ones may go (its company and the clients directly below it). */
export async function loadRoles(userId: string, home: Tenant): Promise<Roles> {
  const [policies, children] = await Promise.all([
    ok(api.GET('/api/2/users/{id}/access_policies', { params: { path: { id: userId } } })),
    ok(api.GET('/api/2/tenants', { params: { query: { parent_id: home.id, lod: 'basic', limit: 1000 } } })),
  ]);
  const below = (children.items as Place[]).map(place).sort((a, b) => a.name.localeCompare(b.name));
  const choices = [place(home), ...below];
  const places = new Map(choices.map((c) => [c.id, c]));
  const unnamed = [...new Set(policies.items.map((p) => p.tenant_id))].filter((id) => !places.has(id));
  for (const tenant of unnamed.length ? await loadTenants(unnamed) : []) places.set(tenant.id, place(tenant));
  const grants = policies.items.map(({ tenant_id, role_id, resource_namespace }) => ({
    tenant_id,
    role_id,
    resource_namespace,
  }));
  return { grants, choices, places };
}

/** Replaces every role of the user with `grants` (the API's PUT takes the whole list). */
export const saveRoles = (userId: string, grants: Grant[]) =>
  ok(
    api.PUT('/api/2/users/{id}/access_policies', {
      params: { path: { id: userId } },
      body: {
        items: grants.map(({ tenant_id, role_id, resource_namespace }) => ({
          tenant_id,
          role_id,
          ...(resource_namespace ? { resource_namespace } : {}),
        })),
      },
    }),
  ).finally(() => forgetMayWrite(userId));

export const sameGrant = (a: Grant, b: Grant) =>
  a.tenant_id === b.tenant_id && a.role_id === b.role_id && (a.resource_namespace ?? null) === b.resource_namespace;

/** A refused save: messages by position in the list sent (items.N), and one for the whole dialog. */
export interface RoleErrors {
  rows: Record<number, string>;
  form?: string;
}

export function roleErrorsOf(e: unknown, t: TFunction): RoleErrors {
  if (e instanceof ApiFailure && e.status === 409 && String(e.code) === 'own_admin_role_required')
    return { rows: {}, form: t('users.roles.errors.ownLast') };
  if (e instanceof ApiFailure && e.status === 400) {
    const rows: Record<number, string> = {};
    for (const field of e.fields) {
      const named = /^items\.(\d+)\.(\w+)$/.exec(field);
      if (!named) continue;
      rows[Number(named[1])] = t(named[2] === 'tenant_id' ? 'users.roles.errors.tenant' : 'users.roles.errors.role');
    }
    if (Object.keys(rows).length) return { rows };
  }
  if (e instanceof ApiFailure && e.status === 403) return { rows: {}, form: t('users.roles.errors.forbidden') };
  if (e instanceof ApiFailure && e.status === 404) return { rows: {}, form: t('users.roles.errors.gone') };
  return { rows: {}, form: formErrorsOf(e, t, []).form };
}
