import type { ContactType } from '../../platform/db/schema.js';
import { renderMail, type Language } from '../../platform/mail/render.js';

const typeNames: Record<Language, Record<ContactType, string>> = {
  en: { billing: 'Billing', technical: 'Technical', management: 'Business' },
  it: { billing: 'Fatturazione', technical: 'Tecnico', management: 'Business' },
};

/** "Billing and Technical" / "amministrativo e tecnico". */
function rolesOf(language: Language, types: ContactType[]) {
  const names = types.map((t) => typeNames[language][t]);
  const and = language === 'it' ? ' e ' : ' and ';
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')}${and}${names[names.length - 1]}`;
}

const footer: Record<Language, string> = {
  en: 'Liaison, the contacts service of your cloud platform. This message was sent automatically.',
  it: 'Liaison, il servizio contatti della tua piattaforma cloud. Messaggio inviato automaticamente.',
};

const day = (language: Language, date: Date) =>
  new Intl.DateTimeFormat(language === 'it' ? 'it-IT' : 'en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(date);

/** "Are you still the Billing contact of Acme S.r.l.?" with Yes and No, remove me. */
export function questionMail(
  language: Language,
  q: {
    firstname: string;
    tenantName: string;
    types: ContactType[];
    yes: string;
    no: string;
    until: Date;
    reminder: boolean;
  },
) {
  const roles = rolesOf(language, q.types);
  const plural = q.types.length > 1;
  if (language === 'it')
    return renderMail(
      {
        subject: `${q.reminder ? 'Promemoria: ' : ''}Sei ancora il contatto di tipo ${roles} di ${q.tenantName}?`,
        greeting: `Gentile ${q.firstname || 'utente'},`,
        paragraphs: [
          `risulti il contatto di tipo ${roles} di ${q.tenantName}: ricevi gli avvisi di ${plural ? 'questi tipi' : 'questo tipo'} della piattaforma cloud.`,
          'È ancora così? Scegli una risposta: il link apre una pagina dove confermarla con un pulsante.',
          `I link valgono fino al ${day(language, q.until)}. Se rispondi "No", smetterai di ricevere questi avvisi e l'amministratore ne sarà informato.`,
        ],
        actions: [
          { label: 'Sì, sono ancora io', url: q.yes },
          { label: 'No, rimuovimi', url: q.no },
        ],
        footer: footer.it,
      },
      language,
    );
  return renderMail(
    {
      subject: `${q.reminder ? 'Reminder: ' : ''}Are you still the ${roles} contact of ${q.tenantName}?`,
      greeting: `Hello ${q.firstname || 'there'},`,
      paragraphs: [
        `You are listed as the ${roles} contact of ${q.tenantName}: you receive the cloud platform's notices of ${plural ? 'these kinds' : 'this kind'}.`,
        'Is that still so? Choose an answer: the link opens a page where a button confirms it.',
        `The links work until ${day(language, q.until)}. If you answer "No", you stop receiving these notices and the administrator is told.`,
      ],
      actions: [
        { label: 'Yes, I still am', url: q.yes },
        { label: 'No, remove me', url: q.no },
      ],
      footer: footer.en,
    },
    language,
  );
}

/** To whoever started the campaign: a contact declined, the types it held are gone. */
export function declinedMail(
  language: Language,
  d: { name: string; email: string; tenantName: string; types: ContactType[]; url: string },
) {
  const roles = rolesOf(language, d.types);
  if (language === 'it')
    return renderMail(
      {
        subject: `${d.name} non è più il contatto di tipo ${roles} di ${d.tenantName}`,
        greeting: 'Gentile amministratore,',
        paragraphs: [
          `${d.name} (${d.email}) ha risposto di non essere più il contatto di tipo ${roles} di ${d.tenantName} e non lo è più.`,
          'Se il cliente resta senza un contatto di questo tipo, aggiungine uno: finché manca, i suoi avvisi non arrivano a nessuno.',
        ],
        action: { label: 'Apri i contatti', url: d.url },
        footer: footer.it,
      },
      language,
    );
  return renderMail(
    {
      subject: `${d.name} is no longer the ${roles} contact of ${d.tenantName}`,
      greeting: 'Hello,',
      paragraphs: [
        `${d.name} (${d.email}) answered that they are no longer the ${roles} contact of ${d.tenantName}, and was removed from that role.`,
        'If the company is left without a contact of this type, add one: until then its notices of that kind reach nobody.',
      ],
      action: { label: 'Open the contacts', url: d.url },
      footer: footer.en,
    },
    language,
  );
}
