import MarkdownIt from 'markdown-it';
import type { ContactType, LocalizedText } from '../../platform/db/schema.js';
import { pickLanguage, type Language } from '../../platform/mail/render.js';

// Raw HTML in a notice's Markdown is shown as text, never passed into the message.
const markdown = new MarkdownIt({ html: false, linkify: true, breaks: false });

export const categoryLabel: Record<Language, Record<ContactType, string>> = {
  en: { billing: 'Billing', technical: 'Technical', management: 'Business' },
  it: { billing: 'Fatturazione', technical: 'Tecnico', management: 'Commerciale' },
};

const why = {
  en: (label: string, tenants: string) => `You receive this notice as the ${label} contact of: ${tenants}.`,
  it: (label: string, tenants: string) => `Ricevi questo avviso come contatto ${label} di: ${tenants}.`,
};
const footer = {
  en: 'Liaison, the contacts service of your cloud platform. To change who receives these notices, ask the administrator of your account.',
  it: 'Liaison, il servizio contatti della tua piattaforma cloud. Per cambiare chi riceve questi avvisi, rivolgiti all\'amministratore del tuo account.',
};

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface NoticeInput {
  category: ContactType;
  subject: LocalizedText;
  body: LocalizedText;
  /** The recipient's language; the text falls back to English when not given in it. */
  language: string;
  tenantNames: string[];
  test?: boolean;
}

/** A notice in the recipient's language, saying for which tenants and which type it is sent. */
export function renderNotice(input: NoticeInput) {
  const wanted = pickLanguage(input.language);
  const language: Language = wanted === 'it' && input.subject.it && input.body.it ? 'it' : 'en';
  const subject = (input.test ? '[Test] ' : '') + (language === 'it' ? input.subject.it! : input.subject.en);
  const body = language === 'it' ? input.body.it! : input.body.en;
  const reason = why[language](categoryLabel[language][input.category], input.tenantNames.join(', '));
  const text = `${body.trim()}\n\n-- \n${reason}\n${footer[language]}\n`;
  const html = `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a1a;max-width:40em">
${markdown.render(body)}
<hr><p style="font-size:.85em;color:#555">${escapeHtml(reason)}<br>${escapeHtml(footer[language])}</p>
</body></html>`;
  return { subject, text, html, language };
}
