import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- A notice to the contacts of a category in a subtree. Enqueued in chunks of tenants
    -- (enqueue_after is the resumable cursor); workers only send once status leaves 'enqueuing'.
    CREATE TABLE announcements (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      scope_tenant_id uuid NOT NULL REFERENCES tenants (id),
      category text NOT NULL CHECK (category IN ('billing', 'technical', 'management')),
      subject jsonb NOT NULL,
      body jsonb NOT NULL,
      fallback text NOT NULL CHECK (fallback IN ('none', 'ancestor')),
      status text NOT NULL DEFAULT 'enqueuing' CHECK (status IN ('enqueuing', 'queued', 'sending', 'done')),
      recipients integer NOT NULL DEFAULT 0,
      skipped integer NOT NULL DEFAULT 0,
      enqueue_after uuid,
      created_by_type text NOT NULL,
      created_by_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      enqueued_at timestamptz,
      completed_at timestamptz
    );
    CREATE INDEX announcements_scope_idx ON announcements (scope_tenant_id, created_at DESC, id DESC);
    CREATE INDEX announcements_open_idx ON announcements (status) WHERE status <> 'done';

    -- One row per address per announcement (the unique key is the dedupe), naming the
    -- tenants and contacts it is sent for. The queue of the delivery workers.
    CREATE TABLE deliveries (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      announcement_id uuid NOT NULL REFERENCES announcements (id),
      email text NOT NULL,
      address text NOT NULL,
      language text NOT NULL,
      tenant_ids uuid[] NOT NULL,
      contact_ids uuid[] NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error text,
      sent_at timestamptz,
      CONSTRAINT deliveries_unique_address UNIQUE (announcement_id, email)
    );
    CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at) WHERE status = 'pending';
    CREATE INDEX deliveries_status_idx ON deliveries (announcement_id, status, id);
    CREATE INDEX deliveries_contacts_idx ON deliveries USING gin (contact_ids);
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Liaison migrations are forward-only');
}
