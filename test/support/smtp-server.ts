import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** The envelope sender (MAIL FROM), e.g. a VERP bounce address; '' for the null sender. */
  envelopeFrom: string;
  parsed: ParsedMail;
}

interface RefusedMail {
  /** The address refused at RCPT TO, or the recipients of a message refused after DATA. */
  to: string[];
  code: number;
  /** Known only for a message refused after DATA (refuseNext); '' for a refused recipient. */
  messageId: string;
  at: number;
}

export interface TestSmtpServer {
  url: string;
  received: ReceivedMail[];
  /** Every refusal the server answered, in order (refuseNext and refuseAddress). */
  refused: RefusedMail[];
  /** The next `times` messages are refused with this SMTP reply code (4xx temporary, 5xx permanent). */
  refuseNext(code: number, times?: number): void;
  /** Refuses every message to this address with the code (e.g. 550: mailbox unknown). */
  refuseAddress(address: string, code: number): void;
  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export interface SmtpServerOptions {
  /**
   * A slow server: each accepted message is stored at once, and the 250 answer comes this
   * many milliseconds later (so a client killed in between has delivered but not heard so).
   */
  delayMs?: number;
}

/** A real SMTP server on 127.0.0.1 (random port) that keeps what it receives. */
export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const refused: RefusedMail[] = [];
  const waiters = new Set<() => void>();
  let refusals: { code: number; times: number } | undefined;
  const refusedAddresses = new Map<string, number>();

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const code = refusedAddresses.get(address.address.toLowerCase());
      if (code) {
        refused.push({ to: [address.address.toLowerCase()], code, messageId: '', at: Date.now() });
        return callback(Object.assign(new Error(`${code} mailbox refused`), { responseCode: code }));
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream).then((parsed) => {
        const to = (Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : []).flatMap((a) =>
          a.value.map((v) => v.address ?? ''),
        );
        if (refusals && refusals.times > 0) {
          refusals.times -= 1;
          refused.push({
            to: to.map((a) => a.toLowerCase()),
            code: refusals.code,
            messageId: parsed.messageId ?? '',
            at: Date.now(),
          });
          return callback(
            Object.assign(new Error(`${refusals.code} refused by the test`), { responseCode: refusals.code }),
          );
        }
        received.push({
          to,
          subject: parsed.subject ?? '',
          text: parsed.text ?? '',
          html: typeof parsed.html === 'string' ? parsed.html : '',
          messageId: parsed.messageId ?? '',
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          parsed,
        });
        if (options.delayMs) setTimeout(() => callback(), options.delayMs);
        else callback();
        for (const wake of waiters) wake();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refused,
    refuseNext(code, times = 1) {
      refusals = { code, times };
    },
    refuseAddress(address, code) {
      refusedAddresses.set(address.toLowerCase(), code);
    },
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = received.find(predicate);
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `no such mail within ${timeoutMs} ms; received: ${received.map((m) => `${m.to.join(',')}: ${m.subject}`).join(' | ')}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
