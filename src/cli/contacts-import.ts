import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import cliProgress from 'cli-progress';
import { stringify } from 'csv-stringify/sync';
import { loadConfig } from '../platform/config.js';
import { connectRaw } from './api-client.js';

export interface ImportOptions {
  tenant: string;
  dryRun?: boolean;
  skipErrors?: boolean;
  errorsFile?: string;
  url?: string;
}

/** The API's import answer (a rejected apply carries the same beside its error). */
interface ImportReport {
  counts: { create: number; update: number; unchanged: number; error: number };
  errors: { row: number; field: string; message: string }[];
}

const contentTypes: Record<string, string> = { '.csv': 'text/csv', '.json': 'application/json' };

/** The file as a request body, with a progress bar of the bytes sent (stderr). */
function uploadBody(file: string, size: number) {
  const bar = new cliProgress.SingleBar(
    {
      format: 'Uploading {bar} {percentage}% | {value}/{total} bytes',
      noTTYOutput: true,
      notTTYSchedule: 2000,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(size, 1), 0);
  let sent = 0;
  const counting = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      bar.update((sent += chunk.length));
      done(null, chunk);
    },
  });
  const stream = fs.createReadStream(file).on('error', (error) => counting.destroy(error));
  stream.pipe(counting);
  return { body: Readable.toWeb(counting) as ReadableStream, done: () => bar.stop() };
}

/** The per-row errors as a CSV: row, field, message. */
function writeErrors(file: string, errors: ImportReport['errors']) {
  const rows = errors.map((e) => [e.row, e.field, e.message]);
  fs.writeFileSync(file, stringify([['row', 'field', 'message'], ...rows], { record_delimiter: '\r\n' }));
}

/**
 * `liaison contacts import FILE`: uploads the file (a progress bar of bytes sent), prints the
 * counts and what happened, writes the per-row errors to a file. Answers the exit code:
 * 0 done, 2 rows had errors, (thrown: 1) any other failure.
 */
export async function importContacts(file: string, options: ImportOptions): Promise<number> {
  const type = contentTypes[path.extname(file).toLowerCase()];
  if (!type) throw new Error(`${file}: the file must end in .csv or .json`);
  const size = fs.statSync(file).size;
  const api = await connectRaw(options.url, loadConfig(), process.env);
  const query = new URLSearchParams({
    tenant_id: options.tenant,
    mode: options.dryRun ? 'dry_run' : 'apply',
    ...(options.skipErrors ? { on_error: 'skip' } : {}),
  });
  const upload = uploadBody(file, size);
  let res: Response;
  try {
    res = await api(
      `/contact-imports?${query}`,
      { method: 'POST', headers: { 'content-type': type }, body: upload.body, duplex: 'half' },
      [422],
    );
  } finally {
    upload.done();
  }
  const report = (await res.json()) as ImportReport;
  const { create, update, unchanged, error } = report.counts;
  console.log(`create: ${create}, update: ${update}, unchanged: ${unchanged}, error: ${error}`);
  if (options.dryRun) console.log('Dry run: nothing was written.');
  else if (res.status === 422)
    console.log('Nothing was written: some rows have errors (--skip-errors applies the good rows).');
  else console.log(error > 0 ? 'Applied (the rows with errors skipped).' : 'Applied.');
  if (report.errors.length > 0) {
    const errorsFile = options.errorsFile ?? `${file}.errors.csv`;
    writeErrors(errorsFile, report.errors);
    const listed = report.errors.length < error ? ` (the first ${report.errors.length} of ${error})` : '';
    console.log(`Errors${listed} written to ${errorsFile}`);
  }
  return error > 0 ? 2 : 0;
}
