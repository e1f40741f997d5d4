import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import { openSync, closeSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSmtpServer, type TestSmtpServer } from './support/smtp-server.js';
import { cliEnv, freePort } from './support/processes.js';

// `liaison announce` and `liaison worker` as real processes: a Liaison started with
// `liaison start`, the command run against it, mail going to a real SMTP server.

const bin = path.resolve('bin/liaison.mjs');
const children: ChildProcess[] = [];
const PASSWORD = 'cli-root-password';

interface Started {
  child: ChildProcess;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `liaison <command>` and resolves once its output contains `ready` (or it exits). */
async function launch(args: string[], env: NodeJS.ProcessEnv, ready: string): Promise<Started> {
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(ready)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exit.then(() => resolve());
  });
  if (child.exitCode !== null) throw new Error(`liaison ${args.join(' ')} exited: ${output}`);
  return { child, output: () => output, exit };
}

/** Runs `liaison announce` to the end; stdout and stderr go to one file, so their order is kept. */
function runAnnounce(args: string[], env: NodeJS.ProcessEnv, dir: string) {
  return runCli(['announce', ...args], env, dir);
}

/** Runs a `liaison` command to the end, its stdout and stderr in one file. */
async function runCli(args: string[], env: NodeJS.ProcessEnv, dir: string) {
  const file = path.join(dir, `cli-${randomBytes(4).toString('hex')}.out`);
  const fd = openSync(file, 'w');
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', fd, fd] });
  children.push(child);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  closeSync(fd);
  return { code, output: readFileSync(file, 'utf8') };
}

/** A small client of the running Liaison's HTTP API, signed in as the root admin. */
async function apiClient(base: string) {
  const res = await fetch(`${base}/api/2/idp/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username: 'admin', password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`sign-in: ${res.status} ${await res.text()}`);
  const authorization = `Bearer ${((await res.json()) as { access_token: string }).access_token}`;
  const call = async (method: string, url: string, body?: unknown, expected = [200, 201, 202]) => {
    const answer = await fetch(`${base}/api/2${url}`, {
      method,
      headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = (await answer.json()) as any;
    if (!expected.includes(answer.status))
      throw new Error(`${method} ${url}: ${answer.status} ${JSON.stringify(parsed)}`);
    return parsed;
  };
  const rootTenantId = (await call('GET', '/users/me')).tenant_id as string;
  let seq = 0;
  return {
    call,
    rootTenantId,
    tenant: async (parentId: string, kind = 'customer') =>
      (await call('POST', '/tenants', { name: `T ${kind} ${++seq}`, parent_id: parentId, kind })) as {
        id: string;
        name: string;
      },
    contact: async (tenantId: string, email: string, fields: Record<string, unknown> = {}) =>
      (await call('POST', '/contacts', {
        tenant_id: tenantId,
        types: ['technical'],
        firstname: 'Ada',
        lastname: `L${++seq}`,
        email,
        ...fields,
      })) as { id: string; email: string },
    finished: async (id: string, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const a = await call('GET', `/announcements/${id}`);
        if (a.status === 'done') return a;
        if (Date.now() > deadline) throw new Error(`announcement ${id} not done: ${JSON.stringify(a)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'liaison-announce-'));
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await fs.rm(dir, { recursive: true, force: true });
});

describe('liaison announce against a running Liaison (embedded database)', () => {
  let smtp: TestSmtpServer;
  let server: Started;
  let base: string;
  let api: Awaited<ReturnType<typeof apiClient>>;
  beforeAll(async () => {
    // One connection answering in 150 ms: 20 messages take some 3 s, long enough to see progress.
    smtp = await startSmtpServer({ delayMs: 150 });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = await launch(
      ['start'],
      cliEnv({
        PORT: String(port),
        LIAISON_DATA_DIR: path.join(dir, 'data'),
        LIAISON_ADMIN_PASSWORD: PASSWORD,
        SMTP_URL: smtp.url,
        LIAISON_MAIL_POLL_MS: '50',
        LIAISON_DELIVERY_CONNECTIONS: '1',
        LIAISON_DELIVERY_BATCH: '5',
      }),
      'Liaison is ready',
    );
    api = await apiClient(base);
  }, 120_000);
  afterAll(async () => {
    if (server) {
      server.child.kill('SIGTERM');
      await server.exit;
    }
    await smtp?.close();
  });

  it('prints the recipient count, then progress, then "Done: N sent"; the messages carry the files\' text', async () => {
    const partner = await api.tenant(api.rootTenantId, 'partner');
    const customers = [await api.tenant(partner.id), await api.tenant(partner.id)];
    const emails: string[] = [];
    for (let i = 0; i < 18; i++)
      emails.push((await api.contact(i % 2 ? customers[0].id : partner.id, `cli-${i}@example.test`)).email);
    const italianReader = (await api.contact(customers[1].id, 'cli-italiano@example.test', { language: 'it' })).email;
    emails.push(italianReader);
    // One address named by two tenants is one recipient; a billing contact is none.
    const shared = (await api.contact(customers[1].id, 'cli-shared@example.test')).email;
    await api.contact(partner.id, shared);
    emails.push(shared);
    await api.contact(customers[1].id, 'cli-billing@example.test', { types: ['billing'] });
    const en = path.join(dir, 'notice.md');
    const it = path.join(dir, 'avviso.md');
    await fs.writeFile(en, 'The **new console** opens on Monday.\n');
    await fs.writeFile(it, 'La **nuova console** apre lunedì.\n');

    const started = Date.now();
    const { code, output } = await runAnnounce(
      [
        '--category',
        'technical',
        '--subject',
        'New console',
        '--subject-it',
        'Nuova console',
        '--body-file',
        en,
        '--body-file-it',
        it,
        '--scope',
        partner.id,
        '--url',
        base,
      ],
      cliEnv({ LIAISON_USERNAME: 'admin', LIAISON_PASSWORD: PASSWORD }),
      dir,
    );
    const ms = Date.now() - started;
    expect(code, output).toBe(0);
    const lines = output
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    expect(lines[0]).toMatch(
      /^Recipients: 20 addresses \((customer: \d+, partner: \d+|partner: \d+, customer: \d+)\); skipped \(invalid\): 0$/,
    );
    // The kinds count the same 20 people: the shared address once, under the partner (the higher tenant naming it).
    expect(
      Object.fromEntries([...lines[0].matchAll(/(customer|partner): (\d+)/g)].map((m) => [m[1], Number(m[2])])),
    ).toEqual({ partner: 10, customer: 10 });
    const id = /^Announcement ([0-9a-f-]{36}) accepted\.$/.exec(lines[1])?.[1];
    expect(id, output).toBeTruthy();
    const progress = lines.slice(2, -1);
    expect(progress.length, output).toBeGreaterThanOrEqual(2);
    const values = progress.map((l) => {
      const m = /(\d+)% \| (\d+)\/(\d+) done \| sent (\d+) · failed (\d+) · pending (\d+) \| (\w+)$/.exec(l);
      expect(m, `a progress line: ${l}`).toBeTruthy();
      return { done: Number(m![2]), total: Number(m![3]), sent: Number(m![4]), status: m![7] };
    });
    // It moves forward, shows a step in between, and ends full.
    values.slice(1).forEach((v, i) => expect(v.done).toBeGreaterThanOrEqual(values[i].done));
    expect(
      values.some((v) => v.done > 0 && v.done < 20),
      output,
    ).toBe(true);
    expect(values.at(-1)).toEqual({ done: 20, total: 20, sent: 20, status: 'done' });
    expect(lines.at(-1)).toBe('Done: 20 sent, 0 failed.');
    const done = await api.call('GET', `/announcements/${id}`);
    console.log(
      `liaison announce: 20 recipients through one SMTP connection answering in 150 ms: command ran ${ms} ms ` +
        `(announcement created to done: ${Date.parse(done.completed_at) - Date.parse(done.created_at)} ms); ${progress.length} progress lines`,
    );
    expect(done).toMatchObject({
      status: 'done',
      scope_tenant_id: partner.id,
      category: 'technical',
      recipients: 20,
      counts: { sent: 20, failed: 0, pending: 0 },
    });
    const mails = smtp.received.filter((m) => m.subject === 'New console' || m.subject === 'Nuova console');
    expect(mails.flatMap((m) => m.to).sort()).toEqual(emails.sort());
    const italian = mails.find((m) => m.to.includes(italianReader))!;
    expect(italian.subject).toBe('Nuova console');
    expect(italian.text).toContain('La **nuova console** apre lunedì.');
    expect(italian.html).toContain('<strong>nuova console</strong>');
    const english = mails.find((m) => m.to.includes(emails[0]))!;
    expect(english.subject).toBe('New console');
    expect(english.text).toContain('The **new console** opens on Monday.');
  }, 120_000);

  it('exits non-zero with a clear message on wrong credentials, an unreachable server or a bad scope, and announces nothing', async () => {
    const body = path.join(dir, 'refused.md');
    await fs.writeFile(body, 'Never sent.\n');
    const before = (await api.call('GET', `/announcements?tenant_id=${api.rootTenantId}&limit=100`)).items.length;
    const args = (scope: string, url = base) => [
      '--category',
      'technical',
      '--subject',
      'Refused',
      '--body-file',
      body,
      '--scope',
      scope,
      '--url',
      url,
    ];

    const wrongPassword = await runAnnounce(
      args(api.rootTenantId),
      cliEnv({ LIAISON_USERNAME: 'admin', LIAISON_PASSWORD: 'not-the-password' }),
      dir,
    );
    expect(wrongPassword.code).toBe(1);
    expect(wrongPassword.output.trim()).toBe('liaison: cannot sign in as "admin": 401: Invalid login or password');

    const wrongToken = await runAnnounce(args(api.rootTenantId), cliEnv({ LIAISON_TOKEN: 'not-a-token' }), dir);
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.output.trim()).toBe('liaison: 401: The access token is invalid or expired');

    const none = await runAnnounce(args(api.rootTenantId), cliEnv({}), dir);
    expect(none.code).toBe(1);
    expect(none.output.trim()).toBe('liaison: set LIAISON_TOKEN, or LIAISON_USERNAME and LIAISON_PASSWORD');

    const closed = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await runAnnounce(
      args(api.rootTenantId, closed),
      cliEnv({ LIAISON_USERNAME: 'admin', LIAISON_PASSWORD: PASSWORD }),
      dir,
    );
    expect(unreachable.code).toBe(1);
    expect(unreachable.output.trim()).toMatch(
      new RegExp(
        `^liaison: cannot reach Liaison at ${closed.replace(/\./g, '\\.')} \\(.*ECONNREFUSED.*\\); check --url or LIAISON_URL$`,
      ),
    );

    const unknownScope = await runAnnounce(
      args('00000000-0000-4000-8000-000000000000'),
      cliEnv({ LIAISON_USERNAME: 'admin', LIAISON_PASSWORD: PASSWORD }),
      dir,
    );
    expect(unknownScope.code).toBe(1);
    expect(unknownScope.output.trim()).toBe('liaison: 404: Tenant not found');

    expect((await api.call('GET', `/announcements?tenant_id=${api.rootTenantId}&limit=100`)).items).toHaveLength(
      before,
    );
    expect(smtp.received.filter((m) => m.subject === 'Refused')).toEqual([]);
  }, 120_000);
});

describe('liaison announce --send-at and liaison announcements (embedded database)', () => {
  let server: Started;
  let base: string;
  let api: Awaited<ReturnType<typeof apiClient>>;
  const asRoot = () => cliEnv({ LIAISON_USERNAME: 'admin', LIAISON_PASSWORD: PASSWORD });
  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = await launch(
      ['start'],
      cliEnv({
        PORT: String(port),
        LIAISON_DATA_DIR: path.join(dir, 'data-scheduled'),
        LIAISON_ADMIN_PASSWORD: PASSWORD,
      }),
      'Liaison is ready',
    );
    api = await apiClient(base);
  }, 120_000);
  afterAll(async () => {
    if (server) {
      server.child.kill('SIGTERM');
      await server.exit;
    }
  });

  it('schedules a mandatory notice, lists and shows it, and cancels it; a second cancel is refused', async () => {
    const partner = await api.tenant(api.rootTenantId, 'partner');
    await api.contact(partner.id, 'cli-scheduled@example.test');
    const body = path.join(dir, 'scheduled.md');
    await fs.writeFile(body, 'The platform moves to a new data centre.\n');
    const sendAt = new Date(Date.now() + 3 * 24 * 3600_000).toISOString();
    const scheduled = await runAnnounce(
      [
        ...['--category', 'technical', '--subject', 'Data centre move', '--body-file', body],
        ...['--scope', partner.id, '--send-at', sendAt, '--mandatory', '--recipients', 'primary', '--url', base],
      ],
      asRoot(),
      dir,
    );
    expect(scheduled.code, scheduled.output).toBe(0);
    const lines = scheduled.output.trim().split('\n');
    expect(lines[0]).toMatch(/^Recipients: 1 addresses \(partner: 1\); skipped \(invalid\): 0$/);
    const id = new RegExp(`^Announcement ([0-9a-f-]{36}) scheduled for ${sendAt} \\(mandatory\\)\\.$`).exec(
      lines[1],
    )?.[1];
    expect(id, scheduled.output).toBeTruthy();
    expect(lines.slice(2)).toEqual([`Cancel it with: liaison announcements cancel ${id}`]);
    expect(await api.call('GET', `/announcements/${id}`)).toMatchObject({
      status: 'scheduled',
      send_at: sendAt,
      mandatory: true,
      recipients: 1,
      recipient_rule: 'primary',
    });

    const list = await runCli(['announcements', 'list', '--tenant', partner.id, '--url', base], asRoot(), dir);
    expect(list.code, list.output).toBe(0);
    expect(list.output.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${id}  scheduled  at ${sendAt}  technical   0/1 sent  Data centre move$`)),
    ]);
    const show = await runCli(['announcements', 'show', id!, '--url', base], asRoot(), dir);
    expect(show.code, show.output).toBe(0);
    expect(show.output).toContain('Status:       scheduled (mandatory)\n');
    expect(show.output).toContain(`Send at:      ${sendAt}\n`);

    const cancelled = await runCli(['announcements', 'cancel', id!, '--url', base], asRoot(), dir);
    expect(cancelled.code, cancelled.output).toBe(0);
    expect(cancelled.output.trim()).toBe(`Announcement ${id} cancelled; it was scheduled for ${sendAt}.`);
    expect(await api.call('GET', `/announcements/${id}`)).toMatchObject({ status: 'cancelled' });

    const again = await runCli(['announcements', 'cancel', id!, '--url', base], asRoot(), dir);
    expect(again.code).toBe(1);
    expect(again.output.trim()).toBe('liaison: 409: The announcement is already done or cancelled');
  }, 120_000);

  it('says what is wrong with a bad --send-at or id, exits 1, and announces nothing', async () => {
    const body = path.join(dir, 'never.md');
    await fs.writeFile(body, 'Never sent.\n');
    const before = (await api.call('GET', `/announcements?tenant_id=${api.rootTenantId}&limit=100`)).items.length;
    const announceAt = (sendAt: string) =>
      runAnnounce(
        [
          ...['--category', 'technical', '--subject', 'Never', '--body-file', body],
          ...['--scope', api.rootTenantId, '--send-at', sendAt, '--url', base],
        ],
        asRoot(),
        dir,
      );
    const words = await announceAt('next monday');
    expect(words.code).toBe(1);
    expect(words.output.trim()).toBe(
      'liaison: --send-at must be an RFC 3339 date-time, such as 2030-01-31T09:00:00Z (got "next monday")',
    );
    const past = await announceAt('2020-01-01T09:00:00Z');
    expect(past.code).toBe(1);
    expect(past.output.trim()).toBe('liaison: 400: send_at: must be in the future');

    const typo = await runCli(['announcements', 'cancel', 'not-an-id', '--url', base], asRoot(), dir);
    expect(typo.code).toBe(1);
    expect(typo.output.trim()).toBe('liaison: "not-an-id" is not an announcement id (a UUID such as 0b5d…-…)');
    const unknown = await runCli(
      ['announcements', 'cancel', '00000000-0000-4000-8000-000000000000', '--url', base],
      asRoot(),
      dir,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.output.trim()).toBe('liaison: 404: Announcement not found');
    expect((await api.call('GET', `/announcements?tenant_id=${api.rootTenantId}&limit=100`)).items).toHaveLength(
      before,
    );
  }, 120_000);
});

describe.runIf(inject('testDatabase').kind === 'postgres')(
  'liaison worker processes stopped in the middle of an announcement (PostgreSQL)',
  () => {
    // One database and one API process (running no workers) for both tests; worker processes
    // do the sending. 300 addresses over 10 customers of a partner.
    const total = 300;
    const batch = 20;
    let admin: pg.Client;
    let name: string;
    let databaseUrl: string;
    let server: Started;
    let base: string;
    let api: Awaited<ReturnType<typeof apiClient>>;
    let partnerId: string;
    const emails: string[] = [];
    beforeAll(async () => {
      const target = inject('testDatabase');
      if (target.kind !== 'postgres') return;
      name = `liaison_workers_${randomBytes(5).toString('hex')}`;
      admin = new pg.Client({ connectionString: target.serverUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(target.serverUrl);
      url.pathname = `/${name}`;
      databaseUrl = url.toString();
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      server = await launch(
        ['start'],
        cliEnv({
          PORT: String(port),
          DATABASE_URL: databaseUrl,
          LIAISON_ADMIN_PASSWORD: PASSWORD,
          LIAISON_RUN_WORKERS: 'false',
        }),
        'Liaison is ready',
      );
      api = await apiClient(base);
      partnerId = (await api.tenant(api.rootTenantId, 'partner')).id;
      const customers = [];
      for (let i = 0; i < 10; i++) customers.push(await api.tenant(partnerId));
      for (let i = 0; i < total; i++)
        emails.push((await api.contact(customers[i % 10].id, `worker-${i}@example.test`)).email);
    }, 120_000);
    afterAll(async () => {
      if (server) {
        server.child.kill('SIGTERM');
        await server.exit;
      }
      if (admin) {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      }
    });

    const workerEnv = (smtp: TestSmtpServer) =>
      cliEnv({
        DATABASE_URL: databaseUrl,
        SMTP_URL: smtp.url,
        LIAISON_MAIL_POLL_MS: '50',
        LIAISON_DELIVERY_BATCH: String(batch),
        LIAISON_DELIVERY_CONNECTIONS: '5',
        LIAISON_ENQUEUE_CHUNK_TENANTS: '3',
        LIAISON_DELIVERY_LEASE_SECONDS: '2',
      });

    async function announceAll(subject: string) {
      const created = await api.call('POST', '/announcements', {
        category: 'technical',
        subject: { en: subject },
        body: { en: 'Saturday, 02:00-04:00.' },
        fallback: 'none',
        scope_tenant_id: partnerId,
      });
      expect(created.recipients).toBe(total);
      return created.id as string;
    }

    async function waitForMessages(smtp: TestSmtpServer, count: number, worker: Started) {
      const deadline = Date.now() + 30_000;
      while (smtp.received.length < count) {
        if (Date.now() > deadline) throw new Error(`the worker sent ${smtp.received.length}: ${worker.output()}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    }

    async function allDeliveries(id: string) {
      const deliveries: { email: string; attempts: number; status: string }[] = [];
      for (let after: string | undefined; ;) {
        const page = await api.call(
          'GET',
          `/announcements/${id}/deliveries?limit=100${after ? `&after=${after}` : ''}`,
        );
        deliveries.push(...page.items);
        after = page.paging.cursors.after;
        if (!after) break;
      }
      return deliveries;
    }

    /** Message-IDs received per address. */
    function receivedByAddress(smtp: TestSmtpServer) {
      const byAddress = new Map<string, string[]>();
      for (const mail of smtp.received)
        for (const to of mail.to) byAddress.set(to, [...(byAddress.get(to) ?? []), mail.messageId]);
      return byAddress;
    }

    it('killed (SIGKILL): a new worker finishes it, with a copy at most of what the dead one had claimed, under the same Message-ID', async () => {
      const smtp = await startSmtpServer({ delayMs: 40 });
      let second: Started | undefined;
      try {
        const id = await announceAll('Maintenance window');
        const started = Date.now();
        const first = await launch(['worker'], workerEnv(smtp), 'Liaison workers are running');
        await waitForMessages(smtp, 90, first);
        const firstRan = Date.now() - started;
        first.child.kill('SIGKILL');
        expect((await first.exit).signal).toBe('SIGKILL');
        const atKill = smtp.received.length;
        const midway = await api.call('GET', `/announcements/${id}`);
        expect(midway.status).toBe('sending');
        expect(midway.counts.sent).toBeLessThanOrEqual(atKill);
        expect(midway.counts.pending).toBeGreaterThan(0);
        // Nobody is sending now.
        await new Promise((r) => setTimeout(r, 500));
        expect(smtp.received.length).toBe(atKill);

        const restarted = Date.now();
        second = await launch(['worker'], workerEnv(smtp), 'Liaison workers are running');
        const done = await api.finished(id, 60_000);
        const finishedAt = Date.now();
        expect(done).toMatchObject({
          status: 'done',
          recipients: total,
          counts: { pending: 0, sent: total, failed: 0, skipped: 0 },
        });

        // Every address got the notice; a copy only for what the dead worker had claimed, same Message-ID.
        const byAddress = receivedByAddress(smtp);
        expect([...byAddress.keys()].sort()).toEqual([...emails].sort());
        const copies = [...byAddress].filter(([, ids]) => ids.length > 1);
        for (const [to, ids] of copies) {
          expect(ids, to).toHaveLength(2);
          expect(ids[1], to).toBe(ids[0]);
        }
        for (const ids of byAddress.values()) expect(ids[0]).toMatch(/^<delivery\.\d+@127\.0\.0\.1>$/);
        expect(new Set([...byAddress.values()].map((ids) => ids[0])).size).toBe(total);
        // A worker runs two passes side by side (the next batch is claimed while one sends): at most two batches in flight.
        expect(copies.length).toBeLessThanOrEqual(2 * batch);
        // The deliveries sent twice are among those claimed twice (the dead worker's last claims).
        const deliveries = await allDeliveries(id);
        expect(deliveries).toHaveLength(total);
        expect(deliveries.every((d) => d.status === 'sent' && (d.attempts === 1 || d.attempts === 2))).toBe(true);
        const reclaimed = deliveries.filter((d) => d.attempts === 2).map((d) => d.email);
        expect(reclaimed.length).toBeLessThanOrEqual(2 * batch);
        expect(reclaimed).toEqual(expect.arrayContaining(copies.map(([to]) => to)));
        console.log(
          `[postgres] liaison worker killed ${firstRan} ms after its start, at ${atKill}/${total} messages received (${midway.counts.sent} recorded); ` +
            `the restarted worker finished in ${finishedAt - restarted} ms (start-up, 2 s lease, ${total - atKill}+ messages); ` +
            `${reclaimed.length} deliveries re-claimed, ${copies.length} sent twice (same Message-ID); SMTP answering in 40 ms`,
        );

        second.child.kill('SIGTERM');
        expect((await second.exit).code).toBe(0);
        second = undefined;
      } finally {
        // A worker left running would take the next test's deliveries.
        second?.child.kill('SIGKILL');
        await second?.exit;
        await smtp.close();
      }
    }, 120_000);

    it('stopped (SIGTERM): it records what it sent before it exits, so the next worker sends no copy', async () => {
      const smtp = await startSmtpServer({ delayMs: 40 });
      try {
        const id = await announceAll('Planned upgrade');
        const first = await launch(['worker'], workerEnv(smtp), 'Liaison workers are running');
        await waitForMessages(smtp, 90, first);
        first.child.kill('SIGTERM');
        expect((await first.exit).code).toBe(0);
        expect(first.output()).toContain('shutting down');
        const atStop = smtp.received.length;
        // Everything it claimed is recorded: no delivery is left waiting for a lease to run out.
        const midway = await api.call('GET', `/announcements/${id}`);
        expect(midway.counts.sent).toBe(atStop);
        expect(midway.counts.pending).toBe(total - atStop);
        expect((await allDeliveries(id)).filter((d) => d.status === 'pending' && d.attempts > 0)).toEqual([]);

        const second = await launch(['worker'], workerEnv(smtp), 'Liaison workers are running');
        const done = await api.finished(id, 60_000);
        expect(done).toMatchObject({ status: 'done', counts: { pending: 0, sent: total, failed: 0 } });
        const byAddress = receivedByAddress(smtp);
        expect([...byAddress.keys()].sort()).toEqual([...emails].sort());
        expect([...byAddress].filter(([, ids]) => ids.length > 1)).toEqual([]);
        console.log(`[postgres] liaison worker stopped with SIGTERM at ${atStop}/${total}: no copies`);
        second.child.kill('SIGTERM');
        expect((await second.exit).code).toBe(0);
      } finally {
        await smtp.close();
      }
    }, 120_000);
  },
);
