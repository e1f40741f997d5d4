/**
 * A TCP relay between Liaison and PostgreSQL that counts the statements Liaison sends: every
 * Execute of the extended protocol and every simple Query, with the SQL of each (from its Parse
 * or Query message). bench/api --statements points Liaison at it, makes a few calls per route and
 * prints what one call ran. No TLS (the bench's server is local).
 */
import net from 'node:net';

export interface StatementLog {
  port: number;
  /** The SQL run since the last take(), in order. */
  take(): string[];
  close(): Promise<void>;
}

export function statementRelay(target: { host: string; port: number }): Promise<StatementLog> {
  let log: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    let buffer = Buffer.alloc(0);
    let started = false;
    const named = new Map<string, string>();
    let bound = '';
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      buffer = Buffer.concat([buffer, chunk]);
      if (!started) {
        // The startup message: length, then its body, no type byte.
        if (buffer.length < 4) return;
        const length = buffer.readInt32BE(0);
        if (buffer.length < length) return;
        buffer = buffer.subarray(length);
        started = true;
      }
      while (buffer.length >= 5) {
        const length = buffer.readInt32BE(1);
        if (buffer.length < 1 + length) break;
        const type = String.fromCharCode(buffer[0]);
        const body = buffer.subarray(5, 1 + length);
        const cString = (from: number) => body.subarray(from, body.indexOf(0, from)).toString('utf8');
        if (type === 'P') {
          const name = cString(0);
          named.set(name, cString(Buffer.byteLength(name) + 1));
        } else if (type === 'B') {
          const portal = cString(0);
          bound = named.get(cString(Buffer.byteLength(portal) + 1)) ?? '';
        } else if (type === 'E') log.push(bound);
        else if (type === 'Q') log.push(cString(0));
        buffer = buffer.subarray(1 + length);
      }
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        take: () => {
          const taken = log;
          log = [];
          return taken;
        },
        close: () =>
          new Promise((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
