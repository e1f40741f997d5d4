import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/test-app.js';
import { freePort } from '../../test/support/processes.js';
import { Workers } from './workers.js';

// Through a real relay: Liaison sends a notice to a private Postfix instance (Debian's
// package, its own configuration and queue in a temporary folder, its own ports on
// 127.0.0.1). Postfix relays it to a smarthost that refuses the address with 550 5.1.1, writes
// its own bounce (a DSN) to the VERP envelope sender, and delivers that through a transport
// map to Liaison's inbound listener, which turns the contact invalid.

const postfix = '/usr/sbin/postfix';
const skipReason = !existsSync(postfix)
  ? `${postfix} is not installed (Debian's postfix package)`
  : userInfo().uid !== 0
    ? 'a private Postfix instance needs root'
    : '';
const run = promisify(execFile);
const bounceDomain = 'bounce.liaison.test';
const dead = 'gone@example.net';

let dir: string;
let t: TestApp;
let listener: Workers;
let smarthost: SMTPServer;
let postfixPort: number;
let started = false;

/** The smarthost: accepts every address but one, which it refuses as a real MX would. */
async function startSmarthost() {
  smarthost = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.toLowerCase() !== dead) return callback();
      const refusal = `5.1.1 <${dead}>: Recipient address rejected: User unknown in virtual mailbox table`;
      callback(Object.assign(new Error(refusal), { responseCode: 550 }));
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve) => smarthost.listen(0, '127.0.0.1', resolve));
  return (smarthost.server.address() as AddressInfo).port;
}

const postfixLog = () =>
  existsSync(path.join(dir, 'postfix.log')) ? readFileSync(path.join(dir, 'postfix.log'), 'utf8') : '';

/** A minimal Postfix: smtpd on our port, a relayhost, and the bounce domain routed to the listener. */
function writeConfiguration(ports: { smtpd: number; smarthost: number; inbound: number }) {
  const etc = path.join(dir, 'etc');
  for (const sub of ['etc', 'queue', 'data']) mkdirSync(path.join(dir, sub));
  chmodSync(dir, 0o755);
  // Postfix's daemons run as the postfix account: its data directory must be theirs.
  chownSync(path.join(dir, 'data'), postfixUid(), 0);
  writeFileSync(
    path.join(etc, 'main.cf'),
    [
      'compatibility_level = 3.6',
      `queue_directory = ${dir}/queue`,
      `data_directory = ${dir}/data`,
      `maillog_file = ${dir}/postfix.log`,
      `maillog_file_prefixes = ${dir}`,
      'mail_owner = postfix',
      'myhostname = relay.liaison.test',
      'mydestination =',
      'inet_interfaces = 127.0.0.1',
      'inet_protocols = ipv4',
      'mynetworks = 127.0.0.0/8',
      'smtpd_relay_restrictions = permit_mynetworks, reject',
      `relayhost = [127.0.0.1]:${ports.smarthost}`,
      // Mail to the bounce domain goes to Liaison's listener (a deployment's MX or transport does the same).
      `transport_maps = inline:{ ${bounceDomain}=smtp:[127.0.0.1]:${ports.inbound} }`,
      'alias_maps =',
      'alias_database =',
      'smtp_tls_security_level = none',
      'smtpd_tls_security_level = none',
      'smtputf8_enable = no',
      'biff = no',
      '',
    ].join('\n'),
  );
  const services = [
    `127.0.0.1:${ports.smtpd} inet n - n - - smtpd`,
    'pickup unix n - n 60 1 pickup',
    'cleanup unix n - n - 0 cleanup',
    'qmgr unix n - n 300 1 qmgr',
    'rewrite unix - - n - - trivial-rewrite',
    'bounce unix - - n - 0 bounce',
    'defer unix - - n - 0 bounce',
    'trace unix - - n - 0 bounce',
    'verify unix - - n - 1 verify',
    'flush unix n - n 1000 0 flush',
    'proxymap unix - - n - - proxymap',
    'smtp unix - - n - - smtp',
    'relay unix - - n - - smtp',
    'showq unix n - n - - showq',
    'error unix - - n - - error',
    'retry unix - - n - - error',
    'discard unix - - n - - discard',
    'anvil unix - - n - 1 anvil',
    'scache unix - - n - 1 scache',
    'postlog unix-dgram n - n - 1 postlogd',
  ];
  writeFileSync(path.join(etc, 'master.cf'), `${services.join('\n')}\n`);
  return etc;
}

function postfixUid(): number {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postfix:'));
  if (!line) throw new Error('no postfix account in /etc/passwd');
  return Number(line.split(':')[2]);
}

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; Postfix log:\n${postfixLog()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => socket.end(() => resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe.skipIf(Boolean(skipReason))(`a real Postfix relay${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'liaison-postfix-'));
    postfixPort = await freePort();
    const smarthostPort = await startSmarthost();
    t = await startTestApp({
      smtpUrl: `smtp://127.0.0.1:${postfixPort}`,
      bounceDomain,
      inboundSmtpPort: 0,
      inboundSmtpHost: '127.0.0.1',
    });
    listener = new Workers();
    await listener.listen(t.db, t.config, t.app.log);
    const etc = writeConfiguration({ smtpd: postfixPort, smarthost: smarthostPort, inbound: listener.inbound!.port });
    await run(postfix, ['-c', etc, 'start']).catch((err) => {
      throw new Error(`postfix start failed: ${err.message}\n${postfixLog()}`);
    });
    started = true;
    await until(() => canConnect(postfixPort), Boolean, 'Postfix to listen', 30_000);
  });

  afterAll(async () => {
    if (started) {
      await run(postfix, ['-c', path.join(dir, 'etc'), 'stop']).catch(() =>
        run(postfix, ['-c', path.join(dir, 'etc'), 'abort']).catch(() => undefined),
      );
    }
    await listener?.stop();
    await t?.close();
    await new Promise<void>((resolve) => (smarthost ? smarthost.close(() => resolve()) : resolve()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("relays a notice, hears Postfix's own bounce on the inbound listener, and the contact becomes invalid", async () => {
    const partner = (
      await t.call(t.root, 'POST', '/api/2/tenants', {
        name: 'Relay partner',
        parent_id: t.rootTenantId,
        kind: 'partner',
      })
    ).body;
    const contact = await t.call(t.root, 'POST', '/api/2/contacts', {
      tenant_id: partner.id,
      types: ['technical'],
      firstname: 'Gus',
      lastname: 'Gone',
      email: dead,
    });
    expect(contact.status).toBe(201);
    const notice = await t.call(t.root, 'POST', '/api/2/announcements', {
      category: 'technical',
      subject: { en: 'Planned maintenance' },
      body: { en: 'The portal is read-only on Saturday.' },
      fallback: 'none',
      scope_tenant_id: partner.id,
    });
    expect(notice.status).toBe(202);
    const delivery = () =>
      t.db.selectFrom('deliveries').selectAll().where('announcement_id', '=', notice.body.id).executeTakeFirst();

    // Postfix takes the message (250): as far as the SMTP session knows, it was sent.
    await until(delivery, (d) => d?.status === 'sent' || d?.status === 'failed', 'Postfix to accept the notice');
    const bounced = await until(delivery, (d) => d?.bounced_at != null, 'the bounce to come back through Postfix');
    expect(bounced).toMatchObject({ status: 'failed', bounce_status: '5.1.1' });
    expect(bounced!.last_error).toMatch(/^smtp; 550 5\.1\.1 <gone@example\.net>: Recipient address rejected/);
    const now = await t.call(t.root, 'GET', `/api/2/contacts/${contact.body.id}`);
    expect(now.body.validation_state).toBe('invalid');
    // The report was Postfix's own, written to the VERP envelope sender.
    expect(postfixLog()).toMatch(/sender non-delivery notification/);
  }, 150_000);
});
