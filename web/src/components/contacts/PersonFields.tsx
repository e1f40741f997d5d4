import { useTranslation } from 'react-i18next';
import { TextField } from './TextField';

export interface Person { firstname: string; lastname: string; email: string; phone?: string; title?: string }

/** The person's fields from the form; optional ones left empty are left out. */
export function readPerson(form: FormData): Person {
  const text = (name: string) => String(form.get(name) ?? '').trim();
  const person: Person = { firstname: text('firstname'), lastname: text('lastname'), email: text('email') };
  if (text('phone')) person.phone = text('phone');
  if (text('title')) person.title = text('title');
  return person;
}

export const missingPersonFields = (p: Person) => (['firstname', 'lastname', 'email'] as const).filter((f) => !p[f]);

interface PersonFieldsProps {
  errors: Record<string, string>;
  initial?: Partial<Record<keyof Person, string | null>>;
  /** Shown under the email field (e.g. that a linked user must confirm a change). */
  emailHint?: string;
}

/** First and last name, business email (required), business phone and job title (optional). */
export function PersonFields({ errors, initial = {}, emailHint }: PersonFieldsProps) {
  const { t } = useTranslation();
  return (
    <>
      <div className="two-cols">
        <TextField name="firstname" label={t('contacts.form.firstname')} required maxLength={100} autoComplete="off" defaultValue={initial.firstname ?? ''} error={errors.firstname} />
        <TextField name="lastname" label={t('contacts.form.lastname')} required maxLength={100} autoComplete="off" defaultValue={initial.lastname ?? ''} error={errors.lastname} />
      </div>
      <TextField name="email" type="email" label={t('contacts.form.email')} required maxLength={254} autoComplete="off" defaultValue={initial.email ?? ''} error={errors.email} hint={emailHint} />
      <div className="two-cols">
        <TextField name="phone" type="tel" label={t('contacts.form.phone')} maxLength={50} autoComplete="off" defaultValue={initial.phone ?? ''} error={errors.phone} />
        <TextField name="title" label={t('contacts.form.title')} maxLength={100} autoComplete="off" defaultValue={initial.title ?? ''} error={errors.title} />
      </div>
    </>
  );
}
