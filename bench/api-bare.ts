/**
 * The bare stack bench/api measures Liaison against: Fastify and a pg Pool of Liaison's size,
 * named (prepared) statements, no authentication, no scope, no audit. It answers Liaison's paths
 * with the same indexed queries and a JSON of the same fields, and its writes do the same
 * INSERT / UPDATE (the PUT with the same version check). Run by bench/api.ts as a child process:
 *
 *   DATABASE_URL=… PORT=… POOL_SIZE=10 tsx bench/api-bare.ts
 */
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const app = Fastify({ logger: false });

// The contact's columns, and the two fields Liaison adds (no pending change, no proven address).
const contactColumns = 'c.*, NULL::text AS pending_email, false AS email_confirmed';

const one = async (name: string, text: string, values: unknown[]) => (await pool.query({ name, text, values })).rows;

app.get<{ Params: { id: string } }>('/api/2/contacts/:id', async (request, reply) => {
  const [row] = await one('contact', `SELECT ${contactColumns} FROM contacts c WHERE c.id = $1`, [request.params.id]);
  return row ?? reply.status(404).send({ error: 'not found' });
});

app.get<{ Params: { id: string } }>('/api/2/tenants/:id/contacts', async (request) => {
  const rows = await one(
    'tenant-contact-ids',
    `SELECT c.id FROM contacts c WHERE c.tenant_id = $1
     ORDER BY lower(c.lastname), lower(c.firstname), c.id`,
    [request.params.id],
  );
  return { items: rows.map((r: { id: string }) => r.id) };
});

app.get<{ Querystring: { tenant_id: string; limit?: string } }>('/api/2/contacts', async (request) => {
  const limit = Number(request.query.limit ?? 1000);
  const rows = await one(
    'tenant-contacts',
    `SELECT ${contactColumns} FROM contacts c WHERE c.tenant_id = $1 ORDER BY c.id LIMIT $2`,
    [request.query.tenant_id, limit + 1],
  );
  return { items: rows.slice(0, limit), paging: { cursors: {} }, timestamp: new Date().toISOString() };
});

app.get<{ Params: { id: string } }>('/api/2/tenants/:id', async (request, reply) => {
  const [row] = await one(
    'tenant',
    `SELECT t.*, EXISTS (SELECT 1 FROM tenants k WHERE k.parent_id = t.id AND k.id <> t.id AND k.deleted_at IS NULL) AS has_children
     FROM tenants t WHERE t.id = $1 AND t.deleted_at IS NULL`,
    [request.params.id],
  );
  return row ?? reply.status(404).send({ error: 'not found' });
});

interface ContactBody {
  tenant_id: string;
  types: string[];
  firstname: string;
  lastname: string;
  email: string;
  version: number;
}

app.post<{ Body: ContactBody }>('/api/2/contacts', async (request, reply) => {
  const b = request.body;
  const [row] = await one(
    'insert-contact',
    `INSERT INTO contacts (tenant_id, types, firstname, lastname, email) VALUES ($1, $2, $3, $4, $5)
     RETURNING *, NULL::text AS pending_email, false AS email_confirmed`,
    [b.tenant_id, b.types, b.firstname, b.lastname, b.email],
  );
  return reply.status(201).send(row);
});

app.put<{ Params: { id: string }; Body: ContactBody }>('/api/2/contacts/:id', async (request, reply) => {
  const b = request.body;
  const [row] = await one(
    'update-contact',
    `UPDATE contacts SET firstname = $3, version = version + 1, updated_at = now() WHERE id = $1 AND version = $2
     RETURNING *, NULL::text AS pending_email, false AS email_confirmed`,
    [request.params.id, b.version, b.firstname],
  );
  return row ?? reply.status(409).send({ error: 'version' });
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.on('SIGTERM', () => void app.close().then(() => pool.end().then(() => process.exit(0))));
