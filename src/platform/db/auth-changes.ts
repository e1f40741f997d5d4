import pg from 'pg';

/**
 * What decides who a credential is and what it may reach: tokens, users, API clients, roles,
 * and the tenants above them. A cache of principals (features/auth) holds an entry only while
 * none of these has changed since it was read:
 *
 * - in this process, every statement writing one of these tables (and the end of its
 *   transaction) moves the generation, as soon as the database has answered it;
 * - in other processes on the same PostgreSQL server, migration 0014's triggers notify
 *   `liaison_auth` when such a statement commits, and this process's listener moves it.
 *
 * An entry read while the generation moved is never used; without a listener connected (yet,
 * or any more) a server's principals are not cached at all.
 */
const AUTH_CHANNEL = 'liaison_auth';
const AUTH_TABLES = 'access_tokens|access_policies|users|api_clients|tenants|tenant_closure';
const table = (names: string) => `(?:only\\s+)?(?:"?public"?\\.)?"?(?:${names})"?(?!\\w)`;
/** An update, delete or truncate of one of them; or a new role (a new token, user or tenant changes no principal read before). */
const writesAuth = new RegExp(
  `\\b(?:(?:update|delete\\s+from|truncate(?:\\s+table)?)\\s+${table(AUTH_TABLES)}|insert\\s+into\\s+${table('access_policies')})`,
  'i',
);
/** An insert that may update rows instead (ON CONFLICT DO UPDATE, MERGE). */
const upserts = new RegExp(`\\b(?:insert|merge)\\s+into\\s+${table(AUTH_TABLES)}[\\s\\S]*\\bupdate\\b`, 'i');
const known = new Map<string, boolean>();

/** Whether the statement may write one of the tables above (memoized by text: a service sends few distinct ones). */
export function touchesAuth(text: string): boolean {
  let answer = known.get(text);
  if (answer === undefined) {
    answer = writesAuth.test(text) || upserts.test(text);
    if (known.size < 10_000) known.set(text, answer);
  }
  return answer;
}

let generation = 0;

/** Moves whenever something a principal was read from may have changed. */
export const authGeneration = () => generation;

export function authChanged(): void {
  generation++;
}

/** Listens for other processes' changes; `live` only while connected and listening. */
export interface AuthWatch {
  readonly live: boolean;
  close(): Promise<void>;
}

/** For a single-process database (embedded): every writer is this process, seen by `touchesAuth`. */
export const alone: AuthWatch = { live: true, close: async () => {} };

/**
 * Listens on its own connection (never blocks the caller: until connected it is not `live`).
 * Whenever it is lost, the generation moves (notifications may have been missed) and it
 * connects again after `retryMs`.
 */
export function watchAuthChanges(connectionString: string, retryMs = 1000): AuthWatch {
  let live = false;
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  const drop = async (c: pg.Client | undefined) => {
    c?.removeAllListeners();
    c?.on('error', () => {});
    await c?.end().catch(() => {});
  };
  const lost = () => {
    live = false;
    authChanged();
    void drop(client);
    client = undefined;
    if (!closed) retry = setTimeout(connect, retryMs).unref();
  };
  const connect = () => {
    const c = new pg.Client({ connectionString, keepAlive: true, application_name: 'liaison auth watch' });
    client = c;
    c.on('error', lost);
    c.on('end', () => c === client && lost());
    c.on('notification', authChanged);
    c.connect()
      .then(() => c.query(`LISTEN ${AUTH_CHANNEL}`))
      .then(() => {
        if (c !== client) return;
        // Whatever changed before the LISTEN went unheard: start from a new generation.
        authChanged();
        live = true;
      })
      .catch(() => c === client && lost());
  };
  connect();
  return {
    get live() {
      return live && !closed;
    },
    async close() {
      closed = true;
      live = false;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      await drop(c);
    },
  };
}
