import { cardFields } from '../../platform/http/contact-card.js';
import { isStorableText } from '../../platform/http/input-guard.js';
import { columnKey, exportColumns, splitList, unneutralise, writableColumns } from './transfer.columns.js';

/** A row's problem, named by its field (the answer's `errors` item without the row). */
export class RowError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** A row as read: the cells of the known columns, by column (absent: not in the file). */
export type RawRow = Partial<Record<string, unknown>>;

const known = new Set<string>(exportColumns);
// Empty means "none" for these; for the others (names, email, language, lists) it means "not given".
const nullable = new Set<string>(['phone', 'title', ...cardFields]);
const lists = new Set(['types', 'primary_types']);

/** The columns of a CSV header, refused by name when one is not a column of contacts. */
export function headerKeys(header: string[]): string[] {
  const keys = header.map(columnKey);
  const unknown = keys.filter((k) => !known.has(k));
  if (unknown.length > 0)
    throw new RowError(unknown.join(','), `not a column of a contact import: ${unknown.join(', ')}`);
  return keys;
}

/** A CSV record under its header: formula apostrophes dropped, a short record's missing cells absent. */
export function csvRow(keys: string[], record: string[]): RawRow {
  if (record.length > keys.length)
    throw new RowError('row', `has ${record.length} cells, the header ${keys.length} columns`);
  return Object.fromEntries(record.map((cell, i) => [keys[i], unneutralise(cell)]));
}

/** A JSON row: an object of known columns. */
export function jsonRow(value: unknown): RawRow {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new RowError('row', 'must be an object of contact columns');
  const row = Object.fromEntries(Object.entries(value).map(([k, v]) => [columnKey(k), v]));
  const unknown = Object.keys(row).find((k) => !known.has(k));
  if (unknown) throw new RowError(unknown, 'is not a column of a contact import');
  return row;
}

/** What a row sets: lists as lists, empty cells as null or left out (see `nullable`); validation_state, created_at and updated_at are read past. */
export function rowFields(row: RawRow) {
  const fields: Record<string, string | string[] | null> = {};
  for (const column of writableColumns) {
    const value = row[column];
    if (value === undefined) continue;
    if (lists.has(column)) {
      const items = Array.isArray(value)
        ? value.map((v) => String(v).trim().toLowerCase())
        : splitList(text(column, value));
      if (items.length > 0 || column === 'primary_types') fields[column] = items.map(businessIsManagement);
      continue;
    }
    const cell = value === null ? '' : text(column, value).trim();
    if (cell !== '') fields[column] = cell;
    else if (nullable.has(column)) fields[column] = null;
  }
  return fields;
}

function text(column: string, value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') throw new RowError(column, 'must be text');
  const cell = String(value);
  if (!isStorableText(cell)) throw new RowError(column, 'contains a NUL or a broken character');
  return cell;
}

// The console labels management "Business": a file written by a person may say so.
const businessIsManagement = (type: string) => (type === 'business' ? 'management' : type);
