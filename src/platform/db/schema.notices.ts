import type { ColumnType, Generated } from 'kysely';
import type { ContactType, CreatedAt, Timestamp } from './schema.people.js';

// The tables of links, mail, the audit trail, announcements and their deliveries.

export interface UserTokenTable {
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

export interface MailOutboxTable {
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

export interface AuditEventTable {
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
  /** Left out when every recipient reads Italian. */
  en?: string;
  it?: string;
}

export interface AnnouncementTable {
  id: Generated<string>;
  scope_tenant_id: string;
  /** A draft without one yet stores '' (migration 0012); nothing that sends ever reads a draft. */
  category: ContactType;
  subject: ColumnType<LocalizedText, string, string>;
  body: ColumnType<LocalizedText, string, string>;
  fallback: 'none' | 'ancestor';
  status: Generated<'draft' | 'scheduled' | 'enqueuing' | 'queued' | 'sending' | 'done' | 'cancelled'>;
  recipients: Generated<number>;
  skipped: Generated<number>;
  enqueue_after: string | null;
  /** How far fallback climbs: the announcer's tenant (null: the scope). */
  fallback_ceiling_id: string | null;
  /** 'primary': each tenant's primary contact of the category only. */
  recipient_rule: Generated<'all' | 'primary'>;
  /** A test message to one contact (left out of announcement lists). */
  test: Generated<boolean>;
  /** Ignores opt-outs and carries no List-Unsubscribe (security, legal, service changes). */
  mandatory: Generated<boolean>;
  /** When a scheduled notice starts (null: at once). */
  send_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  /** Addresses left out because they opted out of the category. */
  opted_out: Generated<number>;
  created_by_type: string;
  created_by_id: string | null;
  created_at: CreatedAt;
  enqueued_at: Timestamp | null;
  completed_at: Timestamp | null;
}

export interface DeliveryTable {
  id: Generated<number>;
  announcement_id: string;
  email: string;
  address: string;
  language: string;
  tenant_ids: string[];
  contact_ids: string[];
  status: Generated<'pending' | 'sent' | 'failed' | 'cancelled'>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  sent_at: Timestamp | null;
  /** A relay's later report (DSN): when, and the status it gave (5.1.1; 4.x.x for a delay). */
  bounced_at: Timestamp | null;
  bounce_status: string | null;
  /** A feedback report (ARF abuse complaint) about this message. */
  complained_at: Timestamp | null;
}

export interface OptOutTable {
  tenant_id: string;
  /** Lower-cased. */
  email: string;
  category: ContactType;
  source: 'unsubscribe' | 'mailto' | 'complaint';
  delivery_id: number | null;
  created_at: CreatedAt;
}

export interface ServerSecretTable {
  name: string;
  secret: string;
  created_at: CreatedAt;
}

export interface SendPaceTable {
  id: number;
  next_at: Timestamp;
}
