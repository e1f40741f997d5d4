import type { TFunction } from 'i18next';
import { ApiFailure } from '../../api/client';
import { personLimits } from './PersonFields';
import { contactTypes, type ContactType } from './load';

/** Messages shown next to the named fields, and one for the whole form. */
export interface FormErrors {
  fields: Record<string, string>;
  form?: string;
}

const conflictField: Record<string, string> = {
  contact_email_taken: 'email',
  contact_user_taken: 'user_id',
  login_taken: 'login',
};

/**
 * Turns a failed save into messages by field: a 400 names its fields, a 409 about a taken
 * email, user or login belongs to that field; anything else is said above the form.
 * `contact.email` (users) is shown on `email`; a field the form does not show is said above it.
 */
export function formErrorsOf(e: unknown, t: TFunction, shown: string[]): FormErrors {
  if (!(e instanceof ApiFailure))
    return { fields: {}, form: t('app.error', { message: e instanceof Error ? e.message : String(e) }) };
  const code = String(e.code);
  if (e.status === 409 && conflictField[code]) {
    const key =
      code === 'contact_email_taken' ? 'emailTaken' : code === 'contact_user_taken' ? 'userTaken' : 'loginTaken';
    return { fields: { [conflictField[code]]: t(`contacts.errors.${key}`) } };
  }
  if (e.status === 409 && code === 'primary_contact_required') {
    const named = e.body?.error?.context?.type;
    const type = contactTypes.includes(named as ContactType) ? t(`contactTypes.${named as ContactType}`) : named;
    const message = t('contacts.errors.primaryRequired', { type });
    return shown.includes('types') ? { fields: { types: message } } : { fields: {}, form: message };
  }
  if (e.status === 400 && e.fields.length) {
    const fields: Record<string, string> = {};
    let unplaced = false;
    for (const raw of e.fields) {
      const field = raw.replace(/^contact\./, '').replace(/\.\d+$/, '');
      if (shown.includes(field)) fields[field] = messageFor(field, t);
      else unplaced = true;
    }
    return { fields, form: unplaced ? t('app.error', { message: e.message }) : undefined };
  }
  if (e.status === 409 && code === '1001') return { fields: {}, form: t('contacts.errors.changedMeanwhile') };
  if (e.status === 429) return { fields: {}, form: t('contacts.errors.tooMany') };
  if (e.status === 403) return { fields: {}, form: t('contacts.errors.forbidden') };
  if (e.status === 404) return { fields: {}, form: t('contacts.errors.gone') };
  return { fields: {}, form: t('app.error', { message: e.message }) };
}

function messageFor(field: string, t: TFunction) {
  switch (field) {
    case 'email':
      return t('contacts.errors.email');
    case 'firstname':
    case 'lastname':
      return t('contacts.errors.name');
    case 'types':
      return t('contacts.errors.types');
    case 'user_id':
      return t('contacts.errors.user');
    case 'login':
      return t('contacts.errors.login');
    case 'phone':
      return t('contacts.errors.phone');
    case 'title':
      return t('contacts.errors.tooLong', { max: personLimits.title });
    default:
      return t('contacts.errors.invalid');
  }
}

export const isVersionConflict = (e: unknown) =>
  e instanceof ApiFailure && e.status === 409 && String(e.code) === '1001';
export const isGone = (e: unknown) => e instanceof ApiFailure && e.status === 404;

/**
 * Moves focus to the first field marked invalid, in the order the form shows them (a group of
 * checkboxes marks itself with data-invalid): call after the errors are rendered.
 */
export function focusFirstInvalid(form: HTMLFormElement | null) {
  form?.querySelector<HTMLElement>('[aria-invalid="true"], [data-invalid] input')?.focus();
}
