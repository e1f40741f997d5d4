import { useId, type InputHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';

interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  name: string;
  label: string;
  error?: string;
  /** A hint under the label, read with the field. */
  hint?: string;
}

/** A labelled input with its required mark and its error right below, tied by aria-describedby. */
export function TextField({ label, error, hint, required, ...input }: TextFieldProps) {
  const { t } = useTranslation();
  const id = useId();
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {required && <> <span className="required-mark" aria-hidden="true">*</span><span className="visually-hidden"> ({t('app.required')})</span></>}
      </label>
      {hint && <span id={`${id}-hint`} className="muted">{hint}</span>}
      <input id={id} required={required} aria-required={required || undefined} aria-invalid={error ? true : undefined} aria-describedby={described} {...input} />
      {error && <p id={`${id}-error`} className="field-error">{error}</p>}
    </div>
  );
}
