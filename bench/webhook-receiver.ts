/**
 * The webhook endpoint the benchmark posts to: node:http with keep-alive, reading each body and
 * answering 204 at once, nothing else (the senders are what is measured). Run as a child
 * process by bench/webhooks.ts, so it takes neither side's event loop; it tells its port over IPC
 * and, when asked, how many requests it has answered.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

let answered = 0;
const server = http.createServer({ keepAlive: true }, (req, res) => {
  req.resume();
  req.on('end', () => {
    answered += 1;
    res.statusCode = 204;
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('message', () => process.send?.({ answered }));
process.on('disconnect', () => process.exit(0));
