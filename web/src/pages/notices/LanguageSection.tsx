import type { ReactNode } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../i18n';
import type { Language } from './draft';
import { TextField } from './fields';
import { MailPreview } from './MailPreview';
import './notices.css';

interface FieldProps {
  id: string;
  value: string;
  error?: string;
  onChange(value: string): void;
}

/**
 * One language of a notice: its subject and message (required for the partner's own language,
 * which comes first) and, beside them on a desk or below on a phone, the mail they make.
 */
export function LanguageSection({
  lang,
  first,
  field,
  rendered,
  stale,
  status,
}: {
  lang: Language;
  first: Language;
  field(part: 'subject' | 'body'): FieldProps;
  rendered?: { subject: string; html: string };
  stale: boolean;
  status?: ReactNode;
}) {
  const { t } = useTranslation();
  const required = lang === first;
  const name = t(lang === 'en' ? 'notices.compose.english' : 'notices.compose.italian');
  const note = required
    ? ''
    : ` (${t(lang === 'en' ? 'notices.compose.englishUnlessItalian' : 'notices.compose.optional')})`;
  return (
    <fieldset aria-describedby={status ? `lang-${lang}-status` : undefined}>
      <legend>
        {name}
        {note}
      </legend>
      {status && (
        <p id={`lang-${lang}-status`} className="note lang-status" role="status">
          {status}
        </p>
      )}
      <div className="lang-block">
        <div>
          <TextField {...field('subject')} label={t('notices.compose.subject')} required={required} maxLength={200} />
          <TextField
            {...field('body')}
            label={t('notices.compose.body')}
            required={required}
            multiline
            maxLength={50000}
            help={t('notices.compose.bodyHelp')}
          />
        </div>
        <MailPreview id={`rendered-${lang}`} lang={lang} rendered={rendered} stale={stale} />
      </div>
    </fieldset>
  );
}

/** What the server said of who reads English: whether the notice may leave English out. */
export function englishReadersText(t: TFunction, readers: { en: number; it?: number }) {
  if (readers.en > 0) return t('notices.compose.englishRequired', { count: readers.en, n: formatNumber(readers.en) });
  const italian = readers.it ?? 0;
  return t('notices.compose.englishOptional', { count: italian, n: formatNumber(italian) });
}
