import { useTranslation } from 'react-i18next';
import { LengthHint } from '../../components/LengthHint';
import { toLocalInput, timeZone } from './draft';
import { categories, type Category } from './shared';

interface TextFieldProps {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  required?: boolean;
  multiline?: boolean;
  help?: string;
  error?: string;
  maxLength: number;
}

/** A labelled input or textarea with its help and its error, tied by aria-describedby. */
export function TextField({ id, label, value, onChange, required, multiline, help, error, maxLength }: TextFieldProps) {
  const { t } = useTranslation();
  const describedBy = [help && `${id}-help`, `${id}-length`, error && `${id}-error`].filter(Boolean).join(' ');
  const common = {
    id,
    value,
    required,
    maxLength,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
  };
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {required && (
          <>
            <span className="required-mark" aria-hidden="true">
              {' '}
              *
            </span>
            <span className="visually-hidden"> ({t('app.required')})</span>
          </>
        )}
      </label>
      {multiline ? (
        <textarea {...common} rows={8} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...common} onChange={(e) => onChange(e.target.value)} />
      )}
      {help && (
        <span id={`${id}-help`} className="muted">
          {help}
        </span>
      )}
      <LengthHint id={`${id}-length`} length={value.length} max={maxLength} />
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** The three categories, each saying who receives it. */
export function CategoryField({
  value,
  onChange,
  error,
}: {
  value?: Category;
  onChange(value: Category): void;
  error?: string;
}) {
  const { t } = useTranslation();
  return (
    <fieldset aria-describedby={error ? 'category-error' : undefined}>
      <legend>
        {t('notices.categories.legend')}
        <span className="required-mark" aria-hidden="true">
          {' '}
          *
        </span>
        <span className="visually-hidden"> ({t('app.required')})</span>
      </legend>
      {categories.map((c) => (
        <div key={c} className="radio-row">
          <input
            type="radio"
            id={`category-${c}`}
            name="category"
            value={c}
            checked={value === c}
            required
            aria-invalid={error ? true : undefined}
            aria-describedby={`category-${c}-help`}
            onChange={() => onChange(c)}
          />
          <label htmlFor={`category-${c}`}>
            <span className={`chip ${c}`}>{t(`contactTypes.${c}`)}</span>
          </label>
          <span id={`category-${c}-help`} className="muted">
            {t(`notices.categories.${c}Help`)}
          </span>
        </div>
      ))}
      {error && (
        <p id="category-error" className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** When the notice goes out: a local date and time, empty for now (unless it must keep one). */
export function SendAtField({
  value,
  onChange,
  error,
  required,
}: {
  value: string;
  onChange(value: string): void;
  error?: string;
  required?: boolean;
}) {
  const { t } = useTranslation();
  const describedBy = ['send-at-help', error && 'send-at-error'].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor="send-at">
        {t('notices.compose.sendAt')}
        {required && (
          <>
            <span className="required-mark" aria-hidden="true">
              {' '}
              *
            </span>
            <span className="visually-hidden"> ({t('app.required')})</span>
          </>
        )}
      </label>
      <input
        id="send-at"
        type="datetime-local"
        value={value}
        required={required}
        min={toLocalInput(new Date().toISOString())}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value)}
      />
      <span id="send-at-help" className="muted">
        {t('notices.compose.sendAtHelp', { zone: timeZone() })}
      </span>
      {error && (
        <p id="send-at-error" className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

interface CheckboxFieldProps {
  id: 'fallback' | 'mandatory';
  value: boolean;
  onChange(value: boolean): void;
}

/**
 * A yes-or-no choice of the notice with its help beside it: `fallback` (clients without a contact
 * of the type are reached through the nearest company above) or `mandatory` (root administrators
 * only: everyone in scope receives it, opted out or not).
 */
export function CheckboxField({ id, value, onChange }: CheckboxFieldProps) {
  const { t } = useTranslation();
  return (
    <div className="radio-row">
      <input
        type="checkbox"
        id={id}
        checked={value}
        aria-describedby={`${id}-help`}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={id}>{t(`notices.compose.${id}`)}</label>
      <span id={`${id}-help`} className="muted">
        {t(`notices.compose.${id}Help`)}
      </span>
    </div>
  );
}
