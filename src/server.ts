import type { Server } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from './platform/config.js';
import { openDatabase, poolUse, type DatabaseHandle } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrator.js';
import { buildApp } from './app.js';
import { Workers } from './engine/workers.js';
import { Metrics } from './platform/metrics.js';
import { listenMetrics } from './platform/http/metrics-endpoint.js';
import { queueStates } from './engine/queue-states.js';
import { ensureRoot } from './features/setup/bootstrap.service.js';
import { sweepAuth } from './features/auth/auth.service.js';

export function openConfiguredDatabase(config: Config): Promise<DatabaseHandle> {
  return config.databaseUrl
    ? openDatabase({
        databaseUrl: config.databaseUrl,
        connectTimeoutMs: config.dbConnectTimeoutMs,
        statementTimeoutMs: config.dbStatementTimeoutMs,
      })
    : openDatabase({ dataDir: config.dataDir });
}

export interface RunningServer {
  app: FastifyInstance;
  database: DatabaseHandle;
  url: string;
  close(): Promise<void>;
}

/** Opens the database, migrates, creates the root on first start, and listens. */
export async function startServer(config: Config, options: { logger?: boolean } = {}): Promise<RunningServer> {
  const started = Date.now();
  const database = await openConfiguredDatabase(config);
  // One registry for the process: the API's requests and its workers' sends.
  const metrics = new Metrics();
  const workers = new Workers(metrics);
  try {
    await migrateToLatest(database.db);
    const boot = await ensureRoot(database.db, { adminPassword: config.adminPassword });
    if (boot.generatedPassword) {
      // Printed once, on purpose outside the structured log, so it never lands in log storage.
      process.stdout.write(
        `\n  Liaison created the root admin.\n  login: admin\n  password: ${boot.generatedPassword}\n  (shown only now; change it with \`liaison admin set-password\`)\n\n`,
      );
    }
    const app = await buildApp({
      db: database.db,
      config,
      logger: options.logger ?? true,
      wakers: workers.wakers,
      metrics,
    });
    if (config.runWorkers) {
      workers.start(database.db, config, app.log);
      await workers.listen(database.db, config, app.log);
    }
    const url = await app.listen({ host: config.host, port: config.port });
    app.log.info(
      {
        url,
        database: database.kind,
        mail: config.smtpUrl ? 'smtp' : 'built-in mailbox',
        workers: config.runWorkers,
        startup_ms: Date.now() - started,
      },
      'Liaison is ready',
    );
    const sweep = () => sweepAuth(database.db, config);
    const sweeper = setInterval(() => {
      sweep().catch((err) => app.log.warn({ err }, 'sweep of expired tokens failed'));
    }, 10 * 60_000);
    sweeper.unref();
    return {
      app,
      database,
      url,
      async close() {
        clearInterval(sweeper);
        await app.close();
        await workers.stop();
        await database.close();
      },
    };
  } catch (error) {
    await workers.stop();
    await database.close();
    throw error;
  }
}

/** A worker-only process (`liaison worker`): no HTTP, the same queues, against one PostgreSQL. */
export async function startWorkerProcess(config: Config, log: FastifyBaseLogger) {
  const database = await openConfiguredDatabase(config);
  await migrateToLatest(database.db);
  const metrics = new Metrics();
  const workers = new Workers(metrics);
  workers.start(database.db, config, log);
  let metricsServer: Server | undefined;
  try {
    await workers.listen(database.db, config, log);
    // What this process sends is seen only here: with LIAISON_METRICS_PORT it serves its own /metrics.
    if (config.metricsPort !== undefined) {
      metrics.collectProcessMetrics();
      metrics.watch({ pool: () => poolUse(database.db), queues: () => queueStates(database.db) });
      metricsServer = await listenMetrics(metrics, config.host, config.metricsPort);
    }
  } catch (error) {
    await workers.stop();
    await database.close();
    throw error;
  }
  log.info({ database: database.kind, metrics_port: config.metricsPort ?? null }, 'Liaison workers are running');
  return {
    async close() {
      if (metricsServer) await new Promise((resolve) => metricsServer!.close(resolve));
      await workers.stop();
      await database.close();
    },
  };
}
