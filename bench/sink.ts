/**
 * The SMTP server the benchmark sends into: Postfix's smtp-sink (fast, written in C, pipelining)
 * when it is installed, else the minimal pipelining sink of bench/fast-sink.ts in a process of
 * its own. Either runs apart from the senders, so the sink does not take their event loop.
 */
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export const SMTP_SINK = '/usr/sbin/smtp-sink';

export interface Sink {
  port: number;
  url: string;
  description: string;
  close(): void;
}

export type SinkChoice = 'auto' | 'smtp-sink' | 'node';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function accepting(port: number, child: ChildProcess) {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`the sink exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`the sink did not listen on port ${port}`);
}

async function startSmtpSink(): Promise<Sink> {
  const port = await freePort();
  // smtp-sink refuses to run as root unless told which user to become once its socket is open.
  const user = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  const child = spawn(SMTP_SINK, [...user, `127.0.0.1:${port}`, '1024'], { stdio: ['ignore', 'ignore', 'inherit'] });
  await accepting(port, child);
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    description: `Postfix smtp-sink (${SMTP_SINK}), pipelining`,
    close: () => child.kill(),
  };
}

async function startNodeSink(): Promise<Sink> {
  const child = fork(new URL('./fast-sink.ts', import.meta.url).pathname, {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`the sink exited with code ${code}`)));
  });
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    description: 'the minimal pipelining sink of bench/fast-sink.ts',
    close: () => child.kill(),
  };
}

/** Starts the sink chosen (auto: smtp-sink when installed), saying on stderr how to get smtp-sink when it is missing. */
export async function startSink(choice: SinkChoice): Promise<Sink> {
  const installed = existsSync(SMTP_SINK);
  if (choice === 'smtp-sink' && !installed) {
    throw new Error(`${SMTP_SINK} is missing: install Postfix (apt-get install postfix), which provides it`);
  }
  if (choice === 'node' || !installed) {
    if (choice === 'auto') {
      console.error(
        `Postfix's smtp-sink is not installed; using the minimal sink of bench/. For the faster sink: apt-get install postfix (then ${SMTP_SINK} exists).`,
      );
    }
    return startNodeSink();
  }
  return startSmtpSink();
}
