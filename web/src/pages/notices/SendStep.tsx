import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../components/Dialog';
import { formatDate, formatNumber } from '../../i18n';

/**
 * The last step once the recipients are known: a scheduled notice's changes are saved at once;
 * a new one is sent (or scheduled, when it has a time) after a confirmation saying to how many.
 */
export function SendStep({
  recipients,
  subject,
  sendAt,
  editing,
  busy,
  onSend,
}: {
  recipients: number;
  subject: string;
  sendAt?: string;
  editing: boolean;
  busy: boolean;
  /** Resolves when it failed (the dialog then closes); on success the page moves on. */
  onSend(): Promise<void>;
}) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const later = !!sendAt;
  const n = formatNumber(recipients);
  const send = () => onSend().then(() => setConfirming(false));
  return (
    <>
      <div className="button-row">
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => (editing ? void send() : setConfirming(true))}
        >
          {editing
            ? t('notices.compose.saveChanges')
            : t(later ? 'notices.compose.scheduleTo' : 'notices.compose.sendTo', { count: recipients, n })}
        </button>
      </div>
      <Dialog
        open={confirming}
        title={t(later ? 'notices.compose.confirmScheduleTitle' : 'notices.compose.confirmTitle')}
        onClose={() => setConfirming(false)}
      >
        <p>
          {t(later ? 'notices.compose.confirmSchedule' : 'notices.compose.confirmText', {
            count: recipients,
            n,
            subject,
            when: formatDate(sendAt),
          })}
        </p>
        <div className="dialog-actions">
          <button type="button" onClick={() => setConfirming(false)}>
            {t('app.cancel')}
          </button>
          <button type="button" className="primary" disabled={busy} onClick={() => void send()}>
            {t(later ? 'notices.compose.schedule' : 'notices.compose.send')}
          </button>
        </div>
      </Dialog>
    </>
  );
}
