import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** A send queue at a scrape: its pending items, and how long the longest-waiting due one has waited. */
export interface QueueState {
  queue: string;
  depth: number;
  oldestAgeSeconds: number;
}

/** The database pool at a scrape (pg.Pool's counts). */
export interface PoolUse {
  total: number;
  idle: number;
  waiting: number;
}

/** What a send pass did, counted by whoever records the outcomes. */
export interface SendCounts {
  sent: number;
  /** Put back for a later attempt. */
  retried: number;
  /** Failed for good: a permanent answer or the last attempt. */
  failed: number;
  /** Of those failed, refused permanently by the receiving server within the session (a 5xx). */
  bounced: number;
}

/** Queue states are read at most this often however often Prometheus scrapes: a scrape costs what it costs to send. */
const QUEUE_CACHE_MS = 5_000;

/** Request latencies from a millisecond to ten seconds. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One app's metrics in a registry of its own (tests build many apps in one process, so never
 * prom-client's global one). Counters and the request histogram are kept as things happen;
 * the pool and the queues are read when Prometheus scrapes, through the readers given to `watch`.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Histogram<'route' | 'method' | 'status_class'>;
  private readonly sent: Counter<'queue'>;
  private readonly retried: Counter<'queue'>;
  private readonly failed: Counter<'queue'>;
  private readonly bounced: Counter<'queue' | 'source'>;
  private readonly complained: Counter<'queue'>;
  private pool?: () => PoolUse | undefined;
  private queues?: () => Promise<QueueState[]>;
  private queueStates?: { at: number; states: Promise<QueueState[]> };
  private processCollected = false;

  constructor() {
    const registers = [this.registry];
    this.requests = new Histogram({
      name: 'liaison_http_request_duration_seconds',
      help: 'HTTP requests by route template, method and status class, and their latency',
      labelNames: ['route', 'method', 'status_class'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      new Counter<L>({ name, help, labelNames, registers });
    this.sent = counter('liaison_messages_sent_total', 'Messages accepted by the mail server (or the mailbox)', [
      'queue',
    ]);
    this.retried = counter('liaison_messages_retried_total', 'Send attempts that failed and will be retried', [
      'queue',
    ]);
    this.failed = counter('liaison_messages_failed_total', 'Messages failed for good (permanent answer or last try)', [
      'queue',
    ]);
    this.bounced = counter(
      'liaison_messages_bounced_total',
      'Permanent bounces: refused in the SMTP session (source smtp) or reported later by a DSN (source report)',
      ['queue', 'source'],
    );
    this.complained = counter('liaison_messages_complained_total', 'Abuse complaints (feedback reports) applied', [
      'queue',
    ]);
    const poolGauge = (name: string, help: string, key: keyof PoolUse) => {
      const gauge: Gauge = new Gauge({
        name,
        help,
        registers,
        collect: () => {
          const use = this.pool?.();
          if (use) gauge.set(use[key]);
        },
      });
    };
    poolGauge('liaison_db_pool_connections', 'Connections the database pool holds open', 'total');
    poolGauge('liaison_db_pool_idle_connections', 'Open connections of the pool no query is using', 'idle');
    poolGauge('liaison_db_pool_waiting_requests', 'Queries waiting for a connection of the pool', 'waiting');
    const queueGauge = (name: string, help: string, key: 'depth' | 'oldestAgeSeconds') => {
      const gauge: Gauge<'queue'> = new Gauge({
        name,
        help,
        labelNames: ['queue'],
        registers,
        collect: async () => {
          const states = await this.readQueues();
          gauge.reset();
          for (const state of states) gauge.set({ queue: state.queue }, state[key]);
        },
      });
    };
    queueGauge(
      'liaison_queue_depth',
      'Items pending in a send queue, due or waiting for a retry: messages (delivery, mail) or webhook deliveries (webhook)',
      'depth',
    );
    queueGauge(
      'liaison_queue_oldest_age_seconds',
      'How long the longest-waiting due item of a send queue has been due (0: none due)',
      'oldestAgeSeconds',
    );
  }

  /** Where scrapes read the pool's use and the queues' states. */
  watch(readers: { pool?: () => PoolUse | undefined; queues?: () => Promise<QueueState[]> }) {
    this.pool = readers.pool ?? this.pool;
    this.queues = readers.queues ?? this.queues;
  }

  /** The process's own figures (CPU, memory, event loop delay, handles), once, when metrics are served. */
  collectProcessMetrics() {
    if (this.processCollected) return;
    this.processCollected = true;
    collectDefaultMetrics({ register: this.registry, prefix: 'liaison_' });
  }

  observeRequest(route: string, method: string, status: number, seconds: number) {
    this.requests.observe({ route, method, status_class: `${Math.floor(status / 100)}xx` }, seconds);
  }

  countSends(queue: string, counts: SendCounts) {
    if (counts.sent) this.sent.inc({ queue }, counts.sent);
    if (counts.retried) this.retried.inc({ queue }, counts.retried);
    if (counts.failed) this.failed.inc({ queue }, counts.failed);
    if (counts.bounced) this.bounced.inc({ queue, source: 'smtp' }, counts.bounced);
  }

  /** A report that came back after sending and was applied: a permanent bounce or an abuse complaint. */
  countReport(queue: string, applied: 'bounce' | 'complaint') {
    if (applied === 'bounce') this.bounced.inc({ queue, source: 'report' });
    else this.complained.inc({ queue });
  }

  /** The Prometheus text exposition and its content type. */
  async exposition() {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  private readQueues(): Promise<QueueState[]> {
    if (!this.queues) return Promise.resolve([]);
    const now = Date.now();
    // The promise is kept, so scrapes that overlap share one read; a failed read is not kept.
    if (!this.queueStates || now - this.queueStates.at >= QUEUE_CACHE_MS) {
      const states = this.queues().catch(() => {
        this.queueStates = undefined;
        return [];
      });
      this.queueStates = { at: now, states };
    }
    return this.queueStates.states;
  }
}
