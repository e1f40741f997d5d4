import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiFailure } from '../../api/client';
import { fieldIds, type Errors, type FieldName } from './draft';
import { englishReadersText } from './LanguageSection';

/**
 * The form's errors: beside each field (the first one focused), or above the form. `fail` reads
 * a refusal from the server: English needed (`onEnglishReaders` hears how many read it), fields
 * named, a notice no longer editable (409 while `editing`), or anything else.
 */
export function useFormErrors(onEnglishReaders: (en: number) => void, editing: boolean) {
  const { t } = useTranslation();
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<unknown>();
  const showErrors = (found: Errors) => {
    setErrors(found);
    const first = (Object.keys(fieldIds) as FieldName[]).find((f) => found[f]);
    if (first) document.getElementById(fieldIds[first])?.focus();
    return !first;
  };
  const fail = (e: unknown) => {
    const context = e instanceof ApiFailure ? (e.body?.error?.context as { english_readers?: unknown }) : undefined;
    const englishReaders = context?.english_readers;
    if (typeof englishReaders === 'number') {
      onEnglishReaders(englishReaders);
      const message = englishReadersText(t, { en: englishReaders });
      showErrors({ 'subject.en': message, 'body.en': message });
      return;
    }
    const known = e instanceof ApiFailure ? e.fields.filter((f): f is FieldName => f in fieldIds) : [];
    const message = (f: FieldName) =>
      f === 'mandatory'
        ? t('notices.compose.errors.mandatory')
        : f === 'send_at'
          ? t('notices.compose.errors.future')
          : t('notices.compose.errors.invalid');
    if (known.length) showErrors(Object.fromEntries(known.map((f) => [f, message(f)])));
    else if (editing && e instanceof ApiFailure && e.status === 409)
      setFailure(new Error(t('notices.compose.notEditable')));
    else setFailure(e);
  };
  return { errors, setErrors, failure, setFailure, showErrors, fail };
}
