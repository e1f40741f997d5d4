import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { OutboundTarget } from '../platform/outbound-target.js';

/**
 * Connections are kept open between deliveries (an endpoint gets a batch's events at once, and
 * the next batch soon after): each was opened to an address the guard checked, and a new one
 * is opened only to the address of its own check (the pinned lookup below).
 */
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

/** What an endpoint answered: its status, or why there was none. */
interface PostResult {
  status: number | null;
  error: string | null;
}

interface PostOptions {
  timeoutMs: number;
  /** Bytes of the answer read at most (kept for the delivery's last error); the rest is dropped. */
  maxBodyBytes: number;
}

/**
 * POSTs to the address the guard checked (the lookup answers with it, so no second resolution
 * can swap it), keeping the URL's host name for the Host header and TLS. Redirects are answers
 * like any other (never followed); the whole exchange is bounded by timeoutMs. An answer read
 * to its end leaves the connection for the next delivery; one cut at maxBodyBytes closes it.
 */
export function postWebhook(
  target: OutboundTarget,
  headers: Record<string, string>,
  body: string,
  options: PostOptions,
): Promise<PostResult> {
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const client = target.url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const request = client.request(
      target.url,
      {
        method: 'POST',
        lookup: pinned,
        agent: agents[target.url.protocol === 'https:' ? 'https:' : 'http:'],
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = (cut: boolean) => {
          const text = Buffer.concat(chunks).toString('utf8').slice(0, options.maxBodyBytes);
          const ok = response.statusCode! >= 200 && response.statusCode! < 300;
          done({ status: response.statusCode!, error: ok ? null : `HTTP ${response.statusCode}: ${text}`.trim() });
          if (cut) response.destroy();
        };
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= options.maxBodyBytes) finish(true);
        });
        response.on('end', () => finish(false));
        response.on('error', () => finish(true));
      },
    );
    const timer = setTimeout(() => {
      request.destroy();
      done({ status: null, error: `no answer within ${options.timeoutMs / 1000} s` });
    }, options.timeoutMs);
    request.on('error', (error) => done({ status: null, error: error.message }));
    request.end(body);
  });
}
