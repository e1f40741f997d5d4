import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { languages } from '../../i18n';
import { TextField } from '../contacts/TextField';
import { focusFirstInvalid } from '../contacts/errors';
import { clientErrorsOf, type ChildKind, type ClientErrors } from './kinds';

interface ClientInput {
  name: string;
  kind: ChildKind;
  language: string;
}

interface ClientFormProps {
  /** The kinds offered (creating); none: the kind is not asked (editing). */
  kinds?: ChildKind[];
  initial: { name: string; kind?: string; language: string };
  notice?: string;
  submitLabel: string;
  onSubmit(input: ClientInput): Promise<void>;
  onCancel(): void;
}

/** Name, kind (when creating) and language of a client, the API's refusals beside the field. */
export function ClientForm({ kinds, initial, notice, submitLabel, onSubmit, onCancel }: ClientFormProps) {
  const { t } = useTranslation();
  const formRef = useRef<HTMLFormElement>(null);
  const kindId = useId();
  const languageId = useId();
  const [errors, setErrors] = useState<ClientErrors>({ fields: {} });
  const [busy, setBusy] = useState(false);
  useEffect(() => focusFirstInvalid(formRef.current), [errors]);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const input = {
      name: String(data.get('name') ?? ''),
      kind: String(data.get('kind') ?? initial.kind ?? '') as ChildKind,
      language: String(data.get('language') ?? initial.language),
    };
    setBusy(true);
    try {
      await onSubmit(input);
    } catch (error) {
      setErrors(clientErrorsOf(error, t));
      setBusy(false);
    }
  };
  const fieldError = (name: string) =>
    errors.fields[name] && (
      <p id={`${name}-${kindId}-error`} className="field-error">
        {errors.fields[name]}
      </p>
    );
  const describedBy = (name: string) => (errors.fields[name] ? `${name}-${kindId}-error` : undefined);

  return (
    <form ref={formRef} className="client-form" noValidate onSubmit={(e) => void submit(e)}>
      {notice && (
        <p role="status" className="note warn">
          {notice}
        </p>
      )}
      {errors.form && (
        <p role="alert" className="note error">
          {errors.form}
        </p>
      )}
      <TextField
        name="name"
        label={t('clients.form.name')}
        defaultValue={initial.name}
        maxLength={255}
        required
        error={errors.fields.name}
      />
      {kinds && (
        <div className="field">
          <label htmlFor={kindId}>{t('clients.form.kind')}</label>
          <select
            id={kindId}
            name="kind"
            defaultValue={initial.kind ?? kinds[0]}
            aria-invalid={errors.fields.kind ? true : undefined}
            aria-describedby={describedBy('kind')}
          >
            {kinds.map((kind) => (
              <option key={kind} value={kind}>
                {t(`clients.kinds.${kind}`)}
              </option>
            ))}
          </select>
          {fieldError('kind')}
        </div>
      )}
      <div className="field">
        <label htmlFor={languageId}>{t('clients.form.language')}</label>
        <select
          id={languageId}
          name="language"
          defaultValue={initial.language}
          aria-invalid={errors.fields.language ? true : undefined}
          aria-describedby={describedBy('language')}
        >
          {languages.map((l) => (
            <option key={l.code} value={l.code} lang={l.code}>
              {l.label}
            </option>
          ))}
        </select>
        {fieldError('language')}
      </div>
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          {t('app.cancel')}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
