import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { contactTypes, type ContactType } from './load';
import './contacts.css';

interface TypesFieldProps {
  value: ContactType[];
  onChange(types: ContactType[]): void;
  error?: string;
}

/** The contact types as checkboxes, each saying what its contact receives; at least one is needed. */
export function TypesField({ value, onChange, error }: TypesFieldProps) {
  const { t } = useTranslation();
  const id = useId();
  const toggle = (type: ContactType, on: boolean) =>
    onChange(on ? contactTypes.filter((x) => x === type || value.includes(x)) : value.filter((x) => x !== type));
  return (
    <fieldset
      className="types-field"
      aria-describedby={error ? `${id}-error` : undefined}
      data-invalid={error ? true : undefined}
    >
      <legend>
        {t('contacts.form.types')}{' '}
        <span className="required-mark" aria-hidden="true">
          *
        </span>
        <span className="visually-hidden"> ({t('app.required')})</span>
      </legend>
      <p className="muted">{t('contacts.form.typesLead')}</p>
      {contactTypes.map((type) => (
        <div key={type} className="type-option">
          <input
            type="checkbox"
            id={`${id}-${type}`}
            name="types"
            value={type}
            checked={value.includes(type)}
            onChange={(e) => toggle(type, e.target.checked)}
            aria-describedby={`${id}-${type}-help`}
          />
          <label htmlFor={`${id}-${type}`} className={`chip ${type}`}>
            {t(`contactTypes.${type}`)}
          </label>
          <span id={`${id}-${type}-help`} className="type-help muted">
            {t(`contactTypes.${type}Help`)}
          </span>
        </div>
      ))}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
