import net from 'node:net';

/** A TCP port free on 127.0.0.1 right now (for a server a test starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
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
