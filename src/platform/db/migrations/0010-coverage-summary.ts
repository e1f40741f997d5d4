import { sql, type Kysely } from 'kysely';

// Coverage (how many tenants of a subtree have a deliverable contact of each type) read from
// summaries the database keeps in the transaction of every change, so a subtree of any size
// answers with one row: coverage_own counts each tenant's valid contacts per type;
// coverage_subtree counts, for each tenant, the live tenants of its subtree (itself included)
// and how many of them have a valid contact of each type. Statement-level triggers keep both:
// a bulk statement (a bounce, an import) updates each summary row once.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE coverage_own (
      tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
      billing integer NOT NULL DEFAULT 0,
      technical integer NOT NULL DEFAULT 0,
      management integer NOT NULL DEFAULT 0
    );
    CREATE TABLE coverage_subtree (
      tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
      tenants integer NOT NULL DEFAULT 0,
      billing integer NOT NULL DEFAULT 0,
      technical integer NOT NULL DEFAULT 0,
      management integer NOT NULL DEFAULT 0
    );

    -- Changes of valid contacts per (tenant, type), as jsonb rows {tenant_id, b, t, m}: the
    -- own counts move, and where a tenant's count of a type crosses zero its live ancestors'
    -- subtree counts move by one.
    CREATE FUNCTION coverage_apply(delta jsonb) RETURNS void LANGUAGE sql AS $fn$
      WITH d AS (
        SELECT x.tenant_id, x.b, x.t, x.m FROM jsonb_to_recordset(delta) AS x(tenant_id uuid, b int, t int, m int)
        WHERE x.b <> 0 OR x.t <> 0 OR x.m <> 0
      ), own AS (
        INSERT INTO coverage_own AS o (tenant_id, billing, technical, management)
        SELECT tenant_id, b, t, m FROM d ORDER BY tenant_id
        ON CONFLICT (tenant_id) DO UPDATE SET billing = o.billing + EXCLUDED.billing,
          technical = o.technical + EXCLUDED.technical, management = o.management + EXCLUDED.management
        RETURNING o.tenant_id, o.billing, o.technical, o.management
      ), flips AS (
        SELECT own.tenant_id,
          (own.billing > 0)::int - (own.billing - d.b > 0)::int AS fb,
          (own.technical > 0)::int - (own.technical - d.t > 0)::int AS ft,
          (own.management > 0)::int - (own.management - d.m > 0)::int AS fm
        FROM own JOIN d USING (tenant_id) JOIN tenants tn ON tn.id = own.tenant_id AND tn.deleted_at IS NULL
      ), up AS (
        SELECT tc.ancestor_id, sum(f.fb) AS fb, sum(f.ft) AS ft, sum(f.fm) AS fm
        FROM flips f JOIN tenant_closure tc ON tc.descendant_id = f.tenant_id
        WHERE f.fb <> 0 OR f.ft <> 0 OR f.fm <> 0
        GROUP BY tc.ancestor_id
      )
      UPDATE coverage_subtree s SET billing = s.billing + up.fb, technical = s.technical + up.ft,
        management = s.management + up.fm
      FROM (SELECT * FROM up ORDER BY ancestor_id) up WHERE s.tenant_id = up.ancestor_id;
    $fn$;

    CREATE FUNCTION coverage_contacts_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE delta jsonb;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        SELECT jsonb_agg(x) INTO delta FROM (
          SELECT tenant_id, sum(('billing' = ANY (types))::int) AS b, sum(('technical' = ANY (types))::int) AS t,
            sum(('management' = ANY (types))::int) AS m
          FROM new_rows WHERE validation_state = 'valid' GROUP BY tenant_id) x;
      ELSIF TG_OP = 'DELETE' THEN
        SELECT jsonb_agg(x) INTO delta FROM (
          SELECT tenant_id, -sum(('billing' = ANY (types))::int) AS b, -sum(('technical' = ANY (types))::int) AS t,
            -sum(('management' = ANY (types))::int) AS m
          FROM old_rows WHERE validation_state = 'valid' GROUP BY tenant_id) x;
      ELSE
        SELECT jsonb_agg(x) INTO delta FROM (
          SELECT tenant_id, sum(s * ('billing' = ANY (types))::int) AS b, sum(s * ('technical' = ANY (types))::int) AS t,
            sum(s * ('management' = ANY (types))::int) AS m
          FROM (SELECT tenant_id, types, 1 AS s FROM new_rows WHERE validation_state = 'valid'
                UNION ALL SELECT tenant_id, types, -1 FROM old_rows WHERE validation_state = 'valid') r
          GROUP BY tenant_id) x;
      END IF;
      IF delta IS NOT NULL THEN PERFORM coverage_apply(delta); END IF;
      RETURN NULL;
    END $fn$;
    CREATE TRIGGER coverage_contacts_inserted AFTER INSERT ON contacts REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION coverage_contacts_changed();
    CREATE TRIGGER coverage_contacts_updated AFTER UPDATE ON contacts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION coverage_contacts_changed();
    CREATE TRIGGER coverage_contacts_deleted AFTER DELETE ON contacts REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION coverage_contacts_changed();

    -- A live tenant, or one that stops or starts being live, counts in every subtree above it
    -- (closure rows: each new tenant's, written once, its own at depth 0 included).
    CREATE FUNCTION coverage_add_tenants(tenants jsonb) RETURNS void LANGUAGE sql AS $fn$
      INSERT INTO coverage_subtree AS s (tenant_id, tenants, billing, technical, management)
      SELECT tc.ancestor_id, sum(x.n), sum(x.n * (coalesce(o.billing, 0) > 0)::int),
        sum(x.n * (coalesce(o.technical, 0) > 0)::int), sum(x.n * (coalesce(o.management, 0) > 0)::int)
      FROM jsonb_to_recordset(tenants) AS x(id uuid, n int)
      JOIN tenant_closure tc ON tc.descendant_id = x.id
      LEFT JOIN coverage_own o ON o.tenant_id = x.id
      GROUP BY tc.ancestor_id ORDER BY tc.ancestor_id
      ON CONFLICT (tenant_id) DO UPDATE SET tenants = s.tenants + EXCLUDED.tenants, billing = s.billing + EXCLUDED.billing,
        technical = s.technical + EXCLUDED.technical, management = s.management + EXCLUDED.management;
    $fn$;
    CREATE FUNCTION coverage_closure_inserted() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE added jsonb;
    BEGIN
      -- Each new tenant's closure rows arrive together: count it once, in every ancestor.
      SELECT jsonb_agg(jsonb_build_object('id', n.descendant_id, 'n', 1)) INTO added
      FROM new_rows n JOIN tenants t ON t.id = n.descendant_id AND t.deleted_at IS NULL WHERE n.depth = 0;
      IF added IS NOT NULL THEN PERFORM coverage_add_tenants(added); END IF;
      RETURN NULL;
    END $fn$;
    CREATE TRIGGER coverage_closure_inserted AFTER INSERT ON tenant_closure REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION coverage_closure_inserted();
    CREATE FUNCTION coverage_tenants_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE changed jsonb;
    BEGIN
      SELECT jsonb_agg(jsonb_build_object('id', n.id, 'n', CASE WHEN n.deleted_at IS NULL THEN 1 ELSE -1 END)) INTO changed
      FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE (n.deleted_at IS NULL) <> (o.deleted_at IS NULL);
      IF changed IS NOT NULL THEN PERFORM coverage_add_tenants(changed); END IF;
      RETURN NULL;
    END $fn$;
    CREATE TRIGGER coverage_tenants_changed AFTER UPDATE ON tenants REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION coverage_tenants_changed();

    -- What there is today.
    INSERT INTO coverage_own (tenant_id, billing, technical, management)
    SELECT tenant_id, count(*) FILTER (WHERE 'billing' = ANY (types)), count(*) FILTER (WHERE 'technical' = ANY (types)),
      count(*) FILTER (WHERE 'management' = ANY (types))
    FROM contacts WHERE validation_state = 'valid' GROUP BY tenant_id;
    INSERT INTO coverage_subtree (tenant_id, tenants, billing, technical, management)
    SELECT tc.ancestor_id, count(*), count(*) FILTER (WHERE o.billing > 0), count(*) FILTER (WHERE o.technical > 0),
      count(*) FILTER (WHERE o.management > 0)
    FROM tenant_closure tc JOIN tenants t ON t.id = tc.descendant_id AND t.deleted_at IS NULL
    LEFT JOIN coverage_own o ON o.tenant_id = tc.descendant_id
    GROUP BY tc.ancestor_id;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Liaison migrations are forward-only');
}
