import type { TFunction } from 'i18next';
import { api, ApiFailure, ok } from '../../api/client';
import { formErrorsOf } from './errors';
import type { User } from './load';

/** Sends a user its activation email; the outcome as a note (sent, already activated, try later). */
export async function sendActivation(user: User, t: TFunction): Promise<{ ok: boolean; text: string }> {
  try {
    await ok(api.POST('/api/2/users/{id}/send-activation-email', { params: { path: { id: user.id } } }));
    return { ok: true, text: t('users.activation.sent', { email: user.contact.email }) };
  } catch (e) {
    if (e instanceof ApiFailure && String(e.code) === 'already_activated')
      return { ok: false, text: t('users.activation.already', { login: user.login }) };
    if (e instanceof ApiFailure && e.status === 429)
      return { ok: false, text: t('users.activation.tooMany', { login: user.login }) };
    return { ok: false, text: formErrorsOf(e, t, []).form ?? '' };
  }
}
