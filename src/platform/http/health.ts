import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/database.js';
import { migrationGap } from '../db/migrator.js';
import { fail } from '../errors.js';

/**
 * What an orchestrator asks, without credentials: /healthz (the process answers and reaches
 * its database: restart it when not) and /readyz (the database is reachable and its migrations
 * are this version's: send it traffic only then). Either answers 503 in the error shape otherwise.
 */
export function installHealthRoutes(app: FastifyInstance, db: Db) {
  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
    return reply.send({ status: 'ok' });
  });

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    // An unreachable database fails here already, as database_unavailable (503, Retry-After).
    const { pending, unknown } = await migrationGap(db);
    if (pending.length || unknown.length) {
      const named = [
        ...(pending.length ? [`pending: ${pending.join(' ')}`] : []),
        ...(unknown.length ? [`unknown to this version: ${unknown.join(' ')}`] : []),
      ];
      throw fail('migrations_not_current', { info: named.join('; '), context: { pending, unknown } });
    }
    return reply.send({ status: 'ready' });
  });
}
