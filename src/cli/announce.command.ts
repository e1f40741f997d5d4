import fs from 'node:fs/promises';
import cliProgress from 'cli-progress';
import type { Config } from '../platform/config.js';

export interface AnnounceOptions {
  category: string;
  subject: string;
  subjectIt?: string;
  bodyFile: string;
  bodyFileIt?: string;
  scope: string;
  fallback: string;
  url?: string;
  yes?: boolean;
}

/** The API answer's error message, or the status. */
async function failure(res: Response) {
  const body = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
  return new Error(`${res.status}: ${body?.error?.message ?? res.statusText}`);
}

/** fetch, with an unreachable server said in words rather than "fetch failed". */
async function request(url: string, init?: RequestInit) {
  try {
    return await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    throw new Error(`cannot reach Liaison at ${new URL(url).origin} (${cause}); check --url or LIAISON_URL`);
  }
}

/** A bearer token from LIAISON_TOKEN, or a password grant with LIAISON_USERNAME / LIAISON_PASSWORD. */
async function authorization(base: string, env: NodeJS.ProcessEnv): Promise<string> {
  if (env.LIAISON_TOKEN) return `Bearer ${env.LIAISON_TOKEN}`;
  if (!env.LIAISON_USERNAME || !env.LIAISON_PASSWORD)
    throw new Error('set LIAISON_TOKEN, or LIAISON_USERNAME and LIAISON_PASSWORD');
  const res = await request(`${base}/api/2/idp/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      username: env.LIAISON_USERNAME,
      password: env.LIAISON_PASSWORD,
    }),
  });
  if (!res.ok) throw new Error(`cannot sign in as "${env.LIAISON_USERNAME}": ${(await failure(res)).message}`);
  return `Bearer ${((await res.json()) as { access_token: string }).access_token}`;
}

/**
 * `liaison announce`: through the public API (so it works against any running Liaison),
 * prints the recipient count, then follows the announcement with a progress bar.
 */
export async function announce(options: AnnounceOptions, config: Config, env: NodeJS.ProcessEnv = process.env) {
  const base = (options.url ?? env.LIAISON_URL ?? `http://${config.host}:${config.port}`).replace(/\/+$/, '');
  const headers = { authorization: await authorization(base, env), 'content-type': 'application/json' };
  const body = {
    category: options.category,
    scope_tenant_id: options.scope,
    fallback: options.fallback,
    subject: { en: options.subject, ...(options.subjectIt ? { it: options.subjectIt } : {}) },
    body: {
      en: await fs.readFile(options.bodyFile, 'utf8'),
      ...(options.bodyFileIt ? { it: await fs.readFile(options.bodyFileIt, 'utf8') } : {}),
    },
  };
  const preview = await request(`${base}/api/2/announcements/preview`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  if (!preview.ok) throw await failure(preview);
  const counts = (await preview.json()) as {
    recipients: number;
    skipped: number;
    by_tenant_kind: Record<string, number>;
  };
  console.log(
    `Recipients: ${counts.recipients} addresses (${
      Object.entries(counts.by_tenant_kind)
        .map(([k, n]) => `${k}: ${n}`)
        .join(', ') || 'none'
    }); skipped (invalid): ${counts.skipped}`,
  );

  const created = await request(`${base}/api/2/announcements`, { method: 'POST', headers, body: JSON.stringify(body) });
  if (!created.ok) throw await failure(created);
  const { id } = (await created.json()) as { id: string };
  console.log(`Announcement ${id} accepted.`);

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
  bar.start(Math.max(counts.recipients, 1), 0, { sent: 0, failed: 0, pending: counts.recipients, status: 'enqueuing' });
  for (;;) {
    const res = await request(`${base}/api/2/announcements/${id}`, { headers });
    if (!res.ok) throw await failure(res);
    const a = (await res.json()) as {
      status: string;
      recipients: number;
      counts: { pending: number; sent: number; failed: number };
    };
    const total = a.status === 'enqueuing' ? Math.max(counts.recipients, 1) : Math.max(a.recipients, 1);
    bar.setTotal(total);
    bar.update(a.recipients === 0 && a.status === 'done' ? total : a.counts.sent + a.counts.failed, {
      ...a.counts,
      status: a.status,
    });
    if (a.status === 'done') {
      bar.stop();
      console.log(`Done: ${a.counts.sent} sent, ${a.counts.failed} failed.`);
      return a;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
