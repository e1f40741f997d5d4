import { tenantAccess } from '../../platform/access.js';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import { invalidField } from '../../platform/errors.js';
import type { Principal } from '../../platform/scope.js';
import type { ContactService } from '../contacts/contact.service.js';
import { exportRecords } from './transfer.export.js';
import { importRows, type ListedRow } from './transfer.batch.js';
import { pathIndex, type BodyCheck, type ImportContext, type Outcome } from './transfer.import.js';
import { findSubtreePaths } from './transfer.repository.js';
import { csvRow, headerKeys, jsonRow, RowError, type RawRow } from './transfer.rows.js';
import { MAX_LISTED_ERRORS } from './transfer.schemas.js';

/** An import's body: a CSV's records (the header first) or a JSON array of row objects. */
export type ImportBody = { csv: string[][] } | { json: unknown[] };

export interface ImportOptions {
  tenantId: string;
  mode: 'dry_run' | 'apply';
  /** skip: apply the good rows; abort (default): any error row writes nothing. */
  onError: 'abort' | 'skip';
  check: BodyCheck;
}

interface ImportReport {
  counts: Record<Outcome | 'error', number>;
  errors: { row: number; field: string; message: string }[];
  rows: ListedRow[];
}

/** Thrown to roll a transaction back with the report it reached (a dry run, or an aborted apply). */
class Rollback extends Error {
  constructor(readonly report: ImportReport) {
    super('rolled back');
  }
}

export class ContactTransferService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly contacts: ContactService,
  ) {}

  /** The tenant (404 when the caller cannot see it) and its contacts, read page by page as the stream is read. */
  async export(principal: Principal, tenantId: string, subtree: boolean) {
    const tenant = await tenantAccess(this.uow.db, principal, tenantId, 'read');
    return { tenant, records: exportRecords(this.uow.db, this.contacts, principal, { tenantId, subtree }) };
  }

  /**
   * Every row created, updated or left as it is by the contacts feature's rules (transfer.batch.ts:
   * in chunks, plain rows written together), in one transaction; an error row leaves the others intact. A dry run and an aborted apply roll the
   * whole of it back, so they answer exactly what an apply does. `applied` says whether it committed.
   */
  async import(principal: Principal, body: ImportBody, options: ImportOptions) {
    await tenantAccess(this.uow.db, principal, options.tenantId, 'read', { field: 'tenant_id' });
    const rows = rowsOf(body);
    try {
      const report = await this.uow.run(async (trx, after) => {
        const tenants = pathIndex(options.tenantId, await findSubtreePaths(trx, principal.read, options.tenantId));
        const ctx: ImportContext = { principal, contacts: this.contacts, check: options.check, tenants };
        const { results, listed } = await importRows(ctx, trx, after, rows);
        const counts = { create: 0, update: 0, unchanged: 0, error: 0 };
        const report: ImportReport = { counts, errors: [], rows: listed };
        results.forEach((outcome, index) => {
          if (typeof outcome === 'string') report.counts[outcome] += 1;
          else {
            report.counts.error += 1;
            if (report.errors.length < MAX_LISTED_ERRORS) report.errors.push({ row: index + 1, ...outcome });
          }
        });
        const commit = options.mode === 'apply' && (report.counts.error === 0 || options.onError === 'skip');
        if (!commit) throw new Rollback(report);
        return report;
      });
      return { report, applied: true };
    } catch (error) {
      if (error instanceof Rollback) return { report: error.report, applied: false };
      throw error;
    }
  }
}

/** Each row as a thunk, so a malformed one is an error row of its own. */
function rowsOf(body: ImportBody): (() => RawRow)[] {
  if ('json' in body) return body.json.map((value) => () => jsonRow(value));
  const [header, ...records] = body.csv;
  if (!header) throw invalidField('body', 'the CSV has no header row');
  let keys: string[];
  try {
    keys = headerKeys(header);
  } catch (error) {
    if (error instanceof RowError) throw invalidField(error.field, error.message);
    throw error;
  }
  return records.map((record) => () => csvRow(keys, record));
}
