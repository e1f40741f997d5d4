import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { parse } from 'csv-parse';
import { loadConfig } from '../platform/config.js';
import { connectRaw } from './api-client.js';
import { importContacts, type ImportOptions } from './contacts-import.js';

// `liaison contacts export | import`: a tenant's contacts out of and into a running Liaison, through its API.

interface ExportOptions {
  tenant: string;
  subtree?: boolean;
  format: string;
  url?: string;
}

/** Counts the objects of a streamed JSON array (those at depth 1), whatever strings they hold. */
function jsonObjectCounter(onObject: () => void) {
  let depth = 0;
  let inString = false;
  let escaped = false;
  return (text: string) => {
    for (const c of text) {
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '[' || c === '{') {
        if (++depth === 2 && c === '{') onObject();
      } else if (c === ']' || c === '}') depth--;
    }
  };
}

/** Counts the records of what goes through (CSV rows after the header, or JSON objects) and passes it on unchanged. */
function recordCounter(format: string, onRecord: () => void) {
  let header = true;
  const csv =
    format === 'csv'
      ? parse({ bom: true, relax_column_count: true }).on('data', () => (header ? (header = false) : onRecord()))
      : undefined;
  const json = jsonObjectCounter(onRecord);
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      if (csv) csv.write(chunk);
      else json(chunk.toString('utf8'));
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      if (!csv) return done();
      csv.once('end', () => done()).once('error', done);
      csv.end();
    },
  });
}

/** Streams the export to stdout as it arrives; a running count on stderr, then `Exported N contacts.` */
async function exportContacts(options: ExportOptions) {
  if (options.format !== 'csv' && options.format !== 'json')
    throw new Error(`--format must be csv or json (got "${options.format}")`);
  const api = await connectRaw(options.url, loadConfig(), process.env);
  const query = new URLSearchParams({ format: options.format, subtree: String(Boolean(options.subtree)) });
  const res = await api(`/tenants/${encodeURIComponent(options.tenant)}/contacts/export?${query}`);
  const bar = new cliProgress.SingleBar(
    { format: 'Exporting: {value} contacts, {kb} kB', noTTYOutput: true, notTTYSchedule: 2000, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let rows = 0;
  let bytes = 0;
  bar.start(0, 0, { kb: 0 });
  const counter = recordCounter(options.format, () => bar.update(++rows, { kb: Math.round(bytes / 1024) }));
  counter.on('data', (chunk: Buffer) => (bytes += chunk.length));
  try {
    await pipeline(Readable.fromWeb(res.body! as never), counter, process.stdout, { end: false });
  } finally {
    bar.update(rows, { kb: Math.round(bytes / 1024) });
    bar.stop();
  }
  console.error(`Exported ${rows} contacts.`);
}

const withUrl = (command: Command) => command.option('--url <url>', 'the address of the Liaison API');

/** The `contacts` command group, for main.ts to add. */
export function contactsCommand() {
  const group = new Command('contacts').description(
    "Export and import a tenant's contacts through a running Liaison (credentials and address as for `announce`)",
  );
  withUrl(group.command('export'))
    .description('Write the contacts of a tenant (or its subtree) to stdout, as CSV (UTF-8 with a BOM) or JSON')
    .requiredOption('--tenant <tenant-id>', 'the tenant whose contacts to export')
    .option('--subtree', 'every tenant below it too')
    .option('--format <format>', 'csv or json', 'csv')
    .action(exportContacts);
  withUrl(group.command('import <file>'))
    .description(
      "Create and update contacts from a .csv or .json file (the export's columns); per-row errors go to a CSV file.\n" +
        'Exit code: 0 done, 2 some rows had errors (nothing written unless --skip-errors), 1 any other failure.',
    )
    .requiredOption('--tenant <tenant-id>', 'the tenant the rows belong to (or lie below)')
    .option('--dry-run', 'check every row and say what would change; write nothing')
    .option('--skip-errors', 'apply the good rows even if others have errors')
    .option('--errors-file <path>', 'where to write the per-row errors (default: FILE.errors.csv)')
    .action(async (file: string, options: ImportOptions) => {
      process.exitCode = await importContacts(file, options);
    });
  return group;
}
