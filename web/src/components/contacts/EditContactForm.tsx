import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { focusFirstInvalid, formErrorsOf, isGone, isVersionConflict, type FormErrors } from './errors';
import { contactTypes, useLinkedUser, type Contact, type ContactType } from './load';
import { LanguageField, PersonFields, personErrors, readPerson } from './PersonFields';
import { TypesField } from './TypesField';

interface EditContactFormProps {
  contact: Contact;
  onCancel(): void;
  /** Saved: the answer, and whether the email now waits for the person's confirmation. */
  onSaved(contact: Contact, pendingConfirmation: boolean): void;
  /** The list is out of date (changed or deleted meanwhile): read it again. */
  onStale(): void;
}

type Body = {
  version: number;
  types?: ContactType[];
  primary_types?: ContactType[];
  firstname?: string;
  lastname?: string;
  email?: string;
  phone?: string | null;
  title?: string | null;
  language?: string;
};
const textFields = ['firstname', 'lastname', 'email', 'phone', 'title'] as const;
type TextFieldName = (typeof textFields)[number];
/** One field someone else changed meanwhile: their value, and what the form now holds. */
interface Change {
  field: TextFieldName | 'types';
  theirs: string;
  yours: string;
}

const textOf = (c: Pick<Contact, TextFieldName>, f: TextFieldName) => c[f] ?? '';

/** Edits a contact, sending only what changed and the version it read. */
export function EditContactForm({ contact: first, onCancel, onSaved, onStale }: EditContactFormProps) {
  const { t } = useTranslation();
  const [contact, setContact] = useState(first);
  const [types, setTypes] = useState<ContactType[]>(first.types);
  const [primary, setPrimary] = useState<ContactType[]>(first.primary_types);
  const [errors, setErrors] = useState<FormErrors>({ fields: {} });
  const [changes, setChanges] = useState<Change[]>();
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const [checked, setChecked] = useState(0);
  useEffect(() => {
    if (checked) focusFirstInvalid(formRef.current);
  }, [checked]);
  const show = (found: FormErrors) => {
    setErrors(found);
    setChecked((n) => n + 1);
  };
  // An activated user's new address waits for the person's confirmation; anyone else's changes at once.
  const user = useLinkedUser(contact.user_id);
  const emailHint = !user
    ? undefined
    : user.activated
      ? t('contacts.edit.emailConfirmHint')
      : t('contacts.edit.emailNowHint');

  /**
   * After a version conflict: what the person typed stays; a field they left alone takes the
   * server's value; every field changed on the server is listed, theirs → yours.
   */
  const merge = (fresh: Contact) => {
    const form = formRef.current!;
    const found: Change[] = [];
    for (const f of textFields) {
      if (textOf(fresh, f) === textOf(contact, f)) continue;
      const input = form.elements.namedItem(f) as HTMLInputElement;
      if (input.value.trim() === textOf(contact, f)) input.value = textOf(fresh, f);
      found.push({ field: f, theirs: textOf(fresh, f), yours: input.value.trim() });
    }
    if (fresh.types.join() !== contact.types.join()) {
      const mine = types.join() === contact.types.join() ? fresh.types : types;
      setTypes(mine);
      const names = (list: readonly string[]) =>
        contactTypes
          .filter((x) => list.includes(x))
          .map((x) => t(`contactTypes.${x}`))
          .join(', ');
      found.push({ field: 'types', theirs: names(fresh.types), yours: names(mine) });
    }
    // Primaries move when others change: untouched here, the form takes the server's.
    if (primary.join() === contact.primary_types.join()) setPrimary(fresh.primary_types);
    setContact(fresh);
    setChanges(found);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const person = readPerson(new FormData(event.currentTarget));
    const fields = personErrors(person, t);
    if (!types.length) fields.types = t('contacts.errors.types');
    if (Object.keys(fields).length) return show({ fields });
    setErrors({ fields });

    const body: Body = { version: contact.version };
    if (types.join() !== contact.types.join()) body.types = types;
    const primaryTypes = contactTypes.filter((x) => primary.includes(x) && types.includes(x));
    if (primaryTypes.join() !== contact.primary_types.join()) body.primary_types = primaryTypes;
    for (const f of ['firstname', 'lastname', 'email'] as const) if (person[f] !== contact[f]) body[f] = person[f];
    for (const f of ['phone', 'title'] as const)
      if ((person[f] ?? null) !== (contact[f] ?? null)) body[f] = person[f] ?? null;
    if (person.language && person.language !== contact.language) body.language = person.language;
    setBusy(true);
    try {
      const saved = await ok(api.PUT('/api/2/contacts/{id}', { params: { path: { id: contact.id } }, body }));
      onSaved(saved, body.email !== undefined && saved.pending_email?.toLowerCase() === body.email.toLowerCase());
    } catch (e) {
      if (isVersionConflict(e)) {
        onStale();
        try {
          merge(await ok(api.GET('/api/2/contacts/{id}', { params: { path: { id: contact.id } } })));
        } catch (again) {
          setErrors(formErrorsOf(again, t, []));
        }
      } else {
        if (isGone(e)) onStale();
        show(formErrorsOf(e, t, ['firstname', 'lastname', 'email', 'phone', 'title', 'language', 'types']));
      }
    } finally {
      setBusy(false);
    }
  };

  const label = (field: Change['field']) =>
    field === 'types' ? t('contacts.form.types') : t(`contacts.form.${field}`);
  const shown = (value: string) => value || t('contacts.edit.empty');
  return (
    <form ref={formRef} onSubmit={submit} noValidate>
      {changes && (
        <div role="alert" className="note warn">
          <p>{t('contacts.edit.changedMeanwhile')}</p>
          <ul className="changes">
            {changes.map((c) => (
              <li key={c.field}>
                {t('contacts.edit.changedField', {
                  field: label(c.field),
                  theirs: shown(c.theirs),
                  yours: shown(c.yours),
                })}
              </li>
            ))}
          </ul>
        </div>
      )}
      {errors.form && (
        <p role="alert" className="note error">
          {errors.form}
        </p>
      )}
      {contact.user_id && <p className="note">{t('contacts.edit.linkedLead')}</p>}
      <PersonFields errors={errors.fields} initial={first} emailHint={emailHint} />
      {!contact.user_id && (
        <LanguageField initial={first.language} allowDefault={!first.language} error={errors.fields.language} />
      )}
      <TypesField
        value={types}
        onChange={(next) => {
          setTypes(next);
          if (next.length) setErrors((e) => ({ ...e, fields: { ...e.fields, types: '' } }));
        }}
        error={errors.fields.types}
        primary={primary}
        onPrimaryChange={setPrimary}
        held={contact.primary_types}
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
