import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { languages } from '../../i18n';
import { sendActivation } from './activation';
import { formErrorsOf, type FormErrors } from './errors';
import type { User } from './load';
import { TextField } from './TextField';

interface CreateUserFormProps {
  tenantId: string;
  onCancel(): void;
  /** Created; the note says whether the activation email went out. */
  onCreated(user: User, note: { ok: boolean; text: string }): void;
}

/** A new user of the tenant (not activated yet), and optionally its activation email at once. */
export function CreateUserForm({ tenantId, onCancel, onCreated }: CreateUserFormProps) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [errors, setErrors] = useState<FormErrors>({ fields: {} });
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    if (!text('email')) return setErrors({ fields: { email: t('contacts.errors.required') } });
    setErrors({ fields: {} });
    setBusy(true);
    try {
      const language = text('language');
      const user = await ok(
        api.POST('/api/2/users', {
          body: {
            tenant_id: tenantId,
            language,
            ...(text('login') ? { login: text('login') } : {}),
            contact: {
              email: text('email'),
              language,
              ...(text('firstname') ? { firstname: text('firstname') } : {}),
              ...(text('lastname') ? { lastname: text('lastname') } : {}),
            },
          },
        }),
      );
      if (form.get('sendNow')) {
        const sent = await sendActivation(user, t);
        onCreated(
          user,
          sent.ok
            ? { ok: true, text: t('users.create.createdAndSent', { login: user.login, email: user.contact.email }) }
            : { ok: false, text: t('users.create.createdNotSent', { login: user.login, reason: sent.text }) },
        );
      } else {
        onCreated(user, { ok: true, text: t('users.create.created', { login: user.login }) });
      }
    } catch (e) {
      setErrors(formErrorsOf(e, t, ['login', 'email', 'firstname', 'lastname']));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      {errors.form && (
        <p role="alert" className="note error">
          {errors.form}
        </p>
      )}
      <TextField
        name="login"
        label={t('users.create.login')}
        hint={t('users.create.loginHint')}
        maxLength={255}
        autoComplete="off"
        error={errors.fields.login}
      />
      <TextField
        name="email"
        type="email"
        label={t('users.create.email')}
        required
        maxLength={254}
        autoComplete="off"
        error={errors.fields.email}
      />
      <div className="two-cols">
        <TextField
          name="firstname"
          label={t('users.create.firstname')}
          maxLength={100}
          autoComplete="off"
          error={errors.fields.firstname}
        />
        <TextField
          name="lastname"
          label={t('users.create.lastname')}
          maxLength={100}
          autoComplete="off"
          error={errors.fields.lastname}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-language`}>{t('users.create.language')}</label>
        <select id={`${id}-language`} name="language" defaultValue={i18n.language === 'it' ? 'it' : 'en'}>
          {languages.map((l) => (
            <option key={l.code} value={l.code} lang={l.code}>
              {l.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label>
          <input type="checkbox" name="sendNow" defaultChecked /> {t('users.create.sendNow')}
        </label>
      </div>
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          {t('app.cancel')}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {t('users.create.submit')}
        </button>
      </div>
    </form>
  );
}
