import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import type { TestApp } from './test-app.js';

export interface FuzzApp {
  app: FastifyInstance;
  /** The error the server logged for this request id (type, message, where), if it logged one. */
  errorOf(requestId: string): string | undefined;
  close(): Promise<void>;
}

/**
 * A second app on the test app's database that keeps its error log lines, so a 5xx in the
 * report says what failed inside (the answer itself rightly says only "Internal error").
 */
export async function startFuzzApp(t: TestApp): Promise<FuzzApp> {
  const errors = new Map<string, string>();
  const logStream = {
    write(line: string) {
      const entry = JSON.parse(line);
      if (entry.level < 50 || !entry.reqId) return;
      const frame = String(entry.err?.stack ?? '')
        .split('\n')
        .find((l) => l.includes('/src/'))
        ?.trim()
        .replace(/\(\/.*?\/src\//, '(src/');
      errors.set(
        entry.reqId,
        `${entry.err?.type ?? 'error'}: ${entry.err?.message ?? entry.msg}${frame ? ` ${frame}` : ''}`,
      );
    },
  };
  const app = await buildApp({ db: t.db, config: t.config, logStream, consoleRoot: null });
  await app.ready();
  return { app, errorOf: (id) => errors.get(id), close: () => app.close() };
}
