import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- A linked contact (user_id set) keeps no person fields of its own: name, email, phone
    -- and title live on the user, the one source of truth.
    CREATE TABLE contacts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      user_id uuid REFERENCES users (id),
      types text[] NOT NULL CONSTRAINT contacts_types_check
        CHECK (cardinality(types) >= 1 AND types <@ ARRAY['billing', 'technical', 'management']::text[]),
      firstname text,
      lastname text,
      email text,
      phone text,
      title text,
      language text,
      validation_state text NOT NULL DEFAULT 'valid' CHECK (validation_state IN ('valid', 'invalid')),
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT contacts_person_check CHECK (user_id IS NOT NULL OR (firstname IS NOT NULL AND lastname IS NOT NULL AND email IS NOT NULL))
    );
    CREATE UNIQUE INDEX contacts_user_unique ON contacts (user_id) WHERE user_id IS NOT NULL;
    CREATE UNIQUE INDEX contacts_email_unique ON contacts (tenant_id, lower(email)) WHERE user_id IS NULL;
    CREATE INDEX contacts_tenant_idx ON contacts (tenant_id, id);
    CREATE INDEX contacts_types_idx ON contacts USING gin (types);

    -- Single-use links sent by mail: account activation and confirmation of a new address.
    CREATE TABLE user_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id),
      purpose text NOT NULL CHECK (purpose IN ('activation', 'email_change')),
      new_email text,
      token_hash text NOT NULL CONSTRAINT user_tokens_hash_unique UNIQUE,
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_sent_at timestamptz NOT NULL DEFAULT now(),
      sends integer NOT NULL DEFAULT 1,
      used_at timestamptz,
      revoked_at timestamptz
    );
    CREATE UNIQUE INDEX user_tokens_one_open ON user_tokens (user_id, purpose) WHERE used_at IS NULL AND revoked_at IS NULL;

    -- The outbox: a message is a row written in the transaction that causes it; the mail
    -- worker sends it after commit. next_attempt_at doubles as the claim's lease.
    CREATE TABLE mail_outbox (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid REFERENCES tenants (id),
      kind text NOT NULL,
      to_address text NOT NULL,
      subject text NOT NULL,
      text_body text NOT NULL,
      html_body text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
      transport text,
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz
    );
    CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at) WHERE status = 'pending';
    CREATE INDEX mail_outbox_mailbox_idx ON mail_outbox (created_at DESC) WHERE transport = 'mailbox';

    CREATE TABLE audit_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      object_type text NOT NULL,
      object_id uuid NOT NULL,
      action text NOT NULL,
      actor_type text NOT NULL,
      actor_id uuid,
      before jsonb,
      after jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX audit_events_tenant_idx ON audit_events (tenant_id, id DESC);
    CREATE INDEX audit_events_object_idx ON audit_events (object_id, id DESC);
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Liaison migrations are forward-only');
}
