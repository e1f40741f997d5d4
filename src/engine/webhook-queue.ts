import type { FastifyBaseLogger } from 'fastify';
import { Webhook } from 'standardwebhooks';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db/database.js';
import { resolveTarget } from '../platform/outbound-target.js';
import { BatchLoop } from './batch-loop.js';
import { tellFailingEndpoints } from './webhook-notice.js';
import { postWebhook } from './webhook-send.js';
import {
  claimDueWebhookDeliveries,
  pruneWebhookHistory,
  recordWebhookOutcomes,
  type ClaimedWebhookDelivery,
  type WebhookOutcome,
} from './webhook-queue.repository.js';

/**
 * Standard Webhooks' schedule after each failed attempt, in units of the retry base (5 s):
 * 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; the eighth failure is final.
 */
const RETRY_STEPS = [1, 60, 360, 1440, 3600, 7200, 7200];
/** An endpoint failing for this many retry bases (5 days at 5 s) is disabled. */
const DISABLE_AFTER_STEPS = 86_400;
const TIMEOUT_MS = 15_000;
const MAX_ANSWER_BYTES = 4096;
const BATCH = 20;
/**
 * Passes side by side while there is work: batches are claimed and recorded while others are
 * posted (round trips to the database, not the CPU, bound one pass: in bench/webhooks.ts four
 * lanes sent about 1.5 times what two did).
 */
const LANES = 4;
/** Deliveries in flight at most in one worker (the benchmark's baseline posts as many at once). */
export const WEBHOOK_CONCURRENCY = BATCH * LANES;
/** Settled events and their deliveries are kept this long (GET …/deliveries shows them), then pruned. */
const KEEP_DAYS = 30;
const PRUNE_EVERY_MS = 10 * 60_000;

interface WebhookWorkerOptions {
  allowPrivate: boolean;
  retryBaseMs: number;
  pollMs: number;
  log: FastifyBaseLogger;
}

/** The headers of one attempt: the id stays across retries; during a rotation both secrets sign. */
function signedHeaders(item: ClaimedWebhookDelivery, now: Date) {
  const id = `msg_${item.event_id.replaceAll('-', '')}`;
  const secrets = [item.secret];
  if (item.previous_secret && item.previous_secret_expires_at && item.previous_secret_expires_at > now) {
    secrets.push(item.previous_secret);
  }
  return {
    'content-type': 'application/json',
    'user-agent': 'Liaison-Webhooks/1',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(id, now, item.body)).join(' '),
  };
}

/** The dispatcher: claims due deliveries, signs and posts them, records the outcomes in one batch. */
export class WebhookWorker {
  private readonly loop: BatchLoop;
  private prunedAt = 0;

  constructor(
    private readonly db: Db,
    private readonly options: WebhookWorkerOptions,
  ) {
    this.loop = new BatchLoop(() => this.pass(), {
      pollMs: options.pollMs,
      log: options.log,
      name: 'webhooks',
      lanes: LANES,
    });
  }

  start() {
    this.loop.start();
  }

  stop() {
    return this.loop.stop();
  }

  kick() {
    this.loop.kick();
  }

  private async pass() {
    if (Date.now() - this.prunedAt > PRUNE_EVERY_MS) {
      this.prunedAt = Date.now();
      await pruneWebhookHistory(this.db, new Date(Date.now() - KEEP_DAYS * 86_400_000), 1000);
    }
    const batch = await claimDueWebhookDeliveries(this.db, { limit: BATCH, leaseSeconds: 60 });
    if (batch.length === BATCH) this.loop.working();
    const outcomes = await Promise.all(batch.map((item) => this.attempt(item)));
    const base = this.options.retryBaseMs;
    const disableBefore = new Date(Date.now() - base * DISABLE_AFTER_STEPS);
    await this.db.transaction().execute(async (trx) => {
      const disabled = await recordWebhookOutcomes(trx, outcomes, disableBefore);
      if (disabled.length) await tellFailingEndpoints(trx, disabled);
    });
    return batch.length;
  }

  private async attempt(item: ClaimedWebhookDelivery): Promise<WebhookOutcome> {
    let answer: { status: number | null; error: string | null };
    try {
      // Checked again at every send: the name may resolve elsewhere since the webhook was saved.
      const target = await resolveTarget(item.url, this.options.allowPrivate);
      answer = await postWebhook(target, signedHeaders(item, new Date()), item.body, {
        timeoutMs: TIMEOUT_MS,
        maxBodyBytes: MAX_ANSWER_BYTES,
      });
    } catch (error) {
      answer = { status: null, error: `refused: ${(error as Error).message}` };
    }
    const code = answer.status;
    if (code !== null && code >= 200 && code < 300)
      return { item, status: 'succeeded', code, error: null, retryAt: null };
    const step = RETRY_STEPS[item.attempts - 1];
    if (code === 410 || step === undefined) return { item, status: 'failed', code, error: answer.error, retryAt: null };
    const retryAt = new Date(Date.now() + step * this.options.retryBaseMs);
    return { item, status: 'pending', code, error: answer.error, retryAt };
  }
}

export function createWebhookWorker(db: Db, config: Config, log: FastifyBaseLogger) {
  return new WebhookWorker(db, {
    allowPrivate: config.webhooksAllowPrivate,
    retryBaseMs: config.webhookRetryBaseMs,
    pollMs: config.webhookPollMs,
    log,
  });
}
