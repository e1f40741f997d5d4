/**
 * Reports as relays send them back: the fixtures of test/fixtures/dsn made to name a message
 * that was really sent, and an SMTP client that hands them to Liaison's inbound listener.
 */
import { readFileSync } from 'node:fs';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';

/** What every fixture names: replaced by a real message's VERP sender, Message-ID and recipient. */
const fixtureValues = {
  verp: 'bounces+d1042-5f0c6a9e3b7d41c28e90a1b2c3d4e5f6@bounce.liaison.test',
  messageId: '<delivery.1042@liaison.test>',
  recipient: 'ghost@example.net',
};

/** The fixture `name` about a message sent to `recipient`. */
export function reportAbout(name: string, recipient: string, mail: { envelopeFrom: string; messageId: string }) {
  return readFileSync(new URL(`../fixtures/dsn/${name}`, import.meta.url), 'utf8')
    .replaceAll(fixtureValues.verp, mail.envelopeFrom)
    .replaceAll(fixtureValues.messageId, mail.messageId)
    .replaceAll(fixtureValues.recipient, recipient);
}

export interface SmtpAnswer {
  ok: boolean;
  code?: number;
  response?: string;
}

/** Hands a message to the SMTP listener on 127.0.0.1:`port` as a relay would (MAIL FROM:<>), answering what it said. */
export async function relay(port: number, to: string[], raw: string | Buffer, from = ''): Promise<SmtpAnswer> {
  const connection = new SMTPConnection({ host: '127.0.0.1', port, ignoreTLS: true, connectionTimeout: 10_000 });
  await new Promise<void>((resolve, reject) => {
    connection.once('error', reject);
    connection.connect(() => resolve());
  });
  try {
    return await new Promise<SmtpAnswer>((resolve) =>
      connection.send({ from, to }, raw, (err, info) =>
        resolve(
          err ? { ok: false, code: err.responseCode, response: err.response } : { ok: true, response: info.response },
        ),
      ),
    );
  } finally {
    connection.quit();
  }
}
