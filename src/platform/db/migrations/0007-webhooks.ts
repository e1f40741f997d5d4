import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- A partner's endpoint: it receives the events of its tenant's whole subtree whose type
    -- matches one of its patterns ('contact.created', 'contact.*'). The secret signs (Standard
    -- Webhooks); after a rotation the previous one signs beside it until it expires.
    CREATE TABLE webhooks (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      url text NOT NULL,
      events text[] NOT NULL,
      description text,
      enabled boolean NOT NULL DEFAULT true,
      version integer NOT NULL DEFAULT 1,
      secret text NOT NULL,
      previous_secret text,
      previous_secret_expires_at timestamptz,
      -- Why it was turned off ('gone': a 410; 'failing': failing for days); null when enabled by hand.
      disabled_reason text,
      -- The first failure since the last success; the endpoint is disabled once this is old enough.
      failing_since timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX webhooks_tenant_idx ON webhooks (tenant_id);

    -- The outbox: one row per event, written in the transaction of the change (a rollback
    -- leaves none, a commit loses none). seq orders the events of one object.
    CREATE TABLE webhook_events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      type text NOT NULL,
      tenant_id uuid NOT NULL,
      object_id text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    -- One event to one endpoint: the queue of the dispatcher. The webhook-id header is the
    -- event's id, the same on every attempt. An object's deliveries to an endpoint go out in
    -- seq order: one waits while an earlier one of the same object is pending.
    CREATE TABLE webhook_deliveries (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      webhook_id uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
      event_id uuid NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
      seq bigint NOT NULL,
      object_id text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_attempt_at timestamptz,
      last_status_code integer,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (webhook_id, event_id)
    );
    CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
    CREATE INDEX webhook_deliveries_order_idx ON webhook_deliveries (webhook_id, object_id, seq) WHERE status = 'pending';
    CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, created_at DESC);
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Liaison migrations are forward-only');
}
