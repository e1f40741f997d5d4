import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- A notice can wait for its time (scheduled, send_at) or be stopped (cancelled: its pending
    -- deliveries are never sent). Mandatory notices (security, legal, service changes) ignore
    -- opt-outs and carry no List-Unsubscribe; opted_out counts the addresses left out for one.
    ALTER TABLE announcements DROP CONSTRAINT announcements_status_check;
    ALTER TABLE announcements ADD CONSTRAINT announcements_status_check
      CHECK (status IN ('scheduled', 'enqueuing', 'queued', 'sending', 'done', 'cancelled'));
    ALTER TABLE announcements ADD COLUMN mandatory boolean NOT NULL DEFAULT false;
    ALTER TABLE announcements ADD COLUMN send_at timestamptz;
    ALTER TABLE announcements ADD COLUMN cancelled_at timestamptz;
    ALTER TABLE announcements ADD COLUMN opted_out integer NOT NULL DEFAULT 0;
    DROP INDEX announcements_open_idx;
    CREATE INDEX announcements_open_idx ON announcements (status) WHERE status NOT IN ('done', 'cancelled');
    CREATE INDEX announcements_due_idx ON announcements (send_at) WHERE status = 'scheduled';

    -- A delivery of a cancelled notice is cancelled. A relay's later report (a DSN) marks it:
    -- bounced_at and the status it gave (5.1.1, or 4.x.x for a delay); a feedback report
    -- (an abuse complaint) sets complained_at.
    ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
    ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check
      CHECK (status IN ('pending', 'sent', 'failed', 'cancelled'));
    ALTER TABLE deliveries ADD COLUMN bounced_at timestamptz;
    ALTER TABLE deliveries ADD COLUMN bounce_status text;
    ALTER TABLE deliveries ADD COLUMN complained_at timestamptz;

    -- An address that asked for no more notices of a category from a tenant (one-click
    -- unsubscribe, a mailto unsubscribe, or an abuse complaint). email is lower-cased.
    CREATE TABLE opt_outs (
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      email text NOT NULL,
      category text NOT NULL CHECK (category IN ('billing', 'technical', 'management')),
      source text NOT NULL CHECK (source IN ('unsubscribe', 'mailto', 'complaint')),
      delivery_id bigint,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, email, category)
    );
    CREATE INDEX opt_outs_email_idx ON opt_outs (email);

    -- Keys this installation signs with (VERP and unsubscribe tokens); created on first use.
    CREATE TABLE server_secrets (
      name text PRIMARY KEY,
      secret text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    -- The deployment's sending pace (LIAISON_MAIL_RATE_PER_SECOND), shared by every worker:
    -- the time from which the next send slots are free.
    CREATE TABLE send_pace (
      id smallint PRIMARY KEY CHECK (id = 1),
      next_at timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO send_pace (id) VALUES (1);
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Liaison migrations are forward-only');
}
