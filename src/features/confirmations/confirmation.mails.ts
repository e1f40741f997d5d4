import type { Db } from '../../platform/db/database.js';
import { enqueueMail } from '../../platform/mail/outbox.repository.js';
import { pickLanguage, renderMail, type Language } from '../../platform/mail/render.js';

interface Person {
  firstname: string;
  tenantName: string;
}

const footer: Record<Language, string> = {
  en: 'Liaison, the contacts service of your cloud platform. This message was sent automatically.',
  it: 'Liaison, il servizio contatti della tua piattaforma cloud. Messaggio inviato automaticamente.',
};

const hello = (language: Language, name: string) =>
  language === 'it' ? `Gentile ${name || 'utente'},` : `Hello ${name || 'there'},`;

function confirmEmailMail(
  language: Language,
  p: Person & { oldEmail: string; newEmail: string; url: string; hours: number },
) {
  return renderMail(
    language === 'it'
      ? {
          subject: 'Conferma il tuo nuovo indirizzo email',
          greeting: hello(language, p.firstname),
          paragraphs: [
            `È stato chiesto di cambiare l'indirizzo email del tuo account presso ${p.tenantName} da ${p.oldEmail} a ${p.newEmail}.`,
            `Apri il link qui sotto e premi "Conferma" per completare il cambio. Il link vale ${p.hours} ore e si usa una volta sola.`,
            'Se non hai chiesto tu questo cambio, ignora il messaggio: non cambierà nulla.',
          ],
          action: { label: 'Conferma il nuovo indirizzo', url: p.url },
          footer: footer.it,
        }
      : {
          subject: 'Confirm your new email address',
          greeting: hello(language, p.firstname),
          paragraphs: [
            `A change of the email address of your account at ${p.tenantName} from ${p.oldEmail} to ${p.newEmail} was requested.`,
            `Open the link below and press "Confirm" to complete the change. The link is valid for ${p.hours} hours and works once.`,
            'If you did not ask for this change, ignore this message: nothing will change.',
          ],
          action: { label: 'Confirm the new address', url: p.url },
          footer: footer.en,
        },
    language,
  );
}

function emailChangeNoticeMail(language: Language, p: Person & { newEmail: string }) {
  return renderMail(
    language === 'it'
      ? {
          subject: 'Richiesta di cambio del tuo indirizzo email',
          greeting: hello(language, p.firstname),
          paragraphs: [
            `È stato chiesto di sostituire questo indirizzo, per il tuo account presso ${p.tenantName}, con ${p.newEmail}.`,
            'Il tuo indirizzo resta questo finché il cambio non viene confermato dal nuovo indirizzo.',
            "Se non hai chiesto tu questo cambio, avvisa subito l'amministratore del tuo account.",
          ],
          footer: footer.it,
        }
      : {
          subject: 'A change of your email address was requested',
          greeting: hello(language, p.firstname),
          paragraphs: [
            `It was requested to replace this address, for your account at ${p.tenantName}, with ${p.newEmail}.`,
            'Your address stays this one until the change is confirmed from the new address.',
            'If you did not ask for this change, tell the administrator of your account right away.',
          ],
          footer: footer.en,
        },
    language,
  );
}

export function activationMail(language: Language, p: Person & { login: string; url: string; hours: number }) {
  return renderMail(
    language === 'it'
      ? {
          subject: 'Attiva il tuo account',
          greeting: hello(language, p.firstname),
          paragraphs: [
            `È stato creato per te un account presso ${p.tenantName}, con login ${p.login}.`,
            `Apri il link qui sotto per scegliere la password e attivarlo. Il link vale ${p.hours} ore e si usa una volta sola.`,
          ],
          action: { label: 'Attiva il tuo account', url: p.url },
          footer: footer.it,
        }
      : {
          subject: 'Activate your account',
          greeting: hello(language, p.firstname),
          paragraphs: [
            `An account was created for you at ${p.tenantName}, with the login ${p.login}.`,
            `Open the link below to choose your password and activate it. The link is valid for ${p.hours} hours and works once.`,
          ],
          action: { label: 'Activate your account', url: p.url },
          footer: footer.en,
        },
    language,
  );
}

/**
 * Inside the transaction that opens the change: the link to the new address and, unless it is a
 * resend, a notice to the old one (the person learns of a change they did not ask for).
 */
export async function enqueueEmailChangeMails(
  trx: Db,
  change: {
    user: {
      tenant_id: string;
      email: string;
      firstname: string;
      tenant_name: string;
      language: string | null;
      tenant_language: string | null;
    };
    newEmail: string;
    url: string;
    hours: number;
    noticeToOld: boolean;
  },
) {
  const { user, newEmail } = change;
  const language = pickLanguage(user.language, user.tenant_language);
  const person = { firstname: user.firstname, tenantName: user.tenant_name };
  const confirm = confirmEmailMail(language, {
    ...person,
    oldEmail: user.email,
    newEmail,
    url: change.url,
    hours: change.hours,
  });
  await enqueueMail(trx, { tenantId: user.tenant_id, kind: 'email_change_confirmation', to: newEmail, ...confirm });
  if (change.noticeToOld) {
    const notice = emailChangeNoticeMail(language, { ...person, newEmail });
    await enqueueMail(trx, { tenantId: user.tenant_id, kind: 'email_change_notice', to: user.email, ...notice });
  }
}
