import { useId, useState, type InputHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { LengthHint } from '../LengthHint';

interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  name: string;
  label: string;
  error?: string;
  /** A hint under the label, read with the field. */
  hint?: string;
}

/** A labelled input with its required mark, its limit and its error right below, tied by aria-describedby. */
export function TextField({ label, error, hint, required, maxLength, ...input }: TextFieldProps) {
  const { t } = useTranslation();
  const id = useId();
  const [length, setLength] = useState(String(input.defaultValue ?? input.value ?? '').length);
  const described =
    [hint && `${id}-hint`, maxLength && `${id}-length`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {required && (
          <>
            {' '}
            <span className="required-mark" aria-hidden="true">
              *
            </span>
            <span className="visually-hidden"> ({t('app.required')})</span>
          </>
        )}
      </label>
      {hint && (
        <span id={`${id}-hint`} className="muted">
          {hint}
        </span>
      )}
      <input
        id={id}
        required={required}
        maxLength={maxLength}
        aria-required={required || undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={described}
        {...input}
        onInput={(e) => {
          setLength(e.currentTarget.value.length);
          input.onInput?.(e);
        }}
      />
      {maxLength !== undefined && <LengthHint id={`${id}-length`} length={length} max={maxLength} />}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
