import type { Insertable, Selectable, Updateable } from 'kysely';
import type {
  AccessPolicyTable,
  AccessTokenTable,
  ApiClientTable,
  AuthFailureTable,
  ContactTable,
  CoverageOwnTable,
  CoverageSubtreeTable,
  TenantClosureTable,
  TenantTable,
  UserTable,
} from './schema.people.js';
import type {
  AnnouncementTable,
  AuditEventTable,
  DeliveryTable,
  MailOutboxTable,
  OptOutTable,
  SendPaceTable,
  ServerSecretTable,
  UserTokenTable,
} from './schema.notices.js';
import type {
  AttestationCampaignTable,
  AttestationRequestTable,
  AttestationScheduleTable,
} from './schema.attestation.js';
import type { WebhookDeliveryTable, WebhookEventTable, WebhookTable } from './schema.webhooks.js';

/** The database as Kysely sees it: one schema, its tables declared by area in schema.people.ts and schema.notices.ts. */
export type {
  ApiClientTable,
  AttestationState,
  ContactTable,
  ContactType,
  RoleId,
  TenantKind,
} from './schema.people.js';
export type { LocalizedText } from './schema.notices.js';

export interface Database {
  announcements: AnnouncementTable;
  deliveries: DeliveryTable;
  opt_outs: OptOutTable;
  server_secrets: ServerSecretTable;
  send_pace: SendPaceTable;
  contacts: ContactTable;
  user_tokens: UserTokenTable;
  mail_outbox: MailOutboxTable;
  audit_events: AuditEventTable;
  tenants: TenantTable;
  tenant_closure: TenantClosureTable;
  coverage_own: CoverageOwnTable;
  coverage_subtree: CoverageSubtreeTable;
  users: UserTable;
  access_policies: AccessPolicyTable;
  api_clients: ApiClientTable;
  access_tokens: AccessTokenTable;
  auth_failures: AuthFailureTable;
  webhooks: WebhookTable;
  webhook_events: WebhookEventTable;
  webhook_deliveries: WebhookDeliveryTable;
  attestation_campaigns: AttestationCampaignTable;
  attestation_requests: AttestationRequestTable;
  attestation_schedules: AttestationScheduleTable;
}

export type NewTenant = Insertable<TenantTable>;
export type TenantUpdate = Updateable<TenantTable>;
export type NewUser = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;
export type AccessPolicyRow = Selectable<AccessPolicyTable>;
export type ApiClientRow = Selectable<ApiClientTable>;
