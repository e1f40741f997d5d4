import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { contactTypes, type ContactType } from './load';
import './contacts.css';

interface TypesFieldProps {
  value: ContactType[];
  onChange(types: ContactType[]): void;
  error?: string;
  /** Of the checked types, those it is made primary of (shown only when given). */
  primary?: ContactType[];
  onPrimaryChange?(primary: ContactType[]): void;
  /** The types it is primary of now: kept (the company needs one), moved only by making another contact primary. */
  held?: readonly ContactType[];
}

/** The contact types as checkboxes, each saying what its contact receives; at least one is needed. */
export function TypesField({ value, onChange, error, primary, onPrimaryChange, held = [] }: TypesFieldProps) {
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
          {primary && value.includes(type) && (
            <div className="primary-option">
              <input
                type="checkbox"
                id={`${id}-${type}-primary`}
                name="primary_types"
                value={type}
                checked={primary.includes(type)}
                disabled={held.includes(type)}
                onChange={(e) =>
                  onPrimaryChange?.(e.target.checked ? [...primary, type] : primary.filter((x) => x !== type))
                }
                aria-describedby={`${id}-${type}-primary-help`}
              />
              <label htmlFor={`${id}-${type}-primary`}>
                {t('contacts.form.primary', { type: t(`contactTypes.${type}`) })}
              </label>
              <span id={`${id}-${type}-primary-help`} className="type-help muted">
                {held.includes(type)
                  ? t('contacts.form.primaryHeld', { type: t(`contactTypes.${type}`) })
                  : t('contacts.form.primaryHelp')}
              </span>
            </div>
          )}
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
