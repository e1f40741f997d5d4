import type { FastifyBaseLogger } from 'fastify';
import type { MailMessage, MailTransport } from '../platform/mail/transport.js';
import { BatchLoop } from './batch-loop.js';
import { afterFailure, messageId, type FailureOutcome } from './delivery-rules.js';
import { waitUntil, type SendPace } from './send-pace.js';
import type { Metrics, SendCounts } from '../platform/metrics.js';

/** An item claimed from a queue: its attempts count includes this claim. */
export interface Claimed {
  id: string | number;
  attempts: number;
}

type Outcome = { status: 'sent' } | FailureOutcome;

export interface Recorded<T> {
  item: T;
  outcome: Outcome;
}

/**
 * A batch's outcomes as parallel arrays, one per column, for a single UPDATE … FROM unnest(…):
 * a fixed number of parameters whatever the batch size. A retried item stays pending.
 */
export function outcomeColumns(outcomes: Recorded<Claimed>[]) {
  return {
    ids: outcomes.map((o) => String(o.item.id)),
    attempts: outcomes.map((o) => o.item.attempts),
    statuses: outcomes.map(({ outcome }) => (outcome.status === 'retry' ? 'pending' : outcome.status)),
    errors: outcomes.map(({ outcome }) => (outcome.status === 'sent' ? null : outcome.error)),
    retryAts: outcomes.map(({ outcome }) => (outcome.status === 'retry' ? outcome.retryAt.toISOString() : null)),
    permanent: outcomes.map(({ outcome }) => outcome.status === 'failed' && outcome.permanent),
  };
}

/** What a batch's outcomes were, for the metrics: a permanent failure is a bounce in the session. */
function sendCounts(outcomes: Recorded<Claimed>[]): SendCounts {
  const counts = { sent: 0, retried: 0, failed: 0, bounced: 0 };
  for (const { outcome } of outcomes) {
    if (outcome.status === 'sent') counts.sent++;
    else if (outcome.status === 'retry') counts.retried++;
    else {
      counts.failed++;
      if (outcome.permanent) counts.bounced++;
    }
  }
  return counts;
}

/** A queue the engine sends from: a table of messages due, with their claims and outcomes. */
export interface SendQueue<T extends Claimed> {
  /** Names its items in Message-IDs and logs; unique across queues. */
  readonly kind: string;
  /** Takes up to `limit` due items under a lease, so no other worker takes them meanwhile. */
  claim(options: { limit: number; leaseSeconds: number }): Promise<T[]>;
  /** The message of each item of a claimed batch, in order (what items share is read once). */
  render(batch: T[]): Promise<Omit<MailMessage, 'messageId'>[]>;
  /** Records the outcomes of a batch; only the claim that sent an item may record it. */
  record(outcomes: Recorded<T>[]): Promise<void>;
  /** After a pass that found less than a full batch (more is due after a full one), the empty ones included. */
  settle?(batch: T[]): Promise<void>;
}

export interface EngineOptions {
  transport: MailTransport;
  log: FastifyBaseLogger;
  pollMs: number;
  /** Items claimed (and sent concurrently) per pass. */
  batchSize: number;
  /** Passes side by side while there is work (default 1): see BatchLoop. */
  lanes?: number;
  /** The deployment's shared send rate (none: as fast as the transport goes). */
  pace?: SendPace;
  maxAttempts: number;
  retryBaseMs: number;
  leaseSeconds: number;
  messageIdDomain: string;
  /** Where sends, retries, failures and bounces are counted once recorded (none: not counted). */
  metrics?: Metrics;
}

/**
 * The one claim / send / record cycle. A batch is claimed with row locks (several processes
 * share a queue), sent concurrently, and its outcomes recorded together once every send has
 * finished: sent, retried after the backoff, or failed (permanent answer or last attempt).
 * A process that dies mid-batch leaves its items to be claimed again when the lease ends.
 * Under a send rate, each message waits for the slot its batch reserved.
 */
export class DeliveryEngine<T extends Claimed> {
  private readonly loop: BatchLoop;

  constructor(
    private readonly queue: SendQueue<T>,
    protected readonly options: EngineOptions,
  ) {
    this.loop = new BatchLoop(() => this.runOnce(), {
      pollMs: options.pollMs,
      log: options.log,
      name: `${queue.kind} engine`,
      lanes: options.lanes,
    });
  }

  start() {
    this.loop.start();
  }

  /** Asks for a pass soon, e.g. right after a transaction that queued something committed. */
  kick() {
    this.loop.kick();
  }

  async stop() {
    await this.loop.stop();
    this.options.transport.close();
  }

  /** One pass; returns how much it did (0: idle). */
  runOnce(): Promise<number> {
    return this.sendStep();
  }

  /** The most a batch claims: the batch size, less under a low send rate. */
  protected get batchLimit(): number {
    return Math.min(this.options.batchSize, this.options.pace?.batchLimit ?? Infinity);
  }

  /** One batch; returns how many items it handled. */
  async sendStep(): Promise<number> {
    const { queue, options } = this;
    const limit = this.batchLimit;
    const batch = await queue.claim({ limit, leaseSeconds: options.leaseSeconds });
    // More is likely due: a second lane claims the next batch while this one renders and sends.
    if (batch.length === limit) this.loop.working();
    if (batch.length > 0) {
      const messages = await queue.render(batch);
      const slots = await options.pace?.reserve(batch.length);
      const outcomes = await Promise.all(batch.map((item, i) => this.send(item, messages[i], slots?.[i])));
      await queue.record(outcomes);
      options.metrics?.countSends(queue.kind, sendCounts(outcomes));
      this.logFailures(outcomes);
    }
    if (batch.length < limit) await queue.settle?.(batch);
    return batch.length;
  }

  private async send(item: T, message: Omit<MailMessage, 'messageId'>, slot: number | undefined) {
    const { queue, options } = this;
    await waitUntil(slot);
    try {
      await options.transport.send({ ...message, messageId: messageId(queue.kind, item.id, options.messageIdDomain) });
      return { item, outcome: { status: 'sent' } } satisfies Recorded<T>;
    } catch (error) {
      return {
        item,
        outcome: afterFailure(error ?? new Error('send failed'), item.attempts, options),
      } satisfies Recorded<T>;
    }
  }

  private logFailures(outcomes: Recorded<T>[]) {
    const failed = outcomes.filter((o) => o.outcome.status !== 'sent');
    if (failed.length === 0) return;
    const items = failed
      .slice(0, 10)
      .map(({ item, outcome }) => ({ id: item.id, attempts: item.attempts, ...outcome }));
    const final = failed.some((o) => o.outcome.status === 'failed');
    this.options.log[final ? 'warn' : 'info'](
      { kind: this.queue.kind, failed: failed.length, items },
      final ? 'sends failed' : 'sends will be retried',
    );
  }
}
