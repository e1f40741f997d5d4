/**
 * bench/api's world, made through Liaison's API where it is cheap (a partner, its customers, an
 * API client and its token by the client-credentials grant) and by SQL for the bulk (contacts
 * spread over the customers, unique addresses).
 */
import type pg from 'pg';

async function call<T>(base: string, method: string, path: string, token: string | undefined, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function grant(base: string, form: Record<string, string>, basic?: string) {
  const res = await fetch(`${base}/api/2/idp/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(basic ? { authorization: `Basic ${Buffer.from(basic).toString('base64')}` } : {}),
    },
    body: new URLSearchParams(form).toString(),
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export async function seedWorld(
  base: string,
  db: pg.Pool,
  options: { adminPassword: string; customers: number; contacts: number },
) {
  const root = await grant(base, { grant_type: 'password', username: 'admin', password: options.adminPassword });
  const me = await call<{ tenant_id: string }>(base, 'GET', '/api/2/users/me', root);
  const partner = await call<{ id: string }>(base, 'POST', '/api/2/tenants', root, {
    name: 'Bench partner',
    parent_id: me.tenant_id,
    kind: 'partner',
  });
  const customers: string[] = [];
  for (let i = 1; i <= options.customers; i++) {
    const body = { name: `Customer ${i}`, parent_id: partner.id, kind: 'customer' };
    customers.push((await call<{ id: string }>(base, 'POST', '/api/2/tenants', root, body)).id);
  }
  const client = await call<{ client_id: string; client_secret: string }>(base, 'POST', '/api/2/clients', root, {
    type: 'api_client',
    tenant_id: partner.id,
    data: { client_name: 'bench sync' },
  });
  const token = await grant(base, { grant_type: 'client_credentials' }, `${client.client_id}:${client.client_secret}`);
  await db.query(
    `INSERT INTO contacts (tenant_id, types, firstname, lastname, email)
     SELECT ($1::uuid[])[1 + k % cardinality($1::uuid[])],
            CASE k % 3 WHEN 0 THEN ARRAY['technical'] WHEN 1 THEN ARRAY['billing', 'technical'] ELSE ARRAY['management'] END,
            'First' || k, 'Last' || k, 'person' || k || '@bench.test'
     FROM generate_series(0, $2::int - 1) k`,
    [customers, options.contacts],
  );
  await db.query('ANALYZE');
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM contacts WHERE tenant_id = ANY($1) ORDER BY random()',
    [customers],
  );
  return { token, customers, contacts: rows.map((r) => r.id) };
}
