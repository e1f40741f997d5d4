import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formErrorsOf, isVersionConflict } from '../contacts/errors';
import { fullName, type User } from '../contacts/load';
import { deleteUser } from './userActions';

interface DeleteUserFormProps {
  user: User;
  onCancel(): void;
  onDeleted(text: string): void;
  onStale(): void;
}

/** Asks before deleting a user; a refusal of the API is said in the dialog. */
export function DeleteUserForm({ user, onCancel, onDeleted, onStale }: DeleteUserFormProps) {
  const { t } = useTranslation();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await deleteUser(user);
      onDeleted(t('users.delete.done', { login: user.login }));
    } catch (e) {
      if (isVersionConflict(e)) onStale();
      setError(
        isVersionConflict(e) ? t('users.edit.changedMeanwhile', { login: user.login }) : formErrorsOf(e, t, []).form,
      );
    } finally {
      setBusy(false);
    }
  };
  const name = fullName(user.contact);
  return (
    <form onSubmit={(e) => void submit(e)}>
      {error && (
        <p role="alert" className="note error">
          {error}
        </p>
      )}
      <p>{t('users.delete.question', { login: user.login, name: name || user.contact.email })}</p>
      <p className="muted">{t('users.delete.effect')}</p>
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          {t('app.cancel')}
        </button>
        <button type="submit" className="danger" disabled={busy}>
          {t('users.delete.submit')}
        </button>
      </div>
    </form>
  );
}
