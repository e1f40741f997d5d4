import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** A slow client cannot hold a connection open: headers, body and idle time are all bounded. */

let t: TestApp;
let port: number;
beforeAll(async () => {
  t = await startTestApp({ headersTimeoutMs: 1_000, requestTimeoutMs: 1_500, keepAliveTimeoutMs: 500 });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  port = (t.app.server.address() as net.AddressInfo).port;
});
afterAll(() => t?.close());

/** Opens a connection, writes `sent`, and resolves with what the server wrote before closing it. */
function slowClient(sent: string): { closed: Promise<string>; socket: net.Socket } {
  const socket = net.connect(port, '127.0.0.1');
  let answer = '';
  socket.on('data', (chunk) => {
    answer += chunk.toString();
  });
  socket.on('error', () => {});
  socket.write(sent);
  return { socket, closed: new Promise((resolve) => socket.on('close', () => resolve(answer))) };
}

/** Resolves with the promise's value, or with 'still open' once `ms` have passed. */
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), ms).unref())]);

// Generous against a loaded machine, and far below Node's defaults (300 s, or never with Fastify's).
const bound = 20_000;

describe('slow requests', () => {
  it('a half-sent body is answered 408 and closed, and the server keeps answering others', async () => {
    // A public route: nothing answers before the body is complete.
    const halfBody =
      'POST /api/2/email-confirmations HTTP/1.1\r\nHost: liaison.test\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":';
    const clients = Array.from({ length: 30 }, () => slowClient(halfBody));
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const answers = await Promise.all(clients.map((c) => within(c.closed, bound)));
    for (const answer of answers) expect(answer).toMatch(/^(HTTP\/1\.1 408 |$)/);
    expect(answers.filter((a) => a.startsWith('HTTP/1.1 408 ')).length).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it('headers that never finish are answered 408 and closed', async () => {
    const client = slowClient('GET /healthz HTTP/1.1\r\nHost: liaison.test\r\nX-Slow: ');
    expect(await within(client.closed, bound)).toMatch(/^(HTTP\/1\.1 408 |$)/);
  });

  it('an idle keep-alive connection is closed', async () => {
    const client = slowClient('GET /healthz HTTP/1.1\r\nHost: liaison.test\r\n\r\n');
    const answer = await within(client.closed, bound);
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  });
});
