import type { Db } from '../db/database.js';
import type { MailTransport } from './transport.js';

/** Without an SMTP server, a sent message is kept in the built-in mailbox instead. */
export function mailboxTransport(db: Db, kind: string): MailTransport {
  return {
    async send(message) {
      await db
        .insertInto('mail_outbox')
        .values({
          tenant_id: null,
          kind: message.kind ?? kind,
          to_address: message.to,
          subject: message.subject,
          text_body: message.text,
          html_body: message.html,
          status: 'sent',
          transport: 'mailbox',
          sent_at: new Date(),
          next_attempt_at: new Date(),
        })
        .execute();
    },
    close: () => {},
  };
}
