import type { Db } from '../../platform/db/database.js';
import { cardFields } from '../../platform/http/contact-card.js';
import type { Principal } from '../../platform/scope.js';
import type { ContactService } from '../contacts/contact.service.js';
import type { ContactView } from '../contacts/contact.schemas.js';
import { exportColumns, joinList, type ExportColumn } from './transfer.columns.js';
import { findTenantPaths } from './transfer.repository.js';

/** One exported contact: lists stay lists (JSON), the CSV joins them. */
export type ExportRecord = Record<ExportColumn, string | string[] | null>;

export interface ExportQuery {
  tenantId: string;
  subtree: boolean;
  /** Contacts read per query: the export never holds more than one page. */
  pageSize?: number;
}

const record = (contact: ContactView, path: string): ExportRecord => ({
  tenant_id: contact.tenant_id,
  tenant_path: path,
  types: contact.types,
  primary_types: contact.primary_types,
  firstname: contact.firstname,
  lastname: contact.lastname,
  email: contact.email,
  phone: contact.phone,
  title: contact.title,
  language: contact.language,
  ...(Object.fromEntries(cardFields.map((f) => [f, contact[f]])) as Record<(typeof cardFields)[number], string | null>),
  validation_state: contact.validation_state,
  attestation_state: contact.attestation_state,
  attested_at: contact.attested_at,
  created_at: contact.created_at,
  updated_at: contact.updated_at,
});

/**
 * Every contact of the tenant (or its subtree) in keyset pages, each page's tenant paths read
 * once. No transaction spans the pages: an export must not hold the embedded database's one
 * connection while a slow client reads it, so a contact changed meanwhile shows as it is then.
 */
export async function* exportRecords(
  db: Db,
  contacts: ContactService,
  principal: Principal,
  { tenantId, subtree, pageSize = 1000 }: ExportQuery,
): AsyncGenerator<ExportRecord> {
  const paths = new Map<string, string>();
  let afterId: string | undefined;
  for (;;) {
    const page = await contacts.pageBelow(principal, { tenantId, subtree, afterId, limit: pageSize });
    const unknown = [...new Set(page.map((c) => c.tenant_id))].filter((id) => !paths.has(id));
    for (const { id, path } of await findTenantPaths(db, principal.read, unknown)) paths.set(id, path);
    for (const contact of page) yield record(contact, paths.get(contact.tenant_id) ?? '');
    if (page.length < pageSize) return;
    afterId = page[page.length - 1]!.id;
  }
}

/** A record as CSV cells: lists as `billing;technical`, null as an empty cell. */
export function csvCells(row: ExportRecord): Record<string, string> {
  return Object.fromEntries(
    exportColumns.map((c) => {
      const value = row[c];
      return [c, Array.isArray(value) ? joinList(value) : (value ?? '')];
    }),
  );
}

/** A streamed JSON array of the records. */
export async function* jsonArray(rows: AsyncIterable<ExportRecord>): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for await (const row of rows) {
    yield `${first ? '\n' : ',\n'}${JSON.stringify(row)}`;
    first = false;
  }
  yield first ? ']\n' : '\n]\n';
}
