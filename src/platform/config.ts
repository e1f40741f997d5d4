import path from 'node:path';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  adminPassword: string | undefined;
  publicUrl: string;
  logLevel: string;
  tokenTtlSeconds: number;
  /** Failed sign-ins allowed per login (and 4× that per address) inside one window. */
  authFailureLimit: number;
  authFailureWindowSeconds: number;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const host = env.HOST || '127.0.0.1';
  const port = int(env, 'PORT', 8080);
  return {
    host,
    port,
    dataDir: path.resolve(env.LIAISON_DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    adminPassword: env.LIAISON_ADMIN_PASSWORD || undefined,
    publicUrl: (env.LIAISON_PUBLIC_URL || `http://${host}:${port}`).replace(/\/+$/, ''),
    logLevel: env.LOG_LEVEL || 'info',
    tokenTtlSeconds: int(env, 'LIAISON_TOKEN_TTL_SECONDS', 3600),
    authFailureLimit: int(env, 'LIAISON_AUTH_FAILURE_LIMIT', 5),
    authFailureWindowSeconds: int(env, 'LIAISON_AUTH_FAILURE_WINDOW_SECONDS', 900),
  };
}
