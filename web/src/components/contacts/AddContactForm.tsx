import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { Loading, ErrorNote } from '../Status';
import { focusFirstInvalid, formErrorsOf, type FormErrors } from './errors';
import { loadUsers, type Contact, type ContactType, type User } from './load';
import { LanguageField, PersonFields, personErrors, readPerson } from './PersonFields';
import { TypesField } from './TypesField';
import { UserPicker } from './UserPicker';

interface AddContactFormProps {
  tenantId: string;
  /** Users already contacts of the tenant: not offered. */
  takenUserIds: Set<string>;
  onCancel(): void;
  onAdded(contact: Contact): void;
}

type Mode = 'user' | 'new';

/** The two ways to add a contact: from a user of the tenant, or a new person; then the types. */
export function AddContactForm({ tenantId, takenUserIds, onCancel, onAdded }: AddContactFormProps) {
  const { t } = useTranslation();
  const [users, setUsers] = useState<User[]>();
  const [loadError, setLoadError] = useState<unknown>();
  const [mode, setMode] = useState<Mode>('user');
  const [userId, setUserId] = useState<string>();
  const [types, setTypes] = useState<ContactType[]>([]);
  const [errors, setErrors] = useState<FormErrors>({ fields: {} });
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  // Bumped to move focus to the first invalid field once the errors are on screen.
  const [checked, setChecked] = useState(0);
  useEffect(() => {
    if (checked) focusFirstInvalid(formRef.current);
  }, [checked]);
  const show = (found: FormErrors) => {
    setErrors(found);
    setChecked((n) => n + 1);
  };

  useEffect(() => {
    let live = true;
    loadUsers(tenantId, 'name').then(
      (all) => {
        if (!live) return;
        const free = all.filter((u) => !takenUserIds.has(u.id));
        setUsers(free);
        if (!free.length) setMode('new');
      },
      (e) => live && setLoadError(e),
    );
    return () => {
      live = false;
    };
  }, [tenantId, takenUserIds]);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const person = readPerson(new FormData(event.currentTarget));
    const fields: Record<string, string> = mode === 'new' ? personErrors(person, t) : {};
    if (mode === 'user' && !userId) fields.user_id = t('contacts.errors.chooseUser');
    if (!types.length) fields.types = t('contacts.errors.types');
    if (Object.keys(fields).length) return show({ fields });
    setErrors({ fields });
    setBusy(true);
    try {
      const body =
        mode === 'user' ? { tenant_id: tenantId, user_id: userId!, types } : { tenant_id: tenantId, types, ...person };
      onAdded(await ok(api.POST('/api/2/contacts', { body })));
    } catch (e) {
      show(
        formErrorsOf(
          e,
          t,
          mode === 'user'
            ? ['user_id', 'types']
            : ['firstname', 'lastname', 'email', 'phone', 'title', 'language', 'types'],
        ),
      );
    } finally {
      setBusy(false);
    }
  };

  const pickMode = (next: Mode) => {
    setMode(next);
    setErrors({ fields: {} });
  };
  /** A field put right drops its message. */
  const fixed = (field: string) =>
    setErrors((e) => (e.fields[field] ? { ...e, fields: { ...e.fields, [field]: '' } } : e));
  if (loadError) return <ErrorNote error={loadError} />;
  if (!users) return <Loading />;
  const noFreeUser = users.length === 0;
  return (
    <form ref={formRef} onSubmit={submit} noValidate>
      {errors.form && (
        <p role="alert" className="note error">
          {errors.form}
        </p>
      )}
      <fieldset>
        <legend>{t('contacts.add.how')}</legend>
        <div className="choice-list">
          <Choice
            value="user"
            checked={mode === 'user'}
            disabled={noFreeUser}
            onPick={pickMode}
            label={t('contacts.add.fromUser')}
            hint={noFreeUser ? t('contacts.add.noFreeUser') : t('contacts.add.fromUserHint')}
          />
          <Choice
            value="new"
            checked={mode === 'new'}
            onPick={pickMode}
            label={t('contacts.add.newContact')}
            hint={t('contacts.add.newContactHint')}
          />
        </div>
      </fieldset>
      {mode === 'user' ? (
        <UserPicker
          users={users}
          value={userId}
          onChange={(id) => {
            setUserId(id);
            if (id) fixed('user_id');
          }}
          error={errors.fields.user_id}
        />
      ) : (
        <>
          <PersonFields errors={errors.fields} />
          <LanguageField allowDefault error={errors.fields.language} />
        </>
      )}
      <TypesField
        value={types}
        onChange={(next) => {
          setTypes(next);
          if (next.length) fixed('types');
        }}
        error={errors.fields.types}
      />
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          {t('app.cancel')}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {t('app.add')}
        </button>
      </div>
    </form>
  );
}

interface ChoiceProps {
  value: Mode;
  checked: boolean;
  disabled?: boolean;
  label: string;
  hint: string;
  onPick(mode: Mode): void;
}

/** One way to add a contact: a radio named by its title, described by its hint; the checked one takes focus. */
function Choice({ value, checked, disabled, label, hint, onPick }: ChoiceProps) {
  const id = useId();
  return (
    <div className={`choice${checked ? ' checked' : ''}`}>
      <input
        type="radio"
        id={id}
        name="mode"
        value={value}
        checked={checked}
        disabled={disabled}
        autoFocus={checked}
        aria-describedby={`${id}-hint`}
        onChange={() => onPick(value)}
      />
      <span className="choice-text">
        <label htmlFor={id}>
          <strong>{label}</strong>
        </label>
        <span id={`${id}-hint`} className="muted">
          {hint}
        </span>
      </span>
    </div>
  );
}
