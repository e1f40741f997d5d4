/**
 * One sending process of the benchmark, started by bench/fanout.ts with an IPC channel:
 *
 * - liaison: Liaison's announcement worker as `liaison worker` builds it (settings from the
 *   environment), its transport wrapped to count sends and keep the first message;
 * - bare: nodemailer alone, pooled like Liaison (same pool size, maxMessages Infinity, and
 *   Liaison's sockets: TCP_NODELAY, the writes of one tick coalesced), sending `count` copies
 *   of a message Liaison rendered.
 *
 * It answers `ready`, starts on `go`, reports `progress` every 50 ms, and on `stop` (or, bare,
 * when done) stops gracefully and answers `done` with its peak RSS.
 */
import nodemailer from 'nodemailer';
import pino from 'pino';
import { loadConfig } from '../src/platform/config.js';
import { openDatabase } from '../src/platform/db/database.js';
import { noDelaySocket, type MailMessage, type MailTransport } from '../src/platform/mail/transport.js';
import { AnnouncementWorker, announcementWorkerOptions } from '../src/engine/delivery-queue.js';

export type ToWorker = { type: 'go' } | { type: 'stop' } | { type: 'bare'; count: number; sample: MailMessage };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; sent: number }
  | { type: 'done'; sent: number; ms: number; cpuMs: number; starvedMs: number; rssMiB: number; sample?: MailMessage };

const send = (message: FromWorker) => process.send!(message);
const rssMiB = () => process.resourceUsage().maxRSS / 1024;
let sent = 0;
let starvedMs = 0;
let startedAt = 0;
let cpuAtStart: NodeJS.CpuUsage | undefined;
let progress: NodeJS.Timeout | undefined;
const go = () => {
  startedAt = performance.now();
  cpuAtStart = process.cpuUsage();
  progress = setInterval(() => send({ type: 'progress', sent }), 50);
};
const finish = (sample?: MailMessage) => {
  clearInterval(progress);
  const cpu = process.cpuUsage(cpuAtStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  send({ type: 'done', sent, ms: performance.now() - startedAt, cpuMs, starvedMs, rssMiB: rssMiB(), sample });
};

async function liaison() {
  const config = loadConfig(process.env);
  const handle = await openDatabase({ databaseUrl: config.databaseUrl!, poolSize: 4 });
  const options = announcementWorkerOptions(handle.db, config, pino({ level: 'warn' }));
  let sample: MailMessage | undefined;
  // How long the pool had fewer messages than connections: time the engine left it waiting.
  let inFlight = 0;
  let since = performance.now();
  const track = (delta: number) => {
    const now = performance.now();
    if (inFlight < config.deliveryConnections) starvedMs += now - since;
    since = now;
    inFlight += delta;
  };
  const counting: MailTransport = {
    async send(message) {
      sample ??= message;
      track(1);
      try {
        await options.transport.send(message);
      } finally {
        track(-1);
      }
      sent += 1;
    },
    close: () => options.transport.close(),
  };
  const lanes = Number(process.env.BENCH_LANES) || options.lanes;
  const worker = new AnnouncementWorker(handle.db, { ...options, lanes, transport: counting });
  process.on('message', async (m: ToWorker) => {
    if (m.type === 'go') {
      go();
      worker.start();
    } else if (m.type === 'stop') {
      await worker.stop();
      finish(sample);
      await handle.close();
      process.disconnect();
    }
  });
  send({ type: 'ready' });
}

async function bare(count: number, sample: MailMessage) {
  const url = new URL(process.env.SMTP_URL!);
  const transporter = nodemailer.createTransport({
    pool: true,
    host: url.hostname,
    port: Number(url.port),
    secure: false,
    ignoreTLS: true,
    maxConnections: Number(process.env.LIAISON_DELIVERY_CONNECTIONS),
    maxMessages: Infinity,
    getSocket: noDelaySocket,
  });
  const from = loadConfig(process.env).mailFrom;
  const message = (i: number) => ({
    from,
    to: `bare${i}@bench.test`,
    subject: sample.subject,
    text: sample.text,
    html: sample.html,
    headers: sample.headers,
    messageId: `<bare.${i}@bench.test>`,
    envelope: sample.envelopeFrom ? { from: sample.envelopeFrom, to: `bare${i}@bench.test` } : undefined,
  });
  // Always a few thousand queued: nodemailer's pool never waits for the client.
  const window = 2000;
  let next = 0;
  go();
  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      while (next < count && next - sent < window) {
        transporter.sendMail(message(next++)).then(() => {
          sent += 1;
          if (sent === count) resolve();
          else pump();
        }, reject);
      }
    };
    pump();
  });
  finish();
  transporter.close();
  process.disconnect();
}

if (process.env.BENCH_MODE === 'bare') {
  process.on('message', (m: ToWorker) => {
    if (m.type === 'bare') void bare(m.count, m.sample);
  });
  send({ type: 'ready' });
} else {
  void liaison();
}
