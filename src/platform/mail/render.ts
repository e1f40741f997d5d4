export type Language = 'en' | 'it';

/** The recipient's language, then the tenant's, then English (only en and it exist). */
export function pickLanguage(...candidates: (string | null | undefined)[]): Language {
  for (const candidate of candidates) {
    const base = candidate?.slice(0, 2).toLowerCase();
    if (base === 'en' || base === 'it') return base;
  }
  return 'en';
}

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface MailContent {
  subject: string;
  greeting: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  footer: string;
}

/** One layout for every message: a plain-text part and an HTML part saying the same. */
export function renderMail(content: MailContent, language: Language): { subject: string; text: string; html: string } {
  const text = [
    content.greeting, '',
    ...content.paragraphs.flatMap((p) => [p, '']),
    ...(content.action ? [`${content.action.label}: ${content.action.url}`, ''] : []),
    '-- ', content.footer, '',
  ].join('\n');
  const html = `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><title>${escapeHtml(content.subject)}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a1a;max-width:40em">
<p>${escapeHtml(content.greeting)}</p>
${content.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${content.action ? `<p><a href="${escapeHtml(content.action.url)}" style="display:inline-block;padding:.6em 1.2em;background:#0b5cad;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(content.action.label)}</a></p>
<p style="font-size:.9em;color:#555">${escapeHtml(content.action.url)}</p>` : ''}
<hr><p style="font-size:.85em;color:#555">${escapeHtml(content.footer)}</p>
</body></html>`;
  return { subject: content.subject, text, html };
}
