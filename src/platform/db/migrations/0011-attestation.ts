import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Whether the person still holds the role: confirmed (attested_at says when), declined,
    -- pending (asked, not yet answered) or stale (not confirmed within the configured days);
    -- null: never asked, and younger than that.
    ALTER TABLE contacts
      ADD COLUMN attested_at timestamptz,
      ADD COLUMN attestation_state text
        CHECK (attestation_state IN ('confirmed', 'declined', 'pending', 'stale'));
    -- The sweep that turns old confirmations stale reads these.
    CREATE INDEX contacts_attestation_idx ON contacts (coalesce(attested_at, created_at))
      WHERE attestation_state IS DISTINCT FROM 'stale' AND attestation_state IS DISTINCT FROM 'pending';
    -- Coverage counts the contacts that need attention in a subtree, state by state.
    CREATE INDEX contacts_attention_idx ON contacts (tenant_id, attestation_state)
      WHERE attestation_state IN ('stale', 'declined', 'pending');

    -- A campaign asks the contacts of a subtree, of some types, whether they still are.
    CREATE TABLE attestation_campaigns (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      types text[] NOT NULL,
      older_than_days integer,
      created_by_type text NOT NULL,
      created_by_id text,
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX attestation_campaigns_tenant_idx ON attestation_campaigns (tenant_id, created_at DESC);

    -- One question to one contact: its link is a signed token naming this row (never stored).
    CREATE TABLE attestation_requests (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      campaign_id uuid NOT NULL REFERENCES attestation_campaigns (id) ON DELETE CASCADE,
      contact_id uuid REFERENCES contacts (id) ON DELETE SET NULL,
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      types text[] NOT NULL,
      state text NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'confirmed', 'declined', 'expired', 'withdrawn')),
      sends integer NOT NULL DEFAULT 0,
      last_sent_at timestamptz,
      answered_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX attestation_requests_campaign_idx ON attestation_requests (campaign_id, state);
    -- At most one open question per contact: a later campaign leaves it alone.
    CREATE UNIQUE INDEX attestation_requests_open_idx ON attestation_requests (contact_id) WHERE state = 'pending';
    CREATE INDEX attestation_requests_due_idx ON attestation_requests (last_sent_at NULLS FIRST) WHERE state = 'pending';

    -- A partner's yearly campaign: the sweep starts it at next_run_at and moves that a year on.
    CREATE TABLE attestation_schedules (
      tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
      types text[] NOT NULL,
      older_than_days integer,
      next_run_at timestamptz NOT NULL,
      created_by_type text NOT NULL,
      created_by_id text,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Liaison migrations are forward-only');
}
