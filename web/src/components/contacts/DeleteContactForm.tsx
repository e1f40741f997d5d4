import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { formErrorsOf, isGone, isVersionConflict } from './errors';
import { fullName, useLinkedUser, type Contact, type User } from './load';
import { TypeChips } from './TypeChips';

interface DeleteContactFormProps {
  contact: Contact;
  onCancel(): void;
  onDeleted(): void;
  onStale(): void;
}

/** Confirms a delete; for a contact linked to a user it says plainly that the user stays. */
export function DeleteContactForm({ contact: first, onCancel, onDeleted, onStale }: DeleteContactFormProps) {
  const { t } = useTranslation();
  const [contact, setContact] = useState(first);
  const [problem, setProblem] = useState<{ text: string; warn?: boolean }>();
  const [busy, setBusy] = useState(false);
  const name = fullName(contact) || contact.email;
  const user = useLinkedUser(contact.user_id);

  const remove = async () => {
    setBusy(true);
    try {
      await ok(
        api.DELETE('/api/2/contacts/{id}', {
          params: { path: { id: contact.id }, query: { version: contact.version } },
        }),
      );
      onDeleted();
    } catch (e) {
      if (isVersionConflict(e) || isGone(e)) onStale();
      if (isVersionConflict(e)) {
        try {
          setContact(await ok(api.GET('/api/2/contacts/{id}', { params: { path: { id: contact.id } } })));
          setProblem({ text: t('contacts.remove.changedMeanwhile'), warn: true });
        } catch (again) {
          setProblem({ text: formErrorsOf(again, t, []).form ?? '' });
        }
      } else {
        setProblem({ text: formErrorsOf(e, t, []).form ?? '' });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {problem && (
        <p role="alert" className={`note ${problem.warn ? 'warn' : 'error'}`}>
          {problem.text}
        </p>
      )}
      <p>{t('contacts.remove.question', { name, email: contact.email })}</p>
      <TypeChips types={contact.types} primary={contact.primary_types} />
      {!contact.user_id ? (
        <p>{t('contacts.remove.unlinked')}</p>
      ) : (
        user && <p className="note">{t(linkedNote(user), { name })}</p>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          {t('app.cancel')}
        </button>
        <button type="button" className="danger" onClick={() => void remove()} disabled={busy}>
          {t('contacts.remove.confirm')}
        </button>
      </div>
    </>
  );
}

/** What stays true of a linked user once its contact is gone: only an activated, enabled one can sign in. */
const linkedNote = (user: User) =>
  !user.enabled
    ? ('contacts.remove.linkedDisabled' as const)
    : user.activated
      ? ('contacts.remove.linked' as const)
      : ('contacts.remove.linkedNotActivated' as const);
