import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';

interface FilterSelect {
  key: string;
  label: string;
  /** The options besides "All" (value ''). */
  options: { value: string; label: string }[];
}

export type FilterValues = Record<string, string>;

interface FilterBarProps {
  /** What the text box searches, as its label says ("Search by name or email"). */
  textLabel: string;
  selects: FilterSelect[];
  values: FilterValues;
  onChange(values: FilterValues): void;
}

/** A row of filters above a list: a text box (key "text") and selects, each "All" when empty; Clear resets them. */
export function FilterBar({ textLabel, selects, values, onChange }: FilterBarProps) {
  const { t } = useTranslation();
  const id = useId();
  const set = (key: string, value: string) => onChange({ ...values, [key]: value });
  const active = Object.values(values).some((v) => v.trim() !== '');
  return (
    <div role="search" className="filter-bar" aria-label={t('contacts.filter.label')}>
      <div className="filter-field filter-text">
        <label htmlFor={`${id}-text`}>{textLabel}</label>
        <input
          id={`${id}-text`}
          type="search"
          maxLength={100}
          value={values.text ?? ''}
          onChange={(e) => set('text', e.target.value)}
        />
      </div>
      {selects.map((s) => (
        <div className="filter-field" key={s.key}>
          <label htmlFor={`${id}-${s.key}`}>{s.label}</label>
          <select id={`${id}-${s.key}`} value={values[s.key] ?? ''} onChange={(e) => set(s.key, e.target.value)}>
            <option value="">{t('contacts.filter.all')}</option>
            {s.options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
      ))}
      {active && (
        <button type="button" className="filter-clear" onClick={() => onChange({})}>
          {t('contacts.filter.clear')}
        </button>
      )}
    </div>
  );
}

/** Lower case without accents, so "jose" finds "José". */
const folded = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** Whether every word typed occurs in one of the texts (case and accents aside). */
export function matchesText(typed: string | undefined, texts: (string | null | undefined)[]) {
  const words = folded(typed ?? '')
    .split(/\s+/)
    .filter(Boolean);
  if (!words.length) return true;
  const haystack = folded(texts.filter(Boolean).join(' '));
  return words.every((w) => haystack.includes(w));
}

/**
 * Filter values kept in the address (`?q=anna&type=billing`): a reload, the Back button or a shared
 * link shows the same filtered list. The text box is `q`; the other parameters of the page stay.
 */
export function useFilterParams(keys: string[]): [FilterValues, (values: FilterValues) => void] {
  const [params, setParams] = useSearchParams();
  const param = (key: string) => (key === 'text' ? 'q' : key);
  const values: FilterValues = {};
  for (const key of ['text', ...keys]) {
    const value = params.get(param(key));
    if (value) values[key] = value;
  }
  const set = (next: FilterValues) =>
    setParams(
      (current) => {
        const updated = new URLSearchParams(current);
        for (const key of ['text', ...keys])
          if (next[key]) updated.set(param(key), next[key]);
          else updated.delete(param(key));
        return updated;
      },
      { replace: true },
    );
  return [values, set];
}
