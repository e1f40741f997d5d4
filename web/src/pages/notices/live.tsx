import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { ProgressBar } from '../../components/ProgressBar';
import { formatDate, formatNumber } from '../../i18n';
import { usePolling } from '../../api/loading';
import { type Announcement } from './shared';

/** Being prepared or sent: worth following closely. */
const moving = (status: Announcement['status']) => ['enqueuing', 'queued', 'sending'].includes(status);

/**
 * An announcement that refreshes itself every 1.5 s while it is being sent, every 15 s while it
 * waits for its time (it starts by itself then), and not at all once done or cancelled.
 */
export function useLiveAnnouncement(initial: Announcement): [Announcement, (a: Announcement) => void] {
  const [announcement, setAnnouncement] = useState(initial);
  const inFlight = useRef(false);
  const tick = () => {
    if (inFlight.current) return;
    inFlight.current = true;
    ok(api.GET('/api/2/announcements/{id}', { params: { path: { id: initial.id } } }))
      .then(setAnnouncement, () => undefined)
      .finally(() => {
        inFlight.current = false;
      });
  };
  usePolling(tick, moving(announcement.status), 1500);
  usePolling(tick, announcement.status === 'scheduled', 15_000);
  return [announcement, setAnnouncement];
}

/** The subject in the console's language, else English (else the Italian of a notice written only in Italian). */
export function useSubject() {
  const { i18n } = useTranslation();
  return (a: Pick<Announcement, 'subject'>) =>
    (i18n.language === 'it' && a.subject.it) || a.subject.en || a.subject.it || '';
}

/** The status as a tag; a scheduled notice says when it goes out (in the user's time zone). */
export function StatusLabel({ announcement: a }: { announcement: Pick<Announcement, 'status' | 'send_at'> }) {
  const { t } = useTranslation();
  return (
    <span className={`tag ${a.status}`}>
      {a.status === 'scheduled' && a.send_at
        ? t('notices.status.scheduledFor', { when: formatDate(a.send_at) })
        : t(`notices.status.${a.status}`)}
    </span>
  );
}

/** Sent / failed / pending as a bar, and every count as labelled text. */
export function DeliveryProgress({ announcement }: { announcement: Announcement }) {
  const { t } = useTranslation();
  const subjectOf = useSubject();
  const { sent, failed, pending, skipped, cancelled, opted_out, bounced, complained } = announcement.counts;
  if (announcement.status === 'draft') return <p className="muted">{t('notices.progress.draft')}</p>;
  if (announcement.status === 'scheduled')
    return (
      <p className="muted">
        {t('notices.progress.startsAt', { when: formatDate(announcement.send_at ?? announcement.created_at) })}
      </p>
    );
  const total = Math.max(sent + failed + pending + cancelled, announcement.recipients);
  const preparing = announcement.status === 'enqueuing' || (announcement.status === 'queued' && total === 0);
  const extra = (
    [
      ['cancelled', cancelled],
      ['skipped', skipped],
      ['optedOut', opted_out],
      ['bounced', bounced],
      ['complained', complained],
    ] as const
  ).filter(([, n]) => n > 0);
  if (announcement.status === 'done' && total === 0 && extra.length === 0)
    return <p className="muted">{t('notices.progress.noRecipients')}</p>;
  const handled = sent + failed + cancelled;
  return (
    <ProgressBar
      label={t('notices.progress.label', { subject: subjectOf(announcement) })}
      value={preparing ? undefined : handled}
      max={total}
    >
      <p className="counts">
        {preparing && <span>{t('notices.progress.preparing')}</span>}
        {!preparing && (
          <span>{t('notices.progress.of', { done: formatNumber(handled), total: formatNumber(total) })}</span>
        )}
        <span>{t('notices.progress.sent', { n: formatNumber(sent) })}</span>
        <span>{t('notices.progress.failed', { n: formatNumber(failed) })}</span>
        <span>{t('notices.progress.pending', { n: formatNumber(pending) })}</span>
        {extra.map(([key, n]) => (
          <span key={key}>{t(`notices.progress.${key}`, { n: formatNumber(n) })}</span>
        ))}
      </p>
    </ProgressBar>
  );
}
