import type { Static } from '@sinclair/typebox';
import type { AccessPolicyRow } from '../../platform/db/schema.js';
import type { UserRecord } from './user.repository.js';
import { cardAnswersOf } from '../../platform/http/contact-card.js';
import type { AccessPolicy, User } from './user.schemas.js';

export function toPolicy(row: AccessPolicyRow): Static<typeof AccessPolicy> {
  return {
    id: row.id,
    version: row.version,
    trustee_id: row.user_id,
    trustee_type: 'user',
    issuer_id: row.issuer_id,
    tenant_id: row.tenant_id,
    role_id: row.role_id,
    resource_namespace: row.resource_namespace,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    deleted_at: null,
  };
}

export function toUser(row: UserRecord, policies?: AccessPolicyRow[]): Static<typeof User> {
  return {
    id: row.id,
    version: row.version,
    tenant_id: row.tenant_id,
    login: row.login,
    contact: {
      email: row.email,
      firstname: row.firstname,
      lastname: row.lastname,
      phone: row.phone,
      title: row.title,
      language: row.language,
      types: row.contact_types,
      email_confirmed: row.activated,
      ...cardAnswersOf(row.card),
    },
    activated: row.activated,
    enabled: row.enabled,
    language: row.language,
    personal_tenant_id: null,
    business_types: row.business_types,
    notifications: row.notifications,
    ...(policies ? { access_policies: policies.filter((p) => p.user_id === row.id).map(toPolicy) } : {}),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    deleted_at: row.deleted_at ? row.deleted_at.toISOString() : null,
  };
}
