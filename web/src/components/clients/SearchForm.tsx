import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChildKind } from './kinds';

const kinds: ChildKind[] = ['partner', 'folder', 'customer', 'unit'];

/** Searches as one types (after a pause) or on Enter; the kind narrows the list at once, with or without text. */
export function SearchForm({
  initial,
  onSearch,
  kind,
  onKind,
}: {
  initial: string;
  /** `kind` given: that kind too ('' none), else the kind stays. */
  onSearch(text: string, replace?: boolean, kind?: string): void;
  kind: string;
  onKind(kind: string): void;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState(initial);
  useEffect(() => setText((current) => (current.trim() === initial ? current : initial)), [initial]);
  useEffect(() => {
    if (text.trim() === initial) return;
    const timer = setTimeout(() => onSearch(text, true), 400);
    return () => clearTimeout(timer);
  }, [text, initial, onSearch]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch(text);
  };
  return (
    <form role="search" className="search-form" onSubmit={submit}>
      <label htmlFor="client-search">{t('clients.search')}</label>
      <div className="search-row">
        <input
          id="client-search"
          type="search"
          value={text}
          maxLength={100}
          aria-describedby="client-search-help"
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="primary">
          {t('clients.searchButton')}
        </button>
        <span className="kind-filter">
          <label htmlFor="client-kind">{t('clients.kindFilter')}</label>
          <select id="client-kind" value={kind} onChange={(e) => onKind(e.target.value)}>
            <option value="">{t('contacts.filter.all')}</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {t(`clients.kinds.${k}`)}
              </option>
            ))}
          </select>
        </span>
        {(initial || kind) && (
          <button
            type="button"
            onClick={() => {
              setText('');
              onSearch('', false, '');
            }}
          >
            {t('clients.clearSearch')}
          </button>
        )}
      </div>
      <span id="client-search-help" className="muted">
        {t('clients.searchHelp')}
      </span>
    </form>
  );
}
