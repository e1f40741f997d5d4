import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

/** What a rendered mail may keep in the console: its structure and safe links, never scripts, styles or images. */
const allowedTags = new Set(
  'a b blockquote br code del em h1 h2 h3 h4 h5 h6 hr i li ol p pre s strong table tbody td th thead tr ul'.split(' '),
);
const safeHref = /^(https?:|mailto:)/i;

function clean(node: Node, into: Node, doc: Document) {
  for (const child of Array.from(node.childNodes)) {
    if (child.nodeType === Node.TEXT_NODE) into.appendChild(doc.createTextNode(child.textContent ?? ''));
    if (child.nodeType !== Node.ELEMENT_NODE) continue;
    const element = child as Element;
    const tag = element.tagName.toLowerCase();
    if (!allowedTags.has(tag)) {
      // An unknown wrapper keeps its text; script and style keep nothing.
      if (tag !== 'script' && tag !== 'style' && tag !== 'title') clean(element, into, doc);
      continue;
    }
    const copy = doc.createElement(tag);
    const href = element.getAttribute('href');
    if (tag === 'a' && href && safeHref.test(href.trim())) {
      copy.setAttribute('href', href.trim());
      copy.setAttribute('target', '_blank');
      copy.setAttribute('rel', 'noopener noreferrer');
    }
    clean(element, copy, doc);
    into.appendChild(copy);
  }
}

/**
 * The mail's HTML (from the server's own renderer, which already escapes HTML written in the
 * Markdown) read in an inert document and rebuilt from allowed tags only: no attribute but a
 * safe link's address survives, so nothing runs and the console's CSP sees no inline style.
 */
function sanitizeMail(html: string) {
  // The mail layout's style attributes go before parsing: even an inert document reports them to the CSP.
  // (Text in the message cannot match: the renderer writes its quotes as &quot;.)
  const parsed = new DOMParser().parseFromString(html.replace(/\sstyle="[^"]*"/g, ''), 'text/html');
  const out = document.implementation.createHTMLDocument('');
  const root = out.createElement('div');
  clean(parsed.body, root, out);
  return root.innerHTML;
}

/** The message as its recipients will read it, beside (desk) or below (phone) what is written. */
export function MailPreview({
  id,
  lang,
  rendered,
  stale,
}: {
  id: string;
  lang: 'en' | 'it';
  rendered?: { subject: string; html: string };
  stale: boolean;
}) {
  const { t } = useTranslation();
  const html = useMemo(() => (rendered ? sanitizeMail(rendered.html) : ''), [rendered]);
  return (
    <section className="mail-preview" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('notices.compose.renderedTitle')}</h3>
      {!rendered ? (
        <p className="muted">{t('notices.compose.renderedEmpty')}</p>
      ) : (
        <>
          {stale && <p className="note warn">{t('notices.compose.renderedStale')}</p>}
          <div className="mail-sheet" lang={lang}>
            <p className="mail-subject">
              <span className="muted">{t('notices.compose.subject')}: </span>
              <strong>{rendered.subject}</strong>
            </p>
            <div className="mail-body" dangerouslySetInnerHTML={{ __html: html }} />
          </div>
        </>
      )}
    </section>
  );
}
