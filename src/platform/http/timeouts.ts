import type { ServerOptions } from 'node:http';
import type { Config } from '../config.js';

/**
 * Fastify/Node server options that bound a slow client, so connections that trickle headers or
 * a body (or sit idle) are closed instead of piling up until the server runs out of sockets.
 * Node enforces headersTimeout and requestTimeout only when it sweeps its connections, every
 * connectionsCheckingInterval (30 s by default): sweep often enough for the bounds to mean it.
 */
export function serverTimeouts(config: Pick<Config, 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs'>): {
  requestTimeout: number;
  keepAliveTimeout: number;
  http: ServerOptions;
} {
  const requestTimeout = config.requestTimeoutMs;
  // Node refuses a header bound longer than the request's.
  const headersTimeout =
    requestTimeout > 0 ? Math.min(config.headersTimeoutMs, requestTimeout) : config.headersTimeoutMs;
  const bounds = [headersTimeout, requestTimeout].filter((ms) => ms > 0);
  return {
    requestTimeout,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: {
      headersTimeout,
      requestTimeout,
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, ...bounds.map((ms) => Math.floor(ms / 4)))),
    },
  };
}
