import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type TenantKind = 'root' | 'partner' | 'folder' | 'customer' | 'unit';
export type RoleId = 'partner_admin' | 'company_admin' | 'readonly_admin' | 'user';

/** The tenant's legal contact card (company address), kept as one JSON document. */
interface TenantContactCard {
  email?: string;
  firstname?: string;
  lastname?: string;
  phone?: string;
  title?: string;
  address1?: string;
  address2?: string;
  city?: string;
  state?: string;
  zipcode?: string;
  country?: string;
  website?: string;
}

interface TenantTable {
  id: Generated<string>;
  parent_id: string;
  name: string;
  kind: TenantKind;
  enabled: Generated<boolean>;
  language: Generated<string>;
  customer_id: string | null;
  internal_tag: string | null;
  contact: ColumnType<TenantContactCard, string | undefined, string>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

interface TenantClosureTable {
  ancestor_id: string;
  descendant_id: string;
  depth: number;
}

interface UserTable {
  id: Generated<string>;
  tenant_id: string;
  login: string;
  email: string;
  firstname: Generated<string>;
  lastname: Generated<string>;
  phone: string | null;
  title: string | null;
  language: Generated<string>;
  enabled: Generated<boolean>;
  activated: Generated<boolean>;
  password_hash: string | null;
  business_types: Generated<string[]>;
  notifications: Generated<string[]>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

interface AccessPolicyTable {
  id: Generated<string>;
  user_id: string;
  tenant_id: string;
  role_id: RoleId;
  issuer_id: string;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ApiClientTable {
  id: Generated<string>;
  tenant_id: string;
  secret_hash: string;
  name: string;
  auth_method: string;
  status: Generated<string>;
  created_by: string | null;
  created_at: CreatedAt;
  last_access_at: Timestamp | null;
  last_access_from_ip: string | null;
}

interface AccessTokenTable {
  token_hash: string;
  subject_type: 'user' | 'client';
  subject_id: string;
  expires_at: Timestamp;
  created_at: CreatedAt;
}

interface AuthFailureTable {
  key: string;
  failures: number;
  window_started_at: Timestamp;
}

export type ContactType = 'billing' | 'technical' | 'management';

export interface ContactTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string | null;
  types: ContactType[];
  firstname: string | null;
  lastname: string | null;
  email: string | null;
  phone: string | null;
  title: string | null;
  language: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  state: string | null;
  zipcode: string | null;
  country: string | null;
  website: string | null;
  industry: string | null;
  organization_size: '1-10' | '11-100' | '101-500' | '501-1000' | '5000+' | null;
  fax: string | null;
  validation_state: Generated<'valid' | 'invalid'>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

interface UserTokenTable {
  id: Generated<string>;
  user_id: string;
  purpose: 'activation' | 'email_change';
  new_email: string | null;
  token_hash: string;
  expires_at: Timestamp;
  created_at: CreatedAt;
  last_sent_at: Timestamp;
  sends: Generated<number>;
  used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

interface MailOutboxTable {
  id: Generated<string>;
  tenant_id: string | null;
  kind: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  status: Generated<'pending' | 'sent' | 'failed'>;
  transport: string | null;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  created_at: CreatedAt;
  sent_at: Timestamp | null;
}

interface AuditEventTable {
  id: Generated<number>;
  tenant_id: string;
  object_type: string;
  object_id: string;
  action: string;
  actor_type: string;
  actor_id: string | null;
  before: ColumnType<unknown, string | null, never> | null;
  after: ColumnType<unknown, string | null, never> | null;
  created_at: CreatedAt;
}

export interface LocalizedText {
  en: string;
  it?: string;
}

interface AnnouncementTable {
  id: Generated<string>;
  scope_tenant_id: string;
  category: ContactType;
  subject: ColumnType<LocalizedText, string, string>;
  body: ColumnType<LocalizedText, string, string>;
  fallback: 'none' | 'ancestor';
  status: Generated<'enqueuing' | 'queued' | 'sending' | 'done'>;
  recipients: Generated<number>;
  skipped: Generated<number>;
  enqueue_after: string | null;
  /** How far fallback climbs: the announcer's tenant (null: the scope). */
  fallback_ceiling_id: string | null;
  /** A test message to one contact (left out of announcement lists). */
  test: Generated<boolean>;
  created_by_type: string;
  created_by_id: string | null;
  created_at: CreatedAt;
  enqueued_at: Timestamp | null;
  completed_at: Timestamp | null;
}

interface DeliveryTable {
  id: Generated<number>;
  announcement_id: string;
  email: string;
  address: string;
  language: string;
  tenant_ids: string[];
  contact_ids: string[];
  status: Generated<'pending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  sent_at: Timestamp | null;
}

export interface Database {
  announcements: AnnouncementTable;
  deliveries: DeliveryTable;
  contacts: ContactTable;
  user_tokens: UserTokenTable;
  mail_outbox: MailOutboxTable;
  audit_events: AuditEventTable;
  tenants: TenantTable;
  tenant_closure: TenantClosureTable;
  users: UserTable;
  access_policies: AccessPolicyTable;
  api_clients: ApiClientTable;
  access_tokens: AccessTokenTable;
  auth_failures: AuthFailureTable;
}

export type NewTenant = Insertable<TenantTable>;
export type TenantUpdate = Updateable<TenantTable>;
export type NewUser = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;
export type AccessPolicyRow = Selectable<AccessPolicyTable>;
export type ApiClientRow = Selectable<ApiClientTable>;
