export type Language = 'en' | 'it';

/** The recipient's language, then the tenant's, then English (only en and it exist). */
export function pickLanguage(...candidates: (string | null | undefined)[]): Language {
  for (const candidate of candidates) {
    const base = candidate?.slice(0, 2).toLowerCase();
    if (base === 'en' || base === 'it') return base;
  }
  return 'en';
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML content and (double- or single-quoted) attribute values. */
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => entities[c]);

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface MailLayout {
  subject: string;
  language: Language;
  /** The message itself, as plain text and as HTML saying the same (the HTML is trusted as is). */
  body: { text: string; html: string };
  /** Lines under the signature separator (plain text, escaped here). */
  footer: string[];
}

/** The one shell of every message: a plain-text part and an HTML part, each with the footer. */
export function layoutMail(mail: MailLayout): RenderedMail {
  const text = `${mail.body.text}\n\n-- \n${mail.footer.join('\n')}\n`;
  const html = `<!doctype html><html lang="${mail.language}"><head><meta charset="utf-8"><title>${escapeHtml(mail.subject)}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a1a;max-width:40em">
${mail.body.html}
<hr><p style="font-size:.85em;color:#555">${mail.footer.map(escapeHtml).join('<br>')}</p>
</body></html>`;
  return { subject: mail.subject, text, html };
}

export interface MailContent {
  subject: string;
  greeting: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  /** More than one button (a question's answers); each address is written out too. */
  actions?: { label: string; url: string }[];
  footer: string;
}

const button = (action: { label: string; url: string }) =>
  `<a href="${escapeHtml(action.url)}" style="display:inline-block;margin:0 .5em .5em 0;padding:.6em 1.2em;background:#0b5cad;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(action.label)}</a>`;

/** A message of plain paragraphs, with optional buttons whose addresses are also written out. */
export function renderMail(content: MailContent, language: Language): RenderedMail {
  const actions = content.actions ?? (content.action ? [content.action] : []);
  const text = [content.greeting, ...content.paragraphs, ...actions.map((a) => `${a.label}: ${a.url}`)].join('\n\n');
  const html = [content.greeting, ...content.paragraphs].map((p) => `<p>${escapeHtml(p)}</p>`);
  if (actions.length > 0) {
    html.push(
      `<p>${actions.map(button).join('')}</p>`,
      ...actions.map((a) => `<p style="font-size:.9em;color:#555">${escapeHtml(a.url)}</p>`),
    );
  }
  return layoutMail({
    subject: content.subject,
    language,
    body: { text, html: html.join('\n') },
    footer: [content.footer],
  });
}
