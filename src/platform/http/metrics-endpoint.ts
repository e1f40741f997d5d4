import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { Metrics } from '../metrics.js';

/** Requests no route answered share one label, so unknown URLs cannot grow the series without bound. */
const UNMATCHED = 'unmatched';

/**
 * Prometheus' view of the app, when metrics are on: every response observed by its route
 * template (never the raw URL), method and status class; GET /metrics on the API port, or on a
 * port of its own (LIAISON_METRICS_PORT) that is not the API's, so a firewall can keep it private.
 * Off, nothing is observed and /metrics is a 404 like any unknown path.
 */
export function installMetricsEndpoint(app: FastifyInstance, metrics: Metrics, config: Config) {
  if (!config.metricsEnabled) return;
  metrics.collectProcessMetrics();
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(
      request.routeOptions.url ?? UNMATCHED,
      request.method,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
  if (config.metricsPort === undefined) {
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      const { contentType, text } = await metrics.exposition();
      return reply.type(contentType).send(text);
    });
    return;
  }
  const port = config.metricsPort;
  let server: http.Server | undefined;
  app.addHook('onReady', async () => {
    server = await listenMetrics(metrics, config.host, port);
    app.log.info({ port: (server.address() as AddressInfo).port }, 'metrics served on their own port');
  });
  app.addHook('onClose', async () => {
    if (server?.listening) await new Promise((resolve) => server!.close(resolve));
  });
}

/** GET /metrics alone on host:port (a worker process's, or the API's when LIAISON_METRICS_PORT is set). */
export async function listenMetrics(metrics: Metrics, host: string, port: number): Promise<http.Server> {
  const server = metricsServer(metrics);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/** The metrics port: GET /metrics and nothing else. */
function metricsServer(metrics: Metrics): http.Server {
  return http.createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics.exposition().then(
      ({ contentType, text }) => response.writeHead(200, { 'content-type': contentType }).end(text),
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
}
