import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, ApiFailure, ok } from '../../api/client';
import { useMayWrite } from '../../api/roles';
import { Dialog } from '../../components/Dialog';
import { useSession } from '../../session';
import { type Announcement } from './shared';

const cancellable: Announcement['status'][] = ['scheduled', 'enqueuing', 'queued', 'sending'];

/** What the one button does, as the dialog asks it and the server is told. */
interface Action {
  label: string;
  title: string;
  text: string;
  keep: string;
  /** Said when the server answers 409: the notice moved on meanwhile (it is then read again). */
  tooLate: string;
  run(): Promise<void>;
}

/**
 * For those whose role writes: a draft's Edit and Delete; a notice's Edit (while scheduled) and
 * Cancel (until it is done). The button asks first; a notice that moved on meanwhile is said so
 * and read again for `onChanged`.
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
  const draft = a.status === 'draft';
  if (!mayWrite || !(draft || cancellable.includes(a.status))) return null;
  const path = { params: { path: { id: a.id } } };
  const action: Action = draft
    ? {
        label: t('notices.detail.deleteDraft'),
        title: t('notices.detail.deleteTitle'),
        text: t('notices.detail.deleteText'),
        keep: t('notices.detail.keepDraft'),
        tooLate: t('notices.detail.notDraft'),
        run: async () => {
          await ok(api.DELETE('/api/2/announcements/{id}', path));
          onDeleted();
        },
      }
    : {
        label: t('notices.detail.cancel'),
        title: t('notices.detail.cancelTitle'),
        text: t(a.status === 'scheduled' ? 'notices.detail.cancelScheduled' : 'notices.detail.cancelText'),
        keep: t('notices.detail.keep'),
        tooLate: t('notices.detail.finished'),
        run: async () => onChanged(await ok(api.POST('/api/2/announcements/{id}/cancel', { ...path, body: {} }))),
      };

  const confirm = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      await action.run();
    } catch (e) {
      if (e instanceof ApiFailure && e.status === 409) {
        setProblem(action.tooLate);
        void ok(api.GET('/api/2/announcements/{id}', path)).then(onChanged, () => {});
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
        {(draft || a.status === 'scheduled') && (
          <Link to={`/notices/${a.id}/edit`}>{t(draft ? 'notices.detail.editDraft' : 'notices.detail.edit')}</Link>
        )}
        <button type="button" onClick={() => setConfirming(true)} disabled={busy}>
          {action.label}
        </button>
      </div>
      {problem && (
        <p role="alert" className="note error">
          {problem}
        </p>
      )}
      <Dialog open={confirming} title={action.title} onClose={() => setConfirming(false)}>
        <p>{action.text}</p>
        <div className="dialog-actions">
          <button type="button" onClick={() => setConfirming(false)}>
            {action.keep}
          </button>
          <button type="button" className="danger" disabled={busy} onClick={() => void confirm()}>
            {action.label}
          </button>
        </div>
      </Dialog>
    </>
  );
}
