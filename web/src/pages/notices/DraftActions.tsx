import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, ApiFailure, ok } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { type Announcement } from './shared';

/**
 * A draft's Edit and Delete (asked first). A draft sent meanwhile is no longer deleted (409):
 * that is said, and the notice read again for `onChanged`.
 */
export function DraftActions({
  announcement: a,
  onChanged,
  onDeleted,
}: {
  announcement: Announcement;
  onChanged(a: Announcement): void;
  onDeleted(): void;
}) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const path = { params: { path: { id: a.id } } };

  const remove = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      await ok(api.DELETE('/api/2/announcements/{id}', path));
      setConfirming(false);
      onDeleted();
      return;
    } catch (e) {
      if (e instanceof ApiFailure && e.status === 409) {
        setProblem(t('notices.detail.notDraft'));
        void ok(api.GET('/api/2/announcements/{id}', path)).then(onChanged, () => {});
      } else if (e instanceof ApiFailure && e.status === 403) setProblem(t('notices.detail.forbidden'));
      else setProblem(t('app.error', { message: e instanceof Error ? e.message : String(e) }));
    }
    setBusy(false);
    setConfirming(false);
  };

  return (
    <>
      <div className="button-row" role="group" aria-label={t('notices.detail.actions')}>
        <Link to={`/notices/${a.id}/edit`}>{t('notices.detail.editDraft')}</Link>
        <button type="button" onClick={() => setConfirming(true)} disabled={busy}>
          {t('notices.detail.deleteDraft')}
        </button>
      </div>
      {problem && (
        <p role="alert" className="note error">
          {problem}
        </p>
      )}
      <Dialog open={confirming} title={t('notices.detail.deleteTitle')} onClose={() => setConfirming(false)}>
        <p>{t('notices.detail.deleteText')}</p>
        <div className="dialog-actions">
          <button type="button" onClick={() => setConfirming(false)}>
            {t('notices.detail.keepDraft')}
          </button>
          <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>
            {t('notices.detail.deleteDraft')}
          </button>
        </div>
      </Dialog>
    </>
  );
}
