import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { AfterCommit } from '../../platform/db/unit-of-work.js';
import type { ContactType } from '../../platform/db/schema.js';
import { AppError, fail } from '../../platform/errors.js';
import { ContactBulkWriter, type BulkPatch } from '../contacts/contact.bulk.js';
import type { ContactView, CreateContactInput } from '../contacts/contact.schemas.js';
import {
  assertBody,
  changes,
  importRow,
  tenantOf,
  withoutEmptyPrimaries,
  type ImportContext,
  type Outcome,
} from './transfer.import.js';
import { RowError, rowFields, type RawRow } from './transfer.rows.js';
import { MAX_LISTED_ROWS } from './transfer.schemas.js';

/** A row's answer: what it did, or its problem by field. */
export type RowResult = Outcome | { field: string; message: string };
/** A row that is not an error, as the report lists it. */
export interface ListedRow {
  row: number;
  action: Outcome;
  tenant_id: string;
  email: string;
}

/** Rows read, matched and written together: a few statements per chunk instead of several per row. */
const CHUNK = 1000;

interface Parsed {
  index: number;
  raw: RawRow;
  tenantId: string;
  fields: ReturnType<typeof rowFields>;
  email: string;
}

/**
 * Every row of an import, in file order, with the effect of importing them one by one through
 * the contacts service (importRow), but in chunks: a chunk's addresses are matched in one query,
 * and its plain creates and updates of standalone contacts (no primaries asked, no change of
 * types) are written together by the contacts feature's bulk writer. Any other row goes through
 * importRow in a savepoint of its own, once the rows before it are written. Should a bulk write
 * fail, its rows are written again one by one, so each error lands on its row.
 */
export async function importRows(ctx: ImportContext, trx: Db, after: AfterCommit, rows: (() => RawRow)[]) {
  const results: RowResult[] = new Array(rows.length);
  const listed: ListedRow[] = [];
  const writer = new ContactBulkWriter(trx, ctx.principal);
  const firstRow = new Map<string, number>();
  let creates: { row: Parsed; input: CreateContactInput; primaryTypes: ContactType[] }[] = [];
  let updates: { row: Parsed; current: ContactView; patch: BulkPatch }[] = [];

  const oneByOne = async (row: Parsed) => {
    results[row.index] = await inSavepoint(trx, () => importRow(ctx, trx, after, row.raw));
    await writer.refresh([row.tenantId]);
  };
  const flush = async () => {
    const [c, u] = [creates, updates];
    [creates, updates] = [[], []];
    if (c.length + u.length === 0) return;
    await sql`SAVEPOINT import_chunk`.execute(trx);
    try {
      await writer.create(c);
      await writer.update(u);
      await sql`RELEASE SAVEPOINT import_chunk`.execute(trx);
      for (const { row } of c) results[row.index] = 'create';
      for (const { row } of u) results[row.index] = 'update';
      return;
    } catch {
      // Written again one by one below: each error on its row, or thrown as importRow throws it.
      await sql`ROLLBACK TO SAVEPOINT import_chunk; RELEASE SAVEPOINT import_chunk`.execute(trx);
    }
    const rows = [...c, ...u].map((item) => item.row).sort((a, b) => a.index - b.index);
    for (const row of rows) await oneByOne(row);
  };

  for (let start = 0; start < rows.length; start += CHUNK) {
    const parsed: Parsed[] = [];
    for (let index = start; index < Math.min(rows.length, start + CHUNK); index++) {
      try {
        parsed.push(parse(ctx, rows[index], index, firstRow));
      } catch (error) {
        results[index] = rowProblem(error);
      }
    }
    await writer.prepare(parsed.map((row) => row.tenantId));
    const existing = await writer.findByEmails(parsed);
    for (const row of parsed) {
      try {
        const current = existing.get(`${row.tenantId} ${row.email.toLowerCase()}`);
        if (current) {
          const patch = changes(current, row.fields);
          if (Object.keys(patch).length === 0) {
            results[row.index] = 'unchanged';
            continue;
          }
          assertBody(ctx, 'update', { version: current.version, ...patch });
          const plain = current.user_id === null && !('types' in patch) && !('primary_types' in patch);
          if (plain && writer.mayWrite(row.tenantId)) {
            updates.push({ row, current, patch: patch as BulkPatch });
            continue;
          }
        } else {
          if (!row.fields.types) throw new RowError('types', 'is required for a new contact (e.g. billing;technical)');
          const input = { tenant_id: row.tenantId, ...withoutEmptyPrimaries(row.fields) } as CreateContactInput;
          assertBody(ctx, 'create', input as unknown as Record<string, unknown>);
          const plain = !input.primary_types && input.firstname !== undefined && input.lastname !== undefined;
          if (plain && writer.mayWrite(row.tenantId)) {
            creates.push({ row, input, primaryTypes: writer.takePrimaries(row.tenantId, input.types) });
            continue;
          }
        }
      } catch (error) {
        results[row.index] = rowProblem(error);
        continue;
      }
      // A row the bulk writer does not write: after the rows before it, through the contacts service.
      await flush();
      await oneByOne(row);
    }
    await flush();
    // Every row of the chunk has its answer now; those not errors are listed in row order, up to the cap.
    for (const row of parsed) {
      if (listed.length === MAX_LISTED_ROWS) break;
      const action = results[row.index];
      if (typeof action === 'string')
        listed.push({ row: row.index + 1, action, tenant_id: row.tenantId, email: row.email });
    }
  }
  return { results, listed };
}

/** A row read: its tenant, what it sets, its address; an address already on an earlier row of its tenant is refused. */
function parse(ctx: ImportContext, row: () => RawRow, index: number, firstRow: Map<string, number>): Parsed {
  const raw = row();
  const tenantId = tenantOf(ctx, raw);
  const fields = rowFields(raw);
  const email = typeof fields.email === 'string' ? fields.email : undefined;
  if (!email) throw new RowError('email', 'is required: it matches the row to a contact of its tenant');
  const key = `${tenantId} ${email.toLowerCase()}`;
  const earlier = firstRow.get(key);
  if (earlier !== undefined)
    throw new RowError('email', `is on row ${earlier + 1} already: a tenant's address belongs to one contact`);
  firstRow.set(key, index);
  return { index, raw, tenantId, fields, email };
}

/** Runs a step; its error (a row's, a rule's, or a constraint's) rolls back that step only and is answered. */
async function inSavepoint(trx: Db, work: () => Promise<Outcome>): Promise<RowResult> {
  await sql`SAVEPOINT import_row`.execute(trx);
  try {
    const outcome = await work();
    await sql`RELEASE SAVEPOINT import_row`.execute(trx);
    return outcome;
  } catch (error) {
    await sql`ROLLBACK TO SAVEPOINT import_row`.execute(trx);
    return rowProblem(error);
  }
}

function rowProblem(error: unknown): { field: string; message: string } {
  if (error instanceof RowError) return { field: error.field, message: error.message };
  if (error instanceof AppError) return { field: error.options.info ?? 'row', message: error.message };
  // Email uniqueness is the database's last word when two rows race for one address.
  if ((error as { code?: string }).code === '23505')
    return { field: 'email', message: fail('contact_email_taken').message };
  throw error;
}
