import type { TFunction } from 'i18next';
import { ApiFailure } from '../../api/client';

/** What a failed action says above the page or in its dialog. */
export const problemOf = (e: unknown, t: TFunction) =>
  e instanceof ApiFailure && e.status === 409
    ? t('webhooks.errors.changedReload')
    : e instanceof ApiFailure && e.status === 403
      ? t('webhooks.errors.forbidden')
      : e instanceof ApiFailure && e.status === 404
        ? t('webhooks.errors.gone')
        : t('app.error', { message: e instanceof Error ? e.message : String(e) });
