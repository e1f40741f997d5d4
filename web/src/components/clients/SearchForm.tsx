import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

/** Searches as one types (after a pause) or on Enter. */
export function SearchForm({
  initial,
  onSearch,
}: {
  initial: string;
  onSearch(text: string, replace?: boolean): void;
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
        {initial && (
          <button
            type="button"
            onClick={() => {
              setText('');
              onSearch('');
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
