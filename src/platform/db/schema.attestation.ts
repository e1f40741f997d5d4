import type { Generated } from 'kysely';
import type { ContactType, CreatedAt, Timestamp } from './schema.people.js';

// The tables of re-attestation (migration 0011): campaigns, the question to each contact, yearly schedules.

export type RequestState = 'pending' | 'confirmed' | 'declined' | 'expired' | 'withdrawn';

export interface AttestationCampaignTable {
  id: Generated<string>;
  tenant_id: string;
  types: ContactType[];
  older_than_days: number | null;
  created_by_type: string;
  created_by_id: string | null;
  expires_at: Timestamp;
  created_at: CreatedAt;
}

export interface AttestationRequestTable {
  id: Generated<string>;
  campaign_id: string;
  contact_id: string | null;
  tenant_id: string;
  types: ContactType[];
  state: Generated<RequestState>;
  sends: Generated<number>;
  last_sent_at: Timestamp | null;
  answered_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface AttestationScheduleTable {
  tenant_id: string;
  types: ContactType[];
  older_than_days: number | null;
  next_run_at: Timestamp;
  created_by_type: string;
  created_by_id: string | null;
  updated_at: Generated<Date>;
}
