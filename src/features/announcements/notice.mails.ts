import MarkdownIt from 'markdown-it';
import type { ContactType, LocalizedText } from '../../platform/db/schema.js';
import { layoutMail, pickLanguage, type Language } from '../../platform/mail/render.js';

// Raw HTML in a notice's Markdown is shown as text, never passed into the message.
const markdown = new MarkdownIt({ html: false, linkify: true, breaks: false });

export const categoryLabel: Record<Language, Record<ContactType, string>> = {
  en: { billing: 'Billing', technical: 'Technical', management: 'Business' },
  it: { billing: 'Fatturazione', technical: 'Tecnico', management: 'Business' },
};

/** Ends a sentence with a full stop unless it already ends with one ("Acme Inc." stays "Acme Inc."). */
const sentence = (text: string) => (/[.!?…]$/.test(text) ? text : `${text}.`);

const why = {
  en: (label: string, tenants: string) => sentence(`You receive this notice as the ${label} contact of: ${tenants}`),
  it: (label: string, tenants: string) => sentence(`Ricevi questo avviso come contatto ${label} di: ${tenants}`),
};
const footer = {
  en: 'Liaison, the contacts service of your cloud platform. To change who receives these notices, ask the administrator of your account.',
  it: "Liaison, il servizio contatti della tua piattaforma cloud. Per cambiare chi riceve questi avvisi, rivolgiti all'amministratore del tuo account.",
};

export interface NoticeContent {
  category: ContactType;
  subject: LocalizedText;
  body: LocalizedText;
  test?: boolean;
  /** Sent whatever the recipient's opt-outs; carries no List-Unsubscribe. */
  mandatory?: boolean;
}

/**
 * The language a recipient reads a notice in: Italian when the notice has both its subject and
 * its body in Italian and the person reads Italian (or the notice has no English), else English.
 */
export function noticeLanguage(wanted: string, italianWritten: boolean, englishWritten = true): Language {
  return (pickLanguage(wanted) === 'it' || !englishWritten) && italianWritten ? 'it' : 'en';
}

/** The subject line as sent in `language` (see noticeLanguage). */
export function noticeSubject(subject: LocalizedText, language: Language, test = false) {
  return (test ? '[Test] ' : '') + ((language === 'it' ? subject.it : subject.en) ?? subject.en ?? subject.it ?? '');
}

/** Whether a notice is written in each language: its subject and its body both given. */
export const writtenIn = (content: Pick<NoticeContent, 'subject' | 'body'>) => ({
  en: Boolean(content.subject.en && content.body.en),
  it: Boolean(content.subject.it && content.body.it),
});

/** Markdown bodies rendered by this process: each notice is rendered once per language, whatever its recipients. */
export const markdownRenders = { count: 0 };

export interface NoticeRecipient {
  /** The recipient's language; the text falls back to English when not given in it. */
  language: string;
  tenantNames: string[];
}

/**
 * A notice ready to send to any number of recipients, each in their language and saying for
 * which tenants and which type it is sent. The Markdown body (up to 50,000 characters) is
 * rendered once per language and shared: rendering it per recipient blocked the process.
 */
export function prepareNotice(content: NoticeContent) {
  const written = writtenIn(content);
  const bodies = new Map<Language, string>();
  const bodyHtml = (language: Language, body: string) => {
    let html = bodies.get(language);
    if (html === undefined) {
      html = markdown.render(body);
      markdownRenders.count += 1;
      bodies.set(language, html);
    }
    return html;
  };
  return (recipient: NoticeRecipient) => {
    const language = noticeLanguage(recipient.language, written.it, written.en);
    const subject = noticeSubject(content.subject, language, content.test);
    const body = (language === 'it' ? content.body.it : content.body.en) ?? '';
    const reason = why[language](categoryLabel[language][content.category], recipient.tenantNames.join(', '));
    const message = layoutMail({
      subject,
      language,
      body: { text: body.trim(), html: bodyHtml(language, body) },
      footer: [reason, footer[language]],
    });
    return { ...message, language, test: Boolean(content.test), mandatory: Boolean(content.mandatory) };
  };
}

export type PreparedNotice = ReturnType<typeof prepareNotice>;

/**
 * The notice as its mail shows it, in each language it is written in (subject and whole HTML
 * message, footer included), for recipients of `tenantNames`: the same renderer as the mails.
 */
export function renderNotice(content: NoticeContent, tenantNames: string[]) {
  const prepared = prepareNotice(content);
  const written = writtenIn(content);
  const render = (language: Language) => {
    const { subject, html } = prepared({ language, tenantNames });
    return { subject, html };
  };
  return { ...(written.en ? { en: render('en') } : {}), ...(written.it ? { it: render('it') } : {}) };
}
