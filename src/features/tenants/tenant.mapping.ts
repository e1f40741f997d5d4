import type { Static } from '@sinclair/typebox';
import type { TenantRecord } from './tenant.repository.js';
import type { Tenant } from './tenant.schemas.js';

/** A tenant as the established API shows it (the fields it has and Liaison does not hold are constant). */
export function toTenant(row: TenantRecord): Static<typeof Tenant> {
  return {
    id: row.id,
    version: row.version,
    name: row.name,
    kind: row.kind,
    parent_id: row.parent_id,
    enabled: row.enabled,
    language: row.language,
    has_children: row.has_children,
    customer_type: 'default',
    customer_id: row.customer_id,
    internal_tag: row.internal_tag,
    owner_id: null,
    ancestral_access: true,
    update_lock: { enabled: false, owner_id: null },
    contact: row.contact ?? {},
    contacts: [],
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    deleted_at: row.deleted_at ? row.deleted_at.toISOString() : null,
  };
}
