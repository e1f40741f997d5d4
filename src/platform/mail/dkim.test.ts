import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dkimVerify } from 'mailauth';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpTransport, type MailTransport } from './transport.js';

// DKIM as a receiving mailbox provider checks it: the transport signs with a key from a file,
// a real SMTP server receives the raw bytes, and an independent verifier (mailauth) checks the
// signature against the public key published as the selector's TXT record.

const domain = 'liaison.test';
const selector = 'notices2026';
let dir: string;
let publicKeyTxt: string;
let server: SMTPServer;
let transport: MailTransport;
const received: Buffer[] = [];

beforeAll(async () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  dir = mkdtempSync(path.join(tmpdir(), 'liaison-dkim-'));
  const privateKeyFile = path.join(dir, 'dkim.pem');
  writeFileSync(privateKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  // The record an operator publishes at <selector>._domainkey.<domain>.
  publicKeyTxt = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;

  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push(Buffer.concat(chunks));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  transport = smtpTransport(`smtp://127.0.0.1:${port}`, `Liaison <notices@${domain}>`, {
    dkim: { domain, selector, privateKeyFile },
  });
});

afterAll(async () => {
  transport?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A DNS that knows one TXT record: the selector's public key. */
const resolver = async (name: string, rrtype: string) => {
  if (rrtype === 'TXT' && name === `${selector}._domainkey.${domain}`) return [[publicKeyTxt]];
  throw Object.assign(new Error(`no ${rrtype} record for ${name}`), { code: 'ENOTFOUND' });
};

async function sendNotice(): Promise<Buffer> {
  const before = received.length;
  await transport.send({
    to: 'ada@example.test',
    subject: 'Planned maintenance on Saturday',
    text: 'The portal is read-only from 02:00 to 04:00 UTC.',
    html: '<p>The portal is read-only from 02:00 to 04:00 UTC.</p>',
    messageId: `<delivery.${before + 1}@${domain}>`,
    envelopeFrom: `bounces+d${before + 1}-0123456789abcdef0123456789abcdef@bounce.${domain}`,
    headers: {
      'List-Unsubscribe': `<https://${domain}/unsubscribe/d1-abc>, <mailto:unsubscribe+d1-abc@bounce.${domain}?subject=unsubscribe>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  });
  expect(received).toHaveLength(before + 1);
  return received[before];
}

/** The tags of the message's DKIM-Signature field (unfolded). */
function signatureTags(raw: Buffer): Map<string, string> {
  const head = raw.toString('utf8').split(/\r?\n\r?\n/)[0];
  const field = /^DKIM-Signature:(.*(?:\r?\n[ \t].*)*)/im.exec(head);
  expect(field, 'a DKIM-Signature field').not.toBeNull();
  const tags = new Map<string, string>();
  for (const part of field![1].replace(/\s+/g, '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) tags.set(part.slice(0, at), part.slice(at + 1));
  }
  return tags;
}

describe('DKIM signing', () => {
  it('signs relaxed/relaxed with the configured domain and selector, and the signature verifies', async () => {
    const raw = await sendNotice();
    const result = await dkimVerify(raw, { resolver });
    expect(result.results).toHaveLength(1);
    const [signature] = result.results;
    expect(signature.status.result).toBe('pass');
    expect(signature.signingDomain).toBe(domain);
    expect(signature.selector).toBe(selector);
    // mailauth reports the a= and c= tags as algo and format (its typings name them otherwise).
    const { algo, format } = signature as unknown as { algo: string; format: string };
    expect(algo).toBe('rsa-sha256');
    expect(format).toBe('relaxed/relaxed');
    expect(signatureTags(raw).get('c')).toBe('relaxed/relaxed');
  });

  it('covers From, Subject, Date, Message-ID, List-Unsubscribe and List-Unsubscribe-Post', async () => {
    const raw = await sendNotice();
    const signed = (signatureTags(raw).get('h') ?? '').toLowerCase().split(':');
    // The verifier hashed the same fields (it read h= itself) and the signature passed.
    const [verified] = (await dkimVerify(raw, { resolver })).results;
    expect(verified.status.result).toBe('pass');
    const { signingHeaders } = verified as unknown as { signingHeaders: { keys: string } };
    expect(signingHeaders.keys.toLowerCase().split(': ')).toEqual(signed);
    for (const field of ['from', 'subject', 'date', 'message-id', 'list-unsubscribe', 'list-unsubscribe-post']) {
      expect(signed, `h= names ${field}`).toContain(field);
    }
    // The fields are really there, so the signature vouches for their values.
    const head = raw.toString('utf8').split(/\r?\n\r?\n/)[0];
    expect(head).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    expect(head).toMatch(/^List-Unsubscribe: <https:\/\/liaison\.test\/unsubscribe\/d1-abc>/m);
  });

  it('fails when the Subject is changed on the way', async () => {
    const raw = await sendNotice();
    const tampered = Buffer.from(
      raw
        .toString('utf8')
        .replace('Subject: Planned maintenance on Saturday', 'Subject: Planned maintenance on Sunday'),
    );
    expect(tampered.equals(raw)).toBe(false);
    const result = await dkimVerify(tampered, { resolver });
    expect(result.results[0].status.result).toBe('fail');
  });

  it('fails against another public key (the one DNS would publish for someone else)', async () => {
    const raw = await sendNotice();
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const otherTxt = `v=DKIM1; k=rsa; p=${other.export({ type: 'spki', format: 'der' }).toString('base64')}`;
    const result = await dkimVerify(raw, { resolver: async () => [[otherTxt]] });
    expect(result.results[0].status.result).toBe('fail');
  });
});
