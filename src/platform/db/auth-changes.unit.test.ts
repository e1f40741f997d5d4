import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
  type RawBuilder,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { touchesAuth } from './auth-changes.js';
import type { Database } from './schema.js';

// The statements as the services send them: compiled by Kysely for PostgreSQL, or written as SQL.
const db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
const text = (query: { compile(): { sql: string } }) => query.compile().sql;
const raw = (query: RawBuilder<unknown>) => query.compile(db).sql;
const id = '00000000-0000-0000-0000-000000000000';

describe('which statements change what a principal is read from', () => {
  it('updates, deletes and truncates of its tables, and new roles', () => {
    const changes = [
      text(db.updateTable('users').set({ enabled: false }).where('id', '=', id)),
      text(db.updateTable('tenants as t').set({ enabled: false }).where('t.id', '=', id)),
      text(db.updateTable('api_clients').set({ status: 'disabled' }).where('id', '=', id)),
      text(db.deleteFrom('access_tokens').where('token_hash', '=', 'x')),
      text(db.deleteFrom('tenant_closure').where('descendant_id', '=', id)),
      text(
        db
          .insertInto('access_policies')
          .values({ user_id: id, tenant_id: id, role_id: 'partner_admin', issuer_id: id }),
      ),
      text(
        db
          .insertInto('users')
          .values({ id, tenant_id: id, login: 'a', email: 'a@x.test' })
          .onConflict((oc) => oc.column('id').doUpdateSet({ enabled: true })),
      ),
      raw(sql`WITH gone AS (DELETE FROM access_policies WHERE user_id = ${id}) SELECT 1`),
      raw(sql`UPDATE public.tenants SET deleted_at = now()`),
      raw(sql`TRUNCATE TABLE access_tokens`),
    ];
    for (const statement of changes) expect(touchesAuth(statement), statement).toBe(true);
  });

  it('not reads, locks, new tokens, users or tenants, nor other tables', () => {
    const others = [
      text(db.selectFrom('users').selectAll().where('id', '=', id)),
      text(db.selectFrom('tenants').select('id').where('id', '=', id).forUpdate()),
      text(
        db
          .insertInto('access_tokens')
          .values({ token_hash: 'x', subject_type: 'user', subject_id: id, expires_at: new Date() }),
      ),
      text(db.insertInto('tenants').values({ id, parent_id: id, name: 'n', kind: 'customer' })),
      text(
        db
          .insertInto('users')
          .values({ id, tenant_id: id, login: 'a', email: 'a@x.test' })
          .returning(['id', 'updated_at']),
      ),
      text(db.updateTable('contacts').set({ version: 2 }).where('id', '=', id)),
      text(db.deleteFrom('contacts').where('tenant_id', '=', id)),
      raw(sql`UPDATE users_archive SET x = 1`),
    ];
    for (const statement of others) expect(touchesAuth(statement), statement).toBe(false);
  });
});
