import type { FastifyInstance } from 'fastify';
import type { Config } from './platform/config.js';
import { openDatabase, type DatabaseHandle } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrator.js';
import { buildApp } from './platform/http/app.js';
import { createMailWorker, type MailWorker } from './worker/mail-worker.js';
import { ensureRoot } from './features/setup/bootstrap.service.js';
import { deleteExpiredTokens, deleteStaleAttempts } from './features/auth/auth.repository.js';

export function openConfiguredDatabase(config: Config): Promise<DatabaseHandle> {
  return config.databaseUrl ? openDatabase({ databaseUrl: config.databaseUrl }) : openDatabase({ dataDir: config.dataDir });
}

export interface RunningServer { app: FastifyInstance; database: DatabaseHandle; url: string; close(): Promise<void> }

/** Opens the database, migrates, creates the root on first start, and listens. */
export async function startServer(config: Config, options: { logger?: boolean } = {}): Promise<RunningServer> {
  const started = Date.now();
  const database = await openConfiguredDatabase(config);
  let mail: MailWorker | undefined;
  try {
    await migrateToLatest(database.db);
    const boot = await ensureRoot(database.db, { adminPassword: config.adminPassword });
    if (boot.generatedPassword) {
      // Printed once, on purpose outside the structured log, so it never lands in log storage.
      process.stdout.write(`\n  Liaison created the root admin.\n  login: admin\n  password: ${boot.generatedPassword}\n  (shown only now; change it with \`liaison admin set-password\`)\n\n`);
    }
    // The worker logs through the app's logger; it exists before the app so services can nudge it.
    const app = await buildApp({ db: database.db, config, logger: options.logger ?? true, mail: { kick: () => mail?.kick() } });
    mail = createMailWorker(database.db, config, app.log.child({ component: 'mail-worker' }));
    mail.start();
    const url = await app.listen({ host: config.host, port: config.port });
    app.log.info({ url, database: database.kind, mail: config.smtpUrl ? 'smtp' : 'built-in mailbox', startup_ms: Date.now() - started }, 'Liaison is ready');
    const sweep = async () => {
      await deleteExpiredTokens(database.db);
      await deleteStaleAttempts(database.db, config.authFailureWindowSeconds);
    };
    const sweeper = setInterval(() => { sweep().catch((err) => app.log.warn({ err }, 'sweep of expired tokens failed')); }, 10 * 60_000);
    sweeper.unref();
    return {
      app, database, url,
      async close() {
        clearInterval(sweeper);
        await app.close();
        await mail?.stop();
        await database.close();
      },
    };
  } catch (error) {
    await mail?.stop();
    await database.close();
    throw error;
  }
}
