import type { Db } from '../../platform/db/database.js';
import type { AfterCommit } from '../../platform/db/unit-of-work.js';
import type { ContactType } from '../../platform/db/schema.js';
import { cardFields } from '../../platform/http/contact-card.js';
import type { Principal } from '../../platform/scope.js';
import type { ContactService } from '../contacts/contact.service.js';
import type { ContactView, CreateContactInput, UpdateContactInput } from '../contacts/contact.schemas.js';
import { PATH_SEPARATOR, personColumns } from './transfer.columns.js';
import { RowError, rowFields, type RawRow } from './transfer.rows.js';

export type Outcome = 'create' | 'update' | 'unchanged';

/** Checks a body as the API's own route would (the same validator): the first problem, by field. */
export type BodyCheck = (
  body: 'create' | 'update',
  value: Record<string, unknown>,
) => { field: string; message: string } | undefined;

/** What every row of one import shares: who imports, below which tenant, and how its rows name tenants. */
export interface ImportContext {
  principal: Principal;
  contacts: ContactService;
  check: BodyCheck;
  /** The given tenant's subtree: by id, by full name path and by the path below the given tenant (lower case). */
  tenants: { ids: Set<string>; byPath: Map<string, string>; rootId: string };
}

const pathKey = (path: string) =>
  path
    .split('/')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '')
    .join(PATH_SEPARATOR);

/** The name-path lookups of a subtree: a path from the top of the caller's tree, or from below the given tenant. */
export function pathIndex(rootId: string, tenants: { id: string; path: string }[]) {
  const rootPath = pathKey(tenants.find((t) => t.id === rootId)?.path ?? '');
  const byPath = new Map<string, string>();
  for (const { id, path } of tenants) {
    const full = pathKey(path);
    if (full.startsWith(`${rootPath}${PATH_SEPARATOR}`))
      byPath.set(full.slice(rootPath.length + PATH_SEPARATOR.length), id);
  }
  // A full path wins over a relative one that happens to read the same.
  for (const { id, path } of tenants) byPath.set(pathKey(path), id);
  return { ids: new Set(tenants.map((t) => t.id)), byPath, rootId };
}

export function tenantOf(ctx: ImportContext, row: RawRow): string {
  const { tenants } = ctx;
  const id = typeof row.tenant_id === 'string' ? row.tenant_id.trim() : '';
  if (id !== '') {
    if (!tenants.ids.has(id.toLowerCase())) throw new RowError('tenant_id', 'is not a tenant below the given tenant');
    return id.toLowerCase();
  }
  const path = typeof row.tenant_path === 'string' ? pathKey(row.tenant_path) : '';
  if (path === '') return tenants.rootId;
  const found = tenants.byPath.get(path);
  if (!found) throw new RowError('tenant_path', 'names no tenant below the given tenant');
  return found;
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();
const sameText = (a: unknown, b: unknown) => (a ?? '') === (b ?? '');

/** One row: created, updated with what differs, or left as it is. Throws a RowError or the service's error. */
export async function importRow(ctx: ImportContext, trx: Db, after: AfterCommit, row: RawRow): Promise<Outcome> {
  const tenantId = tenantOf(ctx, row);
  const fields = rowFields(row);
  const email = typeof fields.email === 'string' ? fields.email : undefined;
  if (!email) throw new RowError('email', 'is required: it matches the row to a contact of its tenant');
  const existing = await ctx.contacts.findByEmail(trx, ctx.principal, tenantId, email);
  if (!existing) {
    if (!fields.types) throw new RowError('types', 'is required for a new contact (e.g. billing;technical)');
    const input = { tenant_id: tenantId, ...withoutEmptyPrimaries(fields) };
    assertBody(ctx, 'create', input);
    await ctx.contacts.createIn(trx, ctx.principal, input as CreateContactInput);
    return 'create';
  }
  const patch = changes(existing, fields);
  if (Object.keys(patch).length === 0) return 'unchanged';
  const input = { version: existing.version, ...patch };
  assertBody(ctx, 'update', input);
  await ctx.contacts.updateIn(trx, after, ctx.principal, existing.id, input as UpdateContactInput);
  return 'update';
}

export function withoutEmptyPrimaries(fields: Record<string, unknown>) {
  const { primary_types, ...rest } = fields;
  return Array.isArray(primary_types) && primary_types.length > 0 ? { ...rest, primary_types } : rest;
}

/**
 * What a row changes. A linked contact's person fields are its user's: they are left alone.
 * primary_types only makes the contact primary of more types (taking them over): leaving one out
 * does not give it up, since the primary moves by making another contact primary.
 */
export function changes(existing: ContactView, fields: Record<string, string | string[] | null>) {
  const patch: Record<string, unknown> = {};
  const types = (fields.types as ContactType[] | undefined) ?? existing.types;
  if (!sameList(types, existing.types)) patch.types = types;
  const asked = (fields.primary_types as ContactType[] | undefined) ?? [];
  const kept = existing.primary_types.filter((t) => types.includes(t));
  const primaries = [...new Set([...kept, ...asked])];
  if (!sameList(primaries, existing.primary_types)) patch.primary_types = primaries;
  // The email matched the row case-insensitively: only its case differing changes nothing.
  const own = existing.user_id === null ? personColumns.filter((c) => c !== 'email') : [];
  for (const column of [...own, ...cardFields]) {
    if (column in fields && !sameText(fields[column], existing[column])) patch[column] = fields[column];
  }
  return patch;
}

export function assertBody(ctx: ImportContext, body: 'create' | 'update', input: Record<string, unknown>) {
  const problem = ctx.check(body, input);
  if (problem) throw new RowError(problem.field, problem.message);
}
