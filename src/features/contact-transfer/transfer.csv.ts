import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { neutralise } from './transfer.columns.js';

/** A CSV of these rows: header, UTF-8 with a BOM, RFC 4180 quoting, formula-looking cells neutralised. */
export function csvOf(columns: readonly string[], rows: AsyncIterable<Record<string, string>>): Readable {
  // Quoted too: a line break (the library quotes only its own record delimiter) and a semicolon
  // (a spreadsheet of a comma-decimal locale splits cells on it).
  const csv = stringify({
    bom: true,
    header: true,
    columns: [...columns],
    record_delimiter: '\r\n',
    quoted_match: /[\r\n;]/,
  });
  const cells = Readable.from(
    (async function* () {
      for await (const row of rows) yield Object.fromEntries(columns.map((c) => [c, neutralise(row[c] ?? '')]));
    })(),
  );
  cells.on('error', (error) => csv.destroy(error));
  return cells.pipe(csv);
}
