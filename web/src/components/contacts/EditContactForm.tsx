import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { formErrorsOf, isGone, isVersionConflict, type FormErrors } from './errors';
import type { Contact, ContactType } from './load';
import { PersonFields, missingPersonFields, readPerson } from './PersonFields';
import { TypesField } from './TypesField';

interface EditContactFormProps {
  contact: Contact;
  onCancel(): void;
  /** Saved: the answer, and whether the email now waits for the person's confirmation. */
  onSaved(contact: Contact, pendingConfirmation: boolean): void;
  /** The list is out of date (changed or deleted meanwhile): read it again. */
  onStale(): void;
}

type Body = { version: number; types?: ContactType[]; firstname?: string; lastname?: string; email?: string; phone?: string | null; title?: string | null };

/** Edits a contact, sending only what changed and the version it read. */
export function EditContactForm({ contact: first, onCancel, onSaved, onStale }: EditContactFormProps) {
  const { t } = useTranslation();
  const [contact, setContact] = useState(first);
  const [types, setTypes] = useState<ContactType[]>(first.types);
  const [errors, setErrors] = useState<FormErrors>({ fields: {} });
  const [warning, setWarning] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const person = readPerson(new FormData(event.currentTarget));
    const fields: Record<string, string> = {};
    for (const f of missingPersonFields(person)) fields[f] = t('contacts.errors.required');
    if (!types.length) fields.types = t('contacts.errors.types');
    setErrors({ fields });
    if (Object.keys(fields).length) return;

    const body: Body = { version: contact.version };
    if (types.join() !== contact.types.join()) body.types = types;
    for (const f of ['firstname', 'lastname', 'email'] as const) if (person[f] !== contact[f]) body[f] = person[f];
    for (const f of ['phone', 'title'] as const) if ((person[f] ?? null) !== (contact[f] ?? null)) body[f] = person[f] ?? null;
    setBusy(true);
    try {
      const saved = await ok(api.PUT('/api/2/contacts/{id}', { params: { path: { id: contact.id } }, body }));
      onSaved(saved, body.email !== undefined && saved.pending_email?.toLowerCase() === body.email.toLowerCase());
    } catch (e) {
      if (isVersionConflict(e)) {
        onStale();
        try {
          const fresh = await ok(api.GET('/api/2/contacts/{id}', { params: { path: { id: contact.id } } }));
          setContact(fresh);
          setTypes(fresh.types);
          setErrors({ fields: {} });
          setWarning(t('contacts.edit.changedMeanwhile'));
        } catch (again) {
          setErrors(formErrorsOf(again, t, []));
        }
      } else {
        if (isGone(e)) onStale();
        setErrors(formErrorsOf(e, t, ['firstname', 'lastname', 'email', 'phone', 'title', 'types']));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      {warning && <p role="alert" className="note warn">{warning}</p>}
      {errors.form && <p role="alert" className="note error">{errors.form}</p>}
      {contact.user_id && <p className="note">{t('contacts.edit.linkedLead')}</p>}
      <PersonFields
        key={contact.version} errors={errors.fields} initial={contact}
        emailHint={contact.user_id ? t('contacts.edit.emailConfirmHint') : undefined}
      />
      <TypesField value={types} onChange={(next) => { setTypes(next); if (next.length) setErrors((e) => ({ ...e, fields: { ...e.fields, types: '' } })); }} error={errors.fields.types} />
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>{t('app.cancel')}</button>
        <button type="submit" className="primary" disabled={busy}>{t('app.save')}</button>
      </div>
    </form>
  );
}
