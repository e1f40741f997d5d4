import { useId } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
// The API's own rule, shared as plain values: the console refuses exactly what the API would.
import { phoneMaxLength, phonePattern } from '../../../../src/platform/http/phone';
import { TextField } from './TextField';
import { languages } from '../../i18n';

export interface Person {
  firstname: string;
  lastname: string;
  email: string;
  phone?: string;
  title?: string;
  /** Only when the form has a language field and a language is chosen. */
  language?: string;
}

/** The limits the API sets on the person's fields. */
export const personLimits = { firstname: 100, lastname: 100, email: 254, phone: phoneMaxLength, title: 100 } as const;
const phoneRule = new RegExp(phonePattern, 'u');
// The API decides what an address is; this only catches what plainly is not one, before a round trip.
const emailLike = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The person's fields from the form; optional ones left empty are left out. */
export function readPerson(form: FormData): Person {
  const text = (name: string) => String(form.get(name) ?? '').trim();
  const person: Person = { firstname: text('firstname'), lastname: text('lastname'), email: text('email') };
  if (text('phone')) person.phone = text('phone');
  if (text('title')) person.title = text('title');
  if (text('language')) person.language = text('language');
  return person;
}

/** Every field's problem at once: missing names and a bad email are said together. */
export function personErrors(p: Person, t: TFunction): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const f of ['firstname', 'lastname', 'email'] as const) if (!p[f]) fields[f] = t('contacts.errors.required');
  if (p.email && !emailLike.test(p.email)) fields.email = t('contacts.errors.email');
  if (p.phone && !phoneRule.test(p.phone)) fields.phone = t('contacts.errors.phone');
  return fields;
}

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
        <TextField
          name="firstname"
          label={t('contacts.form.firstname')}
          required
          maxLength={personLimits.firstname}
          autoComplete="off"
          defaultValue={initial.firstname ?? ''}
          error={errors.firstname}
        />
        <TextField
          name="lastname"
          label={t('contacts.form.lastname')}
          required
          maxLength={personLimits.lastname}
          autoComplete="off"
          defaultValue={initial.lastname ?? ''}
          error={errors.lastname}
        />
      </div>
      <TextField
        name="email"
        type="email"
        label={t('contacts.form.email')}
        required
        maxLength={personLimits.email}
        autoComplete="off"
        defaultValue={initial.email ?? ''}
        error={errors.email}
        hint={emailHint}
      />
      <div className="two-cols">
        <TextField
          name="phone"
          type="tel"
          label={t('contacts.form.phone')}
          maxLength={personLimits.phone}
          autoComplete="off"
          defaultValue={initial.phone ?? ''}
          error={errors.phone}
        />
        <TextField
          name="title"
          label={t('contacts.form.title')}
          maxLength={personLimits.title}
          autoComplete="off"
          defaultValue={initial.title ?? ''}
          error={errors.title}
        />
      </div>
    </>
  );
}

interface LanguageFieldProps {
  initial?: string | null;
  /** Offer "the company's language" (no language of its own): only while none is set, as the API cannot unset one. */
  allowDefault: boolean;
  label?: string;
  error?: string;
}

/** The language the person's messages are written in; a language the console does not speak stays as it is. */
export function LanguageField({ initial, allowDefault, label, error }: LanguageFieldProps) {
  const { t } = useTranslation();
  const id = useId();
  const value = initial ?? '';
  return (
    <div className="field">
      <label htmlFor={id}>{label ?? t('contacts.form.language')}</label>
      <select id={id} name="language" defaultValue={value}>
        {allowDefault && <option value="">{t('contacts.form.languageDefault')}</option>}
        {value && !languages.some((l) => l.code === value) && <option value={value}>{value}</option>}
        {languages.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.label}
          </option>
        ))}
      </select>
      {error && <p className="field-error">{error}</p>}
    </div>
  );
}
