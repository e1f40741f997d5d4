import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { focusFirstInvalid, formErrorsOf, isVersionConflict, type FormErrors } from '../contacts/errors';
import type { User } from '../contacts/load';
import { LanguageField, PersonFields, personErrors, readPerson } from '../contacts/PersonFields';

interface EditUserFormProps {
  user: User;
  onCancel(): void;
  /** Saved; the note says whether an email change waits for the person's confirmation. */
  onSaved(text: string): void;
  /** Someone else changed the user meanwhile: the list should read it again. */
  onStale(): void;
}

const shown = ['firstname', 'lastname', 'email', 'phone', 'title', 'language'];

/** The user's person (names, email, phone, job title) and language, saved with the version read. */
export function EditUserForm({ user, onCancel, onSaved, onStale }: EditUserFormProps) {
  const { t } = useTranslation();
  const formRef = useRef<HTMLFormElement>(null);
  const [errors, setErrors] = useState<FormErrors>({ fields: {} });
  const [busy, setBusy] = useState(false);
  const c = user.contact;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const person = readPerson(form);
    const local = personErrors(person, t);
    if (Object.keys(local).length) {
      setErrors({ fields: local });
      return requestAnimationFrame(() => focusFirstInvalid(formRef.current));
    }
    setErrors({ fields: {} });
    setBusy(true);
    try {
      const language = String(form.get('language') ?? user.language);
      const emailChanged = person.email.toLowerCase() !== c.email.toLowerCase();
      const saved = await ok(
        api.PUT('/api/2/users/{id}', {
          params: { path: { id: user.id } },
          body: {
            version: user.version,
            language,
            contact: {
              firstname: person.firstname,
              lastname: person.lastname,
              phone: person.phone ?? null,
              title: person.title ?? null,
              ...(emailChanged ? { email: person.email } : {}),
            },
          },
        }),
      );
      const pending = emailChanged && saved.contact.email.toLowerCase() !== person.email.toLowerCase();
      onSaved(
        pending
          ? t('users.edit.savedPending', { login: user.login, email: person.email })
          : t('users.edit.saved', { login: user.login }),
      );
    } catch (e) {
      if (isVersionConflict(e)) onStale();
      setErrors(
        isVersionConflict(e)
          ? { fields: {}, form: t('users.edit.changedMeanwhile', { login: user.login }) }
          : formErrorsOf(e, t, shown),
      );
      requestAnimationFrame(() => focusFirstInvalid(formRef.current));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate>
      {errors.form && (
        <p role="alert" className="note error">
          {errors.form}
        </p>
      )}
      <PersonFields
        errors={errors.fields}
        initial={c}
        emailHint={user.activated ? t('users.edit.emailHint') : t('users.edit.emailHintNotActivated')}
      />
      <LanguageField
        initial={user.language}
        allowDefault={false}
        label={t('users.create.language')}
        error={errors.fields.language}
      />
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          {t('app.cancel')}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {t('app.save')}
        </button>
      </div>
    </form>
  );
}
