import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { ProgressBar } from '../../components/ProgressBar';
import { formatNumber } from '../../i18n';
import { usePolling } from '../../api/loading';
import { type Announcement } from './shared';

/** An announcement that refreshes itself every 1.5 s until it is done. */
export function useLiveAnnouncement(initial: Announcement): Announcement {
  const [announcement, setAnnouncement] = useState(initial);
  const inFlight = useRef(false);
  usePolling(
    () => {
      if (inFlight.current) return;
      inFlight.current = true;
      ok(api.GET('/api/2/announcements/{id}', { params: { path: { id: initial.id } } }))
        .then(setAnnouncement, () => undefined)
        .finally(() => {
          inFlight.current = false;
        });
    },
    announcement.status !== 'done',
    1500,
  );
  return announcement;
}

/** The subject in the console's language, else English. */
export function useSubject() {
  const { i18n } = useTranslation();
  return (a: Pick<Announcement, 'subject'>) => (i18n.language === 'it' && a.subject.it) || a.subject.en;
}

export function StatusLabel({ status }: { status: Announcement['status'] }) {
  const { t } = useTranslation();
  return <span className={`tag ${status}`}>{t(`notices.status.${status}`)}</span>;
}

/** Sent / failed / pending as a bar and as text counts. */
export function DeliveryProgress({ announcement }: { announcement: Announcement }) {
  const { t } = useTranslation();
  const subjectOf = useSubject();
  const { sent, failed, pending, skipped } = announcement.counts;
  const total = Math.max(sent + failed + pending, announcement.recipients);
  const preparing = announcement.status === 'enqueuing' || (announcement.status === 'queued' && total === 0);
  if (announcement.status === 'done' && total === 0)
    return <p className="muted">{t('notices.progress.noRecipients')}</p>;
  return (
    <ProgressBar
      label={t('notices.progress.label', { subject: subjectOf(announcement) })}
      value={preparing ? undefined : sent + failed}
      max={total}
    >
      <p className="counts">
        {preparing && <span>{t('notices.progress.preparing')}</span>}
        {!preparing && (
          <span>{t('notices.progress.of', { done: formatNumber(sent + failed), total: formatNumber(total) })}</span>
        )}
        <span>{t('notices.progress.sent', { n: formatNumber(sent) })}</span>
        <span>{t('notices.progress.failed', { n: formatNumber(failed) })}</span>
        <span>{t('notices.progress.pending', { n: formatNumber(pending) })}</span>
        {skipped > 0 && <span>{t('notices.progress.skipped', { n: formatNumber(skipped) })}</span>}
      </p>
    </ProgressBar>
  );
}
