import net from 'node:net';

/**
 * A TCP port free on 127.0.0.1 right now (for a server a test starts and must name before it listens).
 * It is drawn below the kernel's ephemeral range (32768 and up on Linux), so no outgoing connection
 * (a database or SMTP client of this very test) can be given it between this check and the listen;
 * a port another process holds is skipped.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/**
 * The environment of a `liaison` process a test spawns: none of the runner's Liaison,
 * database or mail settings leak in; the test gives exactly the ones it means.
 */
export function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info' };
  for (const name of Object.keys(env))
    if (name.startsWith('LIAISON_') || name === 'DATABASE_URL' || name === 'SMTP_URL') delete env[name];
  return { ...env, ...extra };
}
