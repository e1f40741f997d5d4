import type { TFunction } from 'i18next';
import { api, ok } from '../../api/client';
import { formErrorsOf } from './errors';
import { fullName, type Contact } from './load';

/** A contact's email change waiting for confirmation: send the link again, or cancel it; what to tell the admin. */
export async function pendingEmailAction(c: Contact, action: 'resend' | 'cancel', t: TFunction) {
  try {
    if (action === 'resend')
      await ok(api.POST('/api/2/contacts/{id}/pending-email/resend', { params: { path: { id: c.id } } }));
    else await ok(api.DELETE('/api/2/contacts/{id}/pending-email', { params: { path: { id: c.id } } }));
    const text = t(action === 'resend' ? 'contacts.notes.resent' : 'contacts.notes.cancelled', {
      email: c.pending_email,
      name: fullName(c) || c.email,
    });
    return { kind: 'success' as const, text };
  } catch (e) {
    return { kind: 'error' as const, text: formErrorsOf(e, t, []).form ?? '' };
  }
}
