import { Readable, Transform, type TransformCallback } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { fail } from '../../platform/errors.js';
import { neutralise } from './transfer.columns.js';

/** What an import may cost: checked while the body arrives, before it is all read. */
export interface ImportLimits {
  bytes: number;
  rows: number;
}

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

/** Counts the bytes going through and stops at the limit, naming it. */
function byteLimit(bytes: number) {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      seen += chunk.length;
      if (seen > bytes) return done(fail('import_too_large'));
      done(null, chunk);
    },
  });
}

/** The header's separator: a semicolon where it has more of them than commas (spreadsheets of comma-decimal locales). */
export function detectDelimiter(head: string) {
  const line = head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const count = (c: string) => line.split(c).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

/**
 * The rows of a CSV body (the header first), parsed as they arrive: a BOM is skipped, the
 * separator is the header's, and the body stops being read once it passes a limit.
 */
export async function readCsv(body: Readable, limits: ImportLimits): Promise<string[][]> {
  const limited = body.pipe(byteLimit(limits.bytes));
  body.on('error', (error) => limited.destroy(error));
  const chunks = limited[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let headLength = 0;
  // Enough of the body to hold the header line.
  while (headLength < 65_536 && !head.some((chunk) => chunk.includes(10))) {
    const next = await chunks.next();
    if (next.done) break;
    head.push(next.value);
    headLength += next.value.length;
  }
  const delimiter = detectDelimiter(Buffer.concat(head).toString('utf8'));
  const parser = parse({ bom: true, delimiter, relax_column_count: true, skip_empty_lines: true });
  const source = Readable.from(
    (async function* () {
      yield* head;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
    })(),
  );
  source.on('error', (error) => parser.destroy(error));
  const rows: string[][] = [];
  try {
    for await (const record of source.pipe(parser) as AsyncIterable<string[]>) {
      // The header and the allowed rows; one more is one too many.
      if (rows.length > limits.rows) throw fail('import_too_many_rows');
      rows.push(record);
    }
  } catch (error) {
    source.destroy();
    limited.destroy();
    if (error instanceof CsvError)
      throw fail('import_not_csv', { message: `The CSV could not be read: ${error.message}`, info: 'body' });
    throw error;
  }
  return rows;
}

/** A whole body as text, read no further than the limit. */
export async function readText(body: Readable, bytes: number): Promise<string> {
  const limited = body.pipe(byteLimit(bytes));
  body.on('error', (error) => limited.destroy(error));
  const chunks: Buffer[] = [];
  for await (const chunk of limited) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
