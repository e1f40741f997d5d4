/**
 * The timed sending phases of the benchmark, each in fresh processes (bench/send-worker.ts) so
 * that neither side shares an event loop with the sink, the seeding or the other side.
 */
import { fork, type ChildProcess } from 'node:child_process';
import cliProgress from 'cli-progress';
import type { MailMessage } from '../src/platform/mail/transport.js';
import type { FromWorker, ToWorker } from './send-worker.js';

type Done = Extract<FromWorker, { type: 'done' }>;

interface Child {
  sent: number;
  ready: Promise<void>;
  done: Promise<Done>;
  tell(message: ToWorker): void;
}

function startChild(env: NodeJS.ProcessEnv): Child {
  // BENCH_PROFILE_DIR: each sending process writes a V8 CPU profile there (open it in Chrome's DevTools).
  const profile = process.env.BENCH_PROFILE_DIR;
  const child: ChildProcess = fork(new URL('./send-worker.ts', import.meta.url).pathname, {
    env: { ...process.env, ...env },
    execArgv: [...process.execArgv, ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let ready!: () => void;
  let done!: (d: Done) => void;
  const state: Child = {
    sent: 0,
    ready: new Promise<void>((resolve) => (ready = resolve)),
    done: new Promise<Done>((resolve, reject) => {
      done = resolve;
      child.once('exit', (code) => reject(new Error(`a bench worker exited with code ${code}`)));
    }),
    tell: (message) => child.send(message),
  };
  child.on('message', (m: FromWorker) => {
    if (m.type === 'ready') ready();
    else if (m.type === 'progress') state.sent = m.sent;
    else {
      state.sent = m.sent;
      done(m);
    }
  });
  return state;
}

function bar(label: string, total: number) {
  const b = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total} {percentage}% {rate}/s`, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  b.start(total, 0, { rate: 0 });
  return b;
}

/** Bare nodemailer sending `count` copies of `sample`; answers its sends per second. */
export interface BareRun {
  sent: number;
  ms: number;
  perSecond: number;
  cpuUsPerMessage: number;
}

export async function runBare(env: NodeJS.ProcessEnv, count: number, sample: MailMessage): Promise<BareRun> {
  const child = startChild({ ...env, BENCH_MODE: 'bare' });
  await child.ready;
  const progress = bar('bare nodemailer', count);
  const timer = setInterval(() => progress.update(child.sent), 200);
  child.tell({ type: 'bare', count, sample });
  const done = await child.done;
  clearInterval(timer);
  progress.stop();
  return {
    sent: done.sent,
    ms: done.ms,
    perSecond: done.sent / (done.ms / 1000),
    cpuUsPerMessage: (done.cpuMs * 1000) / done.sent,
  };
}

export interface LiaisonRun {
  sent: number;
  ms: number;
  perSecond: number;
  /** Each worker's sends per second over the timed window. */
  perWorker: number[];
  peakRssMiB: number;
  /** The workers' own CPU time (user and system) per message they sent: a figure a busy machine does not change much. */
  cpuUsPerMessage: number;
  /** The share of the time a worker's SMTP pool had fewer messages than connections (mean over workers). */
  starved: number;
  sample: MailMessage;
}

/**
 * `workers` Liaison worker processes on the queued announcement, timed from the moment they are
 * told to go (connected, ready) until together they have sent `limit` messages; then they stop
 * gracefully (what they claimed is sent and recorded).
 */
export async function runLiaison(env: NodeJS.ProcessEnv, workers: number, limit: number): Promise<LiaisonRun> {
  const children = Array.from({ length: workers }, () => startChild({ ...env, BENCH_MODE: 'liaison' }));
  await Promise.all(children.map((c) => c.ready));
  const progress = bar(workers === 1 ? 'liaison, one worker' : `liaison, ${workers} workers`, limit);
  const started = performance.now();
  let lastSum = 0;
  let lastChange = started;
  const result = await new Promise<{ ms: number; counts: number[] }>((resolve, reject) => {
    const timer = setInterval(() => {
      const counts = children.map((c) => c.sent);
      const sum = counts.reduce((a, b) => a + b, 0);
      const now = performance.now();
      progress.update(Math.min(sum, limit), { rate: Math.round(sum / ((now - started) / 1000)) });
      if (sum !== lastSum) [lastSum, lastChange] = [sum, now];
      if (sum >= limit) {
        clearInterval(timer);
        resolve({ ms: now - started, counts });
      } else if (now - lastChange > 60_000) {
        clearInterval(timer);
        reject(new Error(`the workers sent nothing for a minute (${sum} of ${limit} sent)`));
      }
    }, 10);
    for (const c of children) c.tell({ type: 'go' });
  }).finally(() => {
    progress.stop();
    for (const c of children) c.tell({ type: 'stop' });
  });
  const done = await Promise.all(children.map((c) => c.done));
  const seconds = result.ms / 1000;
  const sent = result.counts.reduce((a, b) => a + b, 0);
  return {
    sent,
    ms: result.ms,
    perSecond: sent / seconds,
    perWorker: result.counts.map((n) => n / seconds),
    peakRssMiB: Math.max(...done.map((d) => d.rssMiB)),
    starved: done.reduce((n, d) => n + d.starvedMs / d.ms, 0) / done.length,
    cpuUsPerMessage: (done.reduce((n, d) => n + d.cpuMs, 0) * 1000) / done.reduce((n, d) => n + d.sent, 0),
    sample: done.find((d) => d.sample)!.sample!,
  };
}
