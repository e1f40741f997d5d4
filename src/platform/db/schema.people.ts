import type { ColumnType, Generated } from 'kysely';

// The tables of tenants, users, their roles and credentials, and contacts.

export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type AttestationState = 'confirmed' | 'declined' | 'pending' | 'stale';
export type TenantKind = 'root' | 'partner' | 'folder' | 'customer' | 'unit';
/** The roles Liaison acts on; a policy may hold any other product's role too (it grants nothing here). */
export type RoleId = 'partner_admin' | 'company_admin' | 'readonly_admin' | 'user';

/** The tenant's legal contact card (the established API's card), kept as one JSON document. */
interface TenantContactCard {
  types?: ('legal' | 'primary' | 'billing' | 'technical' | 'management')[];
  email?: string;
  firstname?: string;
  lastname?: string;
  phone?: string;
  title?: string;
  language?: string;
  [cardField: string]: string | string[] | null | undefined;
}

export interface TenantTable {
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

export interface TenantClosureTable {
  ancestor_id: string;
  descendant_id: string;
  depth: number;
}

export interface UserTable {
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
  /** The rest of the established API's contact card (address, website, …), as one JSON document. */
  card: ColumnType<Partial<Record<string, string | null>>, string | undefined, string>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface AccessPolicyTable {
  id: Generated<string>;
  user_id: string;
  tenant_id: string;
  role_id: string;
  /** A product role's namespace (e.g. backup); null for Liaison's roles. */
  resource_namespace: string | null;
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

export interface AccessTokenTable {
  token_hash: string;
  subject_type: 'user' | 'client';
  subject_id: string;
  expires_at: Timestamp;
  created_at: CreatedAt;
}

export interface AuthFailureTable {
  key: string;
  failures: number;
  window_started_at: Timestamp;
}

export type ContactType = 'billing' | 'technical' | 'management';
/** Every contact type, in the order the product shows them. */
export const contactTypes: readonly ContactType[] = ['billing', 'technical', 'management'];

export interface ContactTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string | null;
  types: ContactType[];
  /** The types of which it is its tenant's primary contact (a subset of types). */
  primary_types: Generated<ContactType[]>;
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
  aan: string | null;
  validation_state: Generated<'valid' | 'invalid'>;
  /** When the person last confirmed holding the role (migration 0011), and where its attestation stands. */
  attested_at: Timestamp | null;
  attestation_state: AttestationState | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** Kept by triggers (migration 0010): a tenant's valid contacts per type. */
export interface CoverageOwnTable {
  tenant_id: string;
  billing: number;
  technical: number;
  management: number;
}

/** Kept by triggers (migration 0010): a subtree's live tenants, and those with a valid contact per type. */
export interface CoverageSubtreeTable {
  tenant_id: string;
  tenants: number;
  billing: number;
  technical: number;
  management: number;
}
