import { sql } from 'kysely';
import { tenantAccess } from '../../platform/access.js';
import { actorOf, recordAudit } from '../../platform/audit-trail.js';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import type { ContactType } from '../../platform/db/schema.js';
import { fail, tooManyRequests } from '../../platform/errors.js';
import { unsubscribeUrl, type MailTokens } from '../../platform/mail/mail-tokens.js';
import { enqueueMail } from '../../platform/mail/outbox.repository.js';
import { pickLanguage, renderMail, type Language } from '../../platform/mail/render.js';
import type { Principal } from '../../platform/scope.js';
import { categoryLabel } from '../announcements/notice.mails.js';
import type { ContactService } from '../contacts/contact.service.js';
import * as repo from './opt-out.repository.js';

/** A person is asked again about one opt-out at most once a day: the ask must not become the nuisance. */
const ASK_AGAIN_SECONDS = 24 * 3600;

const footer: Record<Language, string> = {
  en: 'Liaison, the contacts service of your cloud platform. This message was sent automatically.',
  it: 'Liaison, il servizio contatti della tua piattaforma cloud. Messaggio inviato automaticamente.',
};

function askAgainMail(language: Language, p: { firstname: string; tenantName: string; label: string; url: string }) {
  return renderMail(
    language === 'it'
      ? {
          subject: `Vuoi ricevere di nuovo gli avvisi ${p.label}?`,
          greeting: `Gentile ${p.firstname || 'utente'},`,
          paragraphs: [
            `hai chiesto di non ricevere più gli avvisi ${p.label} della piattaforma come contatto di ${p.tenantName}.`,
            `Gli amministratori di ${p.tenantName} ti chiedono se vuoi riceverli di nuovo: riguardano cambiamenti della piattaforma che possono interessarti.`,
            'Se lo desideri, apri la pagina qui sotto e scegli di riceverli di nuovo. Altrimenti ignora questo messaggio: non cambierà nulla.',
          ],
          action: { label: 'Scegli i tuoi avvisi', url: p.url },
          footer: footer.it,
        }
      : {
          subject: `Would you like to receive ${p.label} notices again?`,
          greeting: `Hello ${p.firstname || 'there'},`,
          paragraphs: [
            `you asked to receive no more ${p.label} notices of the platform as a contact of ${p.tenantName}.`,
            `The administrators of ${p.tenantName} ask whether you would like to receive them again: they are about changes of the platform that may concern you.`,
            'If you would, open the page below and choose to receive them again. Otherwise ignore this message: nothing will change.',
          ],
          action: { label: 'Choose your notices', url: p.url },
          footer: footer.en,
        },
    language,
  );
}

export interface AskAgainDeps {
  uow: UnitOfWork;
  contacts: ContactService;
  tokens: MailTokens;
  publicUrl: string;
}

/**
 * Mails the person behind a contact, once per opt-out of its address in the contact's tenant
 * (of `category`, or all of them), a link to the unsubscribe page of the message they opted out
 * from, where they may opt back in. Each opt-out is asked about at most once a day (429 with
 * Retry-After when every one of them was asked within the day); 409 when there is none.
 */
export async function askAgain(
  { uow, contacts, tokens, publicUrl }: AskAgainDeps,
  principal: Principal,
  { contactId, category }: { contactId: string; category?: ContactType },
) {
  await uow.run(async (trx, after) => {
    const contact = await contacts.get(principal, contactId, trx);
    const tenant = await tenantAccess(trx, principal, contact.tenant_id, 'write');
    // Two asks at once count each other: the second waits for the first's audit entry.
    await sql`SELECT pg_advisory_xact_lock(hashtext('liaison.opt-out-ask'), hashtext(${contact.id}))`.execute(trx);
    const optOuts = (await repo.findOptOutsOfAddress(trx, contact.tenant_id, contact.email)).filter(
      (o) => o.delivery_id !== null && (!category || o.category === category),
    );
    if (optOuts.length === 0) throw fail('opt_out_nothing_to_ask', category ? { info: 'category' } : {});
    const now = Date.now();
    const waits = await Promise.all(
      optOuts.map(async (o) => {
        const asked = await repo.lastAskedAgain(trx, contact.id, o.category);
        // An opt-out made after the last ask is a new one: it may be asked about at once.
        if (!asked || asked < o.created_at) return 0;
        return Math.max(0, Math.ceil((asked.getTime() + ASK_AGAIN_SECONDS * 1000 - now) / 1000));
      }),
    );
    const due = optOuts.filter((_, i) => waits[i] === 0);
    if (due.length === 0) {
      const retryAfter = Math.max(1, Math.min(...waits));
      throw tooManyRequests(
        `This person was asked again within the last day: try again in ${retryAfter} s`,
        retryAfter,
        'opt-outs',
      );
    }
    const language = pickLanguage(contact.language, tenant.language);
    for (const optOut of due) {
      const url = unsubscribeUrl(publicUrl, tokens.sign('d', optOut.delivery_id!, 'unsubscribe'));
      const label = categoryLabel[language][optOut.category];
      const mail = askAgainMail(language, { firstname: contact.firstname ?? '', tenantName: tenant.name, label, url });
      await enqueueMail(trx, { tenantId: contact.tenant_id, kind: 'opt_out_ask_again', to: contact.email, ...mail });
      await recordAudit(trx, actorOf(principal), {
        tenantId: contact.tenant_id,
        objectType: 'contact',
        objectId: contact.id,
        action: 'opt_out_ask_again',
        after: { email: contact.email.toLowerCase(), category: optOut.category },
      });
    }
    after.wake('mail');
  });
}
