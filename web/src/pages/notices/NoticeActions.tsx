import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, ApiFailure, ok } from '../../api/client';
import { useMayWrite } from '../../api/roles';
import { Dialog } from '../../components/Dialog';
import { useSession } from '../../session';
import { DraftActions } from './DraftActions';
import { type Announcement } from './shared';

const cancellable: Announcement['status'][] = ['scheduled', 'enqueuing', 'queued', 'sending'];

/**
 * Edit (while scheduled) and Cancel (until it is done), for those whose role writes: cancelling
 * asks first, then hands the cancelled notice to `onChanged`. A draft has Edit and Delete instead.
 */
export function NoticeActions({
  announcement: a,
  onChanged,
  onDeleted,
}: {
  announcement: Announcement;
  onChanged(a: Announcement): void;
  /** A draft was deleted. */
  onDeleted(): void;
}) {
  const { t } = useTranslation();
  const { user } = useSession();
  const mayWrite = useMayWrite(user?.id);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  if (mayWrite && a.status === 'draft')
    return <DraftActions announcement={a} onChanged={onChanged} onDeleted={onDeleted} />;
  if (!mayWrite || !cancellable.includes(a.status)) return null;

  const cancel = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      onChanged(await ok(api.POST('/api/2/announcements/{id}/cancel', { params: { path: { id: a.id } }, body: {} })));
    } catch (e) {
      if (e instanceof ApiFailure && e.status === 409) {
        setProblem(t('notices.detail.finished'));
        void ok(api.GET('/api/2/announcements/{id}', { params: { path: { id: a.id } } })).then(onChanged, () => {});
      } else if (e instanceof ApiFailure && e.status === 403) setProblem(t('notices.detail.forbidden'));
      else setProblem(t('app.error', { message: e instanceof Error ? e.message : String(e) }));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <>
      <div className="button-row" role="group" aria-label={t('notices.detail.actions')}>
        {a.status === 'scheduled' && <Link to={`/notices/${a.id}/edit`}>{t('notices.detail.edit')}</Link>}
        <button type="button" onClick={() => setConfirming(true)} disabled={busy}>
          {t('notices.detail.cancel')}
        </button>
      </div>
      {problem && (
        <p role="alert" className="note error">
          {problem}
        </p>
      )}
      <Dialog open={confirming} title={t('notices.detail.cancelTitle')} onClose={() => setConfirming(false)}>
        <p>{t(a.status === 'scheduled' ? 'notices.detail.cancelScheduled' : 'notices.detail.cancelText')}</p>
        <div className="dialog-actions">
          <button type="button" onClick={() => setConfirming(false)}>
            {t('notices.detail.keep')}
          </button>
          <button type="button" className="danger" disabled={busy} onClick={() => void cancel()}>
            {t('notices.detail.cancel')}
          </button>
        </div>
      </Dialog>
    </>
  );
}
