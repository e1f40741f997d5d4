import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { consoleDir } from '../platform/http/console.js';
import { loadConfig } from '../platform/config.js';
import { migrateToLatest } from '../platform/db/migrator.js';
import { AppError } from '../platform/errors.js';
import { generatePassword } from '../platform/secrets.js';
import pino from 'pino';
import { openConfiguredDatabase, startServer, startWorkerProcess } from '../server.js';
import { announce, type AnnounceOptions } from './announce.command.js';
import { announcementsCommand } from './announcements.command.js';
import { contactsCommand } from './contacts.command.js';
import { setPassword } from '../features/setup/bootstrap.service.js';

/** `npm install` builds the console (prepare); a checkout without the build gets one before the first start. */
function ensureConsoleBuild() {
  if (fs.existsSync(path.join(consoleDir, 'index.html'))) return;
  console.log('Building the console (first start)…');
  const vite = path.resolve(consoleDir, '../../node_modules/vite/bin/vite.js');
  const result = spawnSync(
    process.execPath,
    [vite, 'build', '--config', path.resolve(consoleDir, '../vite.config.ts')],
    { stdio: 'inherit' },
  );
  if (result.status !== 0) console.error('liaison: the console could not be built; serving the API only');
}

const program = new Command('liaison').description(
  'Liaison, the contacts service of a multi-tenant cloud management portal.\n' +
    'Configuration comes from the environment: HOST, PORT, LIAISON_DATA_DIR, DATABASE_URL, LIAISON_ADMIN_PASSWORD, LOG_LEVEL.',
);

program
  .command('start')
  .description('Migrate the database, create the root admin on first start, and serve the API')
  .action(async () => {
    ensureConsoleBuild();
    const server = await startServer(loadConfig());
    const stop = async (signal: string) => {
      server.app.log.info({ signal }, 'shutting down');
      await server.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });

program
  .command('worker')
  .description(
    'Run only the background workers (mail outbox, announcements): scale them out beside API processes on one PostgreSQL',
  )
  .action(async () => {
    const config = loadConfig();
    const log = pino({ level: config.logLevel });
    const workers = await startWorkerProcess(config, log);
    const stop = async (signal: string) => {
      log.info({ signal }, 'shutting down');
      await workers.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });

program
  .command('announce')
  .description(
    'Send a notice through a running Liaison: prints the recipient count, then a progress bar until done.\n' +
      'Credentials: LIAISON_TOKEN, or LIAISON_USERNAME and LIAISON_PASSWORD; address: --url or LIAISON_URL (default http://HOST:PORT).',
  )
  .requiredOption('--category <category>', 'billing, technical or management (Business)')
  .requiredOption('--subject <text>', 'the subject in English')
  .option('--subject-it <text>', 'the subject in Italian')
  .requiredOption('--body-file <file>', 'the body in English (Markdown)')
  .option('--body-file-it <file>', 'the body in Italian (Markdown)')
  .requiredOption('--scope <tenant-id>', 'the tenant whose subtree receives it')
  .option(
    '--fallback <mode>',
    "none, or ancestor: tenants without a contact of the category are covered by their nearest ancestor's",
    'none',
  )
  .option('--recipients <rule>', "all, or primary: each tenant's primary contact of the category only", 'all')
  .option('--send-at <time>', 'RFC 3339, e.g. 2030-01-31T09:00:00Z: schedule it (cancel with `announcements cancel`)')
  .option('--mandatory', 'ignores opt-outs and carries no unsubscribe link (root administrators only)')
  .option('--url <url>', 'the address of the Liaison API')
  .action(async (options: AnnounceOptions) => {
    await announce(options, loadConfig());
  });

program.addCommand(announcementsCommand());
program.addCommand(contactsCommand());

program
  .command('migrate')
  .description('Apply pending database migrations and exit')
  .action(async () => {
    const database = await openConfiguredDatabase(loadConfig());
    try {
      const applied = await migrateToLatest(database.db);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
    } finally {
      await database.close();
    }
  });

program
  .command('admin')
  .description('Operator commands')
  .command('set-password')
  .description(
    "Set a user's password (default: the root admin). Reads LIAISON_ADMIN_PASSWORD, else generates one and prints it.",
  )
  .option('--login <login>', "the user's login", 'admin')
  .action(async (options: { login: string }) => {
    const config = loadConfig();
    const password = config.adminPassword ?? generatePassword();
    const database = await openConfiguredDatabase(config);
    try {
      await migrateToLatest(database.db);
      await setPassword(database.db, options.login, password);
      console.log(
        config.adminPassword
          ? `Password of "${options.login}" set from LIAISON_ADMIN_PASSWORD.`
          : `New password of "${options.login}": ${password}`,
      );
    } finally {
      await database.close();
    }
  });

program.parseAsync().catch((error: unknown) => {
  console.error(`liaison: ${error instanceof AppError || error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
