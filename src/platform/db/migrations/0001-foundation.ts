import { sql, type Kysely } from 'kysely';

// Forward-only. Constraint names are part of the contract: the error mapper turns them
// into API answers (see platform/http/error-handler.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE tenants (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      parent_id uuid NOT NULL REFERENCES tenants (id),
      name text NOT NULL,
      kind text NOT NULL CONSTRAINT tenants_kind_check CHECK (kind IN ('root', 'partner', 'folder', 'customer', 'unit')),
      enabled boolean NOT NULL DEFAULT true,
      language text NOT NULL DEFAULT 'en',
      customer_id text,
      internal_tag text,
      contact jsonb NOT NULL DEFAULT '{}'::jsonb,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz
    );
    CREATE UNIQUE INDEX tenants_one_root ON tenants ((kind)) WHERE kind = 'root';
    CREATE UNIQUE INDEX tenants_sibling_name_unique ON tenants (parent_id, lower(name)) WHERE deleted_at IS NULL AND kind <> 'root';
    CREATE INDEX tenants_parent_idx ON tenants (parent_id) WHERE deleted_at IS NULL;

    -- Closure table: every (ancestor, descendant) pair including (t, t) at depth 0, so a
    -- subtree is one indexed lookup and scope checks never walk the tree.
    CREATE TABLE tenant_closure (
      ancestor_id uuid NOT NULL REFERENCES tenants (id),
      descendant_id uuid NOT NULL REFERENCES tenants (id),
      depth integer NOT NULL,
      PRIMARY KEY (ancestor_id, descendant_id)
    );
    CREATE INDEX tenant_closure_descendant_idx ON tenant_closure (descendant_id, depth);

    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      login text NOT NULL,
      email text NOT NULL,
      firstname text NOT NULL DEFAULT '',
      lastname text NOT NULL DEFAULT '',
      phone text,
      title text,
      language text NOT NULL DEFAULT 'en',
      enabled boolean NOT NULL DEFAULT true,
      activated boolean NOT NULL DEFAULT false,
      password_hash text,
      business_types text[] NOT NULL DEFAULT '{}',
      notifications text[] NOT NULL DEFAULT '{}',
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz
    );
    CREATE UNIQUE INDEX users_login_unique ON users (lower(login)) WHERE deleted_at IS NULL;
    CREATE INDEX users_tenant_idx ON users (tenant_id) WHERE deleted_at IS NULL;

    CREATE TABLE access_policies (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id),
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      role_id text NOT NULL CONSTRAINT access_policies_role_check CHECK (role_id IN ('partner_admin', 'company_admin', 'readonly_admin', 'user')),
      issuer_id uuid NOT NULL REFERENCES tenants (id),
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT access_policies_unique UNIQUE (user_id, tenant_id, role_id)
    );

    CREATE TABLE api_clients (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      secret_hash text NOT NULL,
      name text NOT NULL,
      auth_method text NOT NULL,
      status text NOT NULL DEFAULT 'enabled',
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_access_at timestamptz,
      last_access_from_ip text
    );
    CREATE INDEX api_clients_tenant_idx ON api_clients (tenant_id);

    CREATE TABLE access_tokens (
      token_hash text PRIMARY KEY,
      subject_type text NOT NULL CHECK (subject_type IN ('user', 'client')),
      subject_id uuid NOT NULL,
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX access_tokens_expiry_idx ON access_tokens (expires_at);

    -- Failed sign-ins per key ("login:x", "ip:y") in a fixed window; shared by every API
    -- process so throttling holds behind a load balancer.
    CREATE TABLE auth_failures (
      key text PRIMARY KEY,
      failures integer NOT NULL,
      window_started_at timestamptz NOT NULL
    );
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Liaison migrations are forward-only');
}
