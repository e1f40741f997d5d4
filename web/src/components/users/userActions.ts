import type { TFunction } from 'i18next';
import { api, ok } from '../../api/client';
import { formErrorsOf } from '../contacts/errors';
import type { User } from '../contacts/load';

/** Disables an enabled user, enables a disabled one, with the version read; the note says what happened. */
export async function toggleEnabled(user: User, t: TFunction): Promise<{ ok: boolean; text: string }> {
  try {
    await ok(
      api.PUT('/api/2/users/{id}', {
        params: { path: { id: user.id } },
        body: { version: user.version, enabled: !user.enabled },
      }),
    );
    return { ok: true, text: t(user.enabled ? 'users.edit.disabled' : 'users.edit.enabled', { login: user.login }) };
  } catch (e) {
    return { ok: false, text: formErrorsOf(e, t, []).form ?? t('users.edit.failed') };
  }
}

/** Deletes the user with the version read. */
export const deleteUser = (user: User) =>
  ok(
    api.DELETE('/api/2/users/{id}', {
      params: { path: { id: user.id }, query: { version: user.version } },
    }),
  );
