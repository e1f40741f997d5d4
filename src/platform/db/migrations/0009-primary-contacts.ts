import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- For each type a tenant has contacts of, one of them is its primary contact of that type:
    -- at most one by these indexes, at least one by the contacts feature (which moves it, never drops it).
    ALTER TABLE contacts ADD COLUMN primary_types text[] NOT NULL DEFAULT '{}'
      CONSTRAINT contacts_primary_types_check CHECK (primary_types <@ types);
    CREATE UNIQUE INDEX contacts_primary_billing ON contacts (tenant_id) WHERE 'billing' = ANY (primary_types);
    CREATE UNIQUE INDEX contacts_primary_technical ON contacts (tenant_id) WHERE 'technical' = ANY (primary_types);
    CREATE UNIQUE INDEX contacts_primary_management ON contacts (tenant_id) WHERE 'management' = ANY (primary_types);

    -- The contacts there are: the oldest of each type in each tenant is its primary.
    WITH firsts AS (
      SELECT DISTINCT ON (c.tenant_id, t.type) c.id, t.type
      FROM contacts c, unnest(c.types) AS t(type)
      ORDER BY c.tenant_id, t.type, c.created_at, c.id
    )
    UPDATE contacts c SET primary_types = p.types
    FROM (SELECT id, array_agg(type ORDER BY type) AS types FROM firsts GROUP BY id) p
    WHERE c.id = p.id;

    -- A notice may go to each tenant's primary contacts of its category only (the body's
    -- recipients; the answer's recipients is the count, so the rule is recipient_rule).
    ALTER TABLE announcements ADD COLUMN recipient_rule text NOT NULL DEFAULT 'all'
      CHECK (recipient_rule IN ('all', 'primary'));
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Liaison migrations are forward-only');
}
