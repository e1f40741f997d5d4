import fs from 'node:fs/promises';
import cliProgress from 'cli-progress';
import type { Config } from '../platform/config.js';
import { isTimestamp } from '../platform/timestamps.js';
import { connect, type Api } from './api-client.js';

export interface AnnounceOptions {
  category: string;
  subject: string;
  subjectIt?: string;
  bodyFile: string;
  bodyFileIt?: string;
  scope: string;
  fallback: string;
  /** all, or primary: each tenant's primary contact of the category only. */
  recipients?: string;
  url?: string;
  /** RFC 3339: the notice waits until then (the command does not: it prints when it will go). */
  sendAt?: string;
  mandatory?: boolean;
}

/** What the command reads of an announcement. */
interface Progress {
  id: string;
  status: string;
  recipients: number;
  send_at: string | null;
  counts: { pending: number; sent: number; failed: number; cancelled: number };
}

/**
 * `liaison announce`: through the public API (so it works against any running Liaison),
 * prints the recipient count, then follows the announcement with a progress bar.
 */
export async function announce(options: AnnounceOptions, config: Config, env: NodeJS.ProcessEnv = process.env) {
  if (options.sendAt !== undefined && !isTimestamp(options.sendAt))
    throw new Error(`--send-at must be an RFC 3339 date-time, such as 2030-01-31T09:00:00Z (got "${options.sendAt}")`);
  const api = await connect(options.url, config, env);
  const body = {
    category: options.category,
    scope_tenant_id: options.scope,
    fallback: options.fallback,
    ...(options.recipients ? { recipients: options.recipients } : {}),
    subject: { en: options.subject, ...(options.subjectIt ? { it: options.subjectIt } : {}) },
    body: {
      en: await fs.readFile(options.bodyFile, 'utf8'),
      ...(options.bodyFileIt ? { it: await fs.readFile(options.bodyFileIt, 'utf8') } : {}),
    },
    ...(options.sendAt ? { send_at: options.sendAt } : {}),
    ...(options.mandatory ? { mandatory: true } : {}),
  };
  const counts = await api<{ recipients: number; skipped: number; by_tenant_kind: Record<string, number> }>(
    'POST',
    '/announcements/preview',
    body,
  );
  console.log(
    `Recipients: ${counts.recipients} addresses (${
      Object.entries(counts.by_tenant_kind)
        .map(([k, n]) => `${k}: ${n}`)
        .join(', ') || 'none'
    }); skipped (invalid): ${counts.skipped}`,
  );

  const created = await api<Progress>('POST', '/announcements', body);
  if (created.status === 'scheduled') {
    console.log(
      `Announcement ${created.id} scheduled for ${created.send_at}${options.mandatory ? ' (mandatory)' : ''}.`,
    );
    console.log(`Cancel it with: liaison announcements cancel ${created.id}`);
    return created;
  }
  console.log(`Announcement ${created.id} accepted.`);
  return follow(api, created.id, counts.recipients);
}

/** A progress bar until the announcement is done (or someone cancels it). */
async function follow(api: Api, id: string, expected: number) {
  const bar = new cliProgress.SingleBar(
    {
      format:
        '{bar} {percentage}% | {value}/{total} done | sent {sent} · failed {failed} · pending {pending} | {status}',
      noTTYOutput: true,
      notTTYSchedule: 2000,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(expected, 1), 0, { sent: 0, failed: 0, pending: expected, status: 'enqueuing' });
  for (;;) {
    const a = await api<Progress>('GET', `/announcements/${id}`);
    const total = a.status === 'enqueuing' ? Math.max(expected, 1) : Math.max(a.recipients, 1);
    bar.setTotal(total);
    bar.update(a.recipients === 0 && a.status === 'done' ? total : a.counts.sent + a.counts.failed, {
      ...a.counts,
      status: a.status,
    });
    if (a.status === 'done' || a.status === 'cancelled') bar.stop();
    if (a.status === 'done') {
      console.log(`Done: ${a.counts.sent} sent, ${a.counts.failed} failed.`);
      return a;
    }
    if (a.status === 'cancelled')
      throw new Error(`announcement ${id} was cancelled: ${a.counts.sent} sent, ${a.counts.cancelled} not sent`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
