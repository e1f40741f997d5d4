import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { startEmbedded, type EmbeddedOptions } from './embedded.js';
import { AppError, fail } from '../errors.js';
import type { PoolUse } from '../metrics.js';
import { PreparingClient } from './prepared.js';
import { alone, watchAuthChanges, type AuthWatch } from './auth-changes.js';

// int8 (counts) as numbers: every count we produce fits in 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  kind: 'embedded' | 'postgres';
  close(): Promise<void>;
}

/** Each database's pool, for its figures (see poolUse). */
const pools = new WeakMap<Db, pg.Pool>();

/** How busy the pool under a database opened here is: open, idle, and queries waiting for a connection. */
export function poolUse(db: Db): PoolUse | undefined {
  const pool = pools.get(db);
  return pool && { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
}

/** Each database's watch over what principals are read from, started on first use (auth-changes.ts). */
const authWatches = new WeakMap<Db, () => AuthWatch>();
const unwatched: AuthWatch = { live: false, close: async () => {} };

/** Whether principals read from this database may be cached now: never for one not opened here. */
export const authWatch = (db: Db): AuthWatch => authWatches.get(db)?.() ?? unwatched;

export type DatabaseOptions =
  | { databaseUrl: string; poolSize?: number; connectTimeoutMs?: number; statementTimeoutMs?: number }
  | ({ databaseUrl?: undefined } & EmbeddedOptions);

/**
 * A database that cannot be reached is the service being unavailable (503), not a fault in the
 * request: whoever called may retry. The cause goes to the log, never to the caller.
 */
function unavailable(cause: unknown): AppError {
  const error = fail('database_unavailable', { headers: { 'retry-after': '5' } });
  error.cause = cause;
  return error;
}

/** The pool, with a failure to get a connection (refused, timed out, too many clients) turned 503. */
function answeringPool(pool: pg.Pool): PostgresPool {
  return {
    connect: () =>
      pool.connect().catch((error: unknown) => {
        throw unavailable(error);
      }),
    end: () => pool.end(),
  };
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      Client: PreparingClient,
      max: options.poolSize ?? 10,
      // A server that is gone or hung fails a request within this bound instead of holding it forever.
      connectionTimeoutMillis: options.connectTimeoutMs ?? 0,
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
      keepAlive: true,
    });
    // An idle connection the server dropped (restart, failover, admin command) is discarded by
    // the pool and replaced on the next query; it must not take the process down.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: answeringPool(pool) }) });
    pools.set(db, pool);
    // Other processes may write the server: their changes are heard on a connection of its own.
    let watch: AuthWatch | undefined;
    authWatches.set(db, () => (watch ??= watchAuthChanges(options.databaseUrl)));
    return {
      db,
      kind: 'postgres',
      async close() {
        await watch?.close();
        await db.destroy();
      },
    };
  }
  const embedded = await startEmbedded(options as EmbeddedOptions);
  const pool = new pg.Pool({
    host: embedded.socketDir,
    user: 'postgres',
    database: 'postgres',
    max: 1,
    Client: PreparingClient,
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  // The embedded database has one process (the data folder's lock): this one sees every write.
  authWatches.set(db, () => alone);
  return {
    db,
    kind: 'embedded',
    async close() {
      await db.destroy();
      await embedded.close();
    },
  };
}
