import type { TFunction } from 'i18next';
import { ApiFailure } from '../../api/client';
import type { Tenant } from '../../api/loading';

export type ChildKind = 'partner' | 'folder' | 'customer' | 'unit';

/** What each kind may hold: the server's allowedChildren (src/features/tenants/tenant.service.ts), mirrored. */
const allowedChildren: Record<string, ChildKind[]> = {
  root: ['partner', 'folder', 'customer'],
  partner: ['partner', 'folder', 'customer'],
  folder: ['partner', 'folder', 'customer'],
  customer: ['unit'],
  unit: [],
};

export const kindsUnder = (parent: Pick<Tenant, 'kind'>): ChildKind[] => allowedChildren[parent.kind] ?? [];

/** Messages by field (name, kind, language) and one for the whole form, from a refused save. */
export interface ClientErrors {
  fields: Record<string, string>;
  form?: string;
}

const shown = ['name', 'kind', 'language'];

export function clientErrorsOf(e: unknown, t: TFunction): ClientErrors {
  if (!(e instanceof ApiFailure)) return { fields: {}, form: t('app.error', { message: String(e) }) };
  const reason = e.message.replace(/^[\w./]+: /, '');
  if (e.status === 400 && e.fields.length) {
    const fields: Record<string, string> = {};
    for (const raw of e.fields) {
      const field = raw.replace(/^\//, '');
      if (field === 'name') fields.name = t('clients.errors.name');
      else if (shown.includes(field)) fields[field] = t('clients.errors.field', { reason });
    }
    if (Object.keys(fields).length) return { fields };
  }
  return { fields: {}, form: describeFailure(e, t) };
}

/** A refused action in one sentence: the version rule, the tree's rules, else the API's own words. */
export function describeFailure(e: unknown, t: TFunction): string {
  if (!(e instanceof ApiFailure)) return t('app.error', { message: String(e) });
  const code = String(e.code);
  if (e.status === 409 && code === '1001') return t('clients.errors.changed');
  if (code === 'has_children') return t('clients.errors.hasChildren');
  if (code === '1006') return t('clients.errors.enabled');
  if (code === '1003') return t('clients.errors.parentDisabled');
  if (e.status === 403) return t('clients.errors.forbidden');
  if (e.status === 404) return t('clients.errors.gone');
  return t('app.error', { message: e.message });
}
