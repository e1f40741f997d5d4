import { cardFields } from '../../platform/http/contact-card.js';

/** The person's fields: a linked contact's come from its user (an import leaves them alone). */
export const personColumns = ['firstname', 'lastname', 'email', 'phone', 'title', 'language'] as const;

/** What an import may set, beside the tenant: the types, the person and the card. */
export const writableColumns = ['types', 'primary_types', ...personColumns, ...cardFields] as const;

/** The columns of an export, in order; an import reads the same file back. */
export const exportColumns = [
  'tenant_id',
  'tenant_path',
  ...writableColumns,
  'validation_state',
  'attestation_state',
  'attested_at',
  'created_at',
  'updated_at',
] as const;
export type ExportColumn = (typeof exportColumns)[number];

/** The separator of a tenant's name path, from the top of the tree the caller sees. */
export const PATH_SEPARATOR = ' / ';

// A spreadsheet runs a cell starting with one of these as a formula (and a tab or CR can hide one).
const formulaStart = /^[=+\-@\t\r]/;
const neutralised = /^'[=+\-@\t\r]/;

/** A cell a spreadsheet would run as a formula, made text by a leading apostrophe (OWASP's advice). */
export const neutralise = (cell: string) => (formulaStart.test(cell) ? `'${cell}` : cell);

/** An exported cell read back: the apostrophe that neutralised it goes, so a round trip changes nothing. */
export const unneutralise = (cell: string) => (neutralised.test(cell) ? cell.slice(1) : cell);

/** A header cell as an import matches it: `Tenant Path` and ` tenant_path` are tenant_path. */
export const columnKey = (header: string) => header.trim().toLowerCase().replace(/\s+/g, '_');

/** `billing;technical` as a list (commas are taken too, spaces ignored). */
export const splitList = (cell: string) =>
  cell
    .split(/[;,]/)
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part !== '');

export const joinList = (items: readonly string[]) => items.join(';');
