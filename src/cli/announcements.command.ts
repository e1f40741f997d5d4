import { Command } from 'commander';
import { loadConfig } from '../platform/config.js';
import { connect } from './api-client.js';

// `liaison announcements list | show | cancel`: notices of a running Liaison, through its API.

interface Announcement {
  id: string;
  status: string;
  category: string;
  subject: { en?: string; it?: string };
  scope_tenant_id: string;
  mandatory: boolean;
  recipients: number;
  send_at: string | null;
  cancelled_at: string | null;
  created_at: string;
  completed_at: string | null;
  counts: Record<string, number>;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id checked here, so a typo is named as such rather than answered with the API's path error. */
function announcementId(id: string) {
  if (!uuid.test(id)) throw new Error(`"${id}" is not an announcement id (a UUID such as 0b5d…-…)`);
  return id.toLowerCase();
}

const when = (a: Announcement) =>
  a.status === 'scheduled' ? `at ${a.send_at}` : a.status === 'cancelled' ? `${a.cancelled_at}` : a.created_at;

function printList(items: Announcement[]) {
  if (items.length === 0) return console.log('No announcements.');
  for (const a of items) {
    const progress = `${a.counts.sent}/${a.recipients} sent`;
    console.log(
      [
        a.id,
        a.status.padEnd(9),
        when(a).padEnd(27),
        a.category.padEnd(10),
        progress,
        a.subject.en ?? a.subject.it,
      ].join('  '),
    );
  }
}

function printOne(a: Announcement) {
  const lines: [string, string | number | null][] = [
    ['Announcement', a.id],
    ['Status', a.status + (a.mandatory ? ' (mandatory)' : '')],
    ['Subject', a.subject.en ?? a.subject.it ?? null],
    ['Category', a.category],
    ['Scope', a.scope_tenant_id],
    ['Created', a.created_at],
    ['Send at', a.send_at],
    ['Cancelled', a.cancelled_at],
    ['Completed', a.completed_at],
    ['Recipients', a.recipients],
    [
      'Deliveries',
      Object.entries(a.counts)
        .map(([k, n]) => `${k.replace('_', ' ')} ${n}`)
        .join(', '),
    ],
  ];
  for (const [label, value] of lines) if (value !== null) console.log(`${`${label}:`.padEnd(14)}${value}`);
}

const withUrl = (command: Command) => command.option('--url <url>', 'the address of the Liaison API');

/** The `announcements` command group, for main.ts to add. */
export function announcementsCommand() {
  const group = new Command('announcements').description(
    'List, show and cancel the notices of a running Liaison (credentials and address as for `announce`)',
  );
  withUrl(group.command('list'))
    .description("The announcements to a tenant's subtree (default: your own tenant's), newest first")
    .option('--tenant <tenant-id>', 'the tenant whose subtree to list')
    .option('--limit <n>', 'how many (1 to 200)', '20')
    .action(async (options: { url?: string; tenant?: string; limit: string }) => {
      const api = await connect(options.url, loadConfig(), process.env);
      const query = new URLSearchParams({
        limit: options.limit,
        ...(options.tenant ? { tenant_id: options.tenant } : {}),
      });
      printList((await api<{ items: Announcement[] }>('GET', `/announcements?${query}`)).items);
    });
  withUrl(group.command('show <id>'))
    .description('An announcement: status, times and delivery counts')
    .action(async (id: string, options: { url?: string }) => {
      const path = `/announcements/${announcementId(id)}`;
      const api = await connect(options.url, loadConfig(), process.env);
      printOne(await api<Announcement>('GET', path));
    });
  withUrl(group.command('cancel <id>'))
    .description('Cancel an announcement not done yet: a scheduled one never goes; of one being sent, the rest is not')
    .action(async (id: string, options: { url?: string }) => {
      const path = `/announcements/${announcementId(id)}/cancel`;
      const api = await connect(options.url, loadConfig(), process.env);
      const a = await api<Announcement>('POST', path);
      console.log(
        a.send_at && a.counts.sent === 0 && a.counts.cancelled === 0
          ? `Announcement ${a.id} cancelled; it was scheduled for ${a.send_at}.`
          : `Announcement ${a.id} cancelled: ${a.counts.cancelled} not sent, ${a.counts.sent} already sent.`,
      );
    });
  return group;
}
