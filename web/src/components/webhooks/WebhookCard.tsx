import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLoad, usePolling } from '../../api/loading';
import { formatDate } from '../../i18n';
import { Deliveries } from './Deliveries';
import { listDeliveries, stateOf, type Webhook } from './load';

export type WebhookAction = 'edit' | 'toggle' | 'test' | 'rotate' | 'delete';

interface WebhookCardProps {
  webhook: Webhook;
  mayWrite: boolean;
  /** Changes when something was sent to it (a test): its deliveries are read again. */
  round: number;
  busy: boolean;
  onAction(action: WebhookAction, webhook: Webhook): void;
  onNote(note: { ok: boolean; text: string }): void;
  /** Its deliveries were read again and none is pending: it may have been turned off (a 410). */
  onSettled(): void;
}

/** One webhook: address, state, events, last delivery, its actions (for those who write) and its deliveries. */
export function WebhookCard({ webhook: w, mayWrite, round, busy, onAction, onNote, onSettled }: WebhookCardProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const deliveries = useLoad(() => listDeliveries(w.id), [w.id, round]);
  const pending = !!deliveries.data?.some((d) => d.status === 'pending');
  usePolling(deliveries.reload, pending);
  // Read again with nothing pending (after a test or a redelivery settled): Liaison may have turned
  // the webhook off (a 410), so the page reads it again; the first read needs no such thing.
  const reads = useRef(0);
  const settled = useRef(onSettled);
  settled.current = onSettled;
  useEffect(() => {
    if (!deliveries.data) return;
    if (reads.current++ > 0 && !pending) settled.current();
  }, [deliveries.data, pending]);
  const last = deliveries.data?.[0];
  const panelId = `deliveries-${w.id}`;
  const stateText = w.enabled
    ? t('webhooks.card.enabled')
    : w.disabled_reason === 'gone'
      ? t('webhooks.card.gone')
      : w.disabled_reason === 'failing'
        ? t('webhooks.card.failing')
        : t('webhooks.card.disabled');
  const action = (name: WebhookAction, label: string, className?: string) => (
    <button type="button" className={className} disabled={busy} onClick={() => onAction(name, w)}>
      {label}
    </button>
  );

  return (
    <li className="card-item webhook-card">
      <h2 className="webhook-url">{w.url}</h2>
      {w.description && <p className="webhook-description">{w.description}</p>}
      <dl className="facts">
        <div>
          <dt>{t('webhooks.card.state')}</dt>
          <dd>
            <span className={`tag ${w.enabled ? 'done' : 'disabled'}`}>{stateText}</span>
          </dd>
        </div>
        <div>
          <dt>{t('webhooks.card.lastDelivery')}</dt>
          <dd>
            {last ? (
              <>
                <span className={`tag delivery-state-${stateOf(last)}`}>
                  {t(`webhooks.deliveries.states.${stateOf(last)}`)}
                </span>{' '}
                <code>{last.event}</code> <time dateTime={last.created_at}>{formatDate(last.created_at)}</time>
              </>
            ) : (
              t('webhooks.card.none')
            )}
          </dd>
        </div>
        <div>
          <dt>{t('webhooks.card.events')}</dt>
          <dd className="event-list">
            {w.events.map((e) => (
              <code key={e}>{e}</code>
            ))}
          </dd>
        </div>
      </dl>
      {w.failing_since && (
        <p className="muted">{t('webhooks.card.failingSince', { date: formatDate(w.failing_since) })}</p>
      )}
      {w.previous_secret_expires_at && new Date(w.previous_secret_expires_at) > new Date() && (
        <p className="muted">{t('webhooks.card.previousSecret', { date: formatDate(w.previous_secret_expires_at) })}</p>
      )}
      <div className="button-row" role="group" aria-label={t('webhooks.card.actions', { url: w.url })}>
        <button type="button" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen((o) => !o)}>
          {t('webhooks.actions.deliveries')}
        </button>
        {mayWrite && (
          <>
            {action('test', t('webhooks.actions.test'))}
            {action('edit', t('webhooks.actions.edit'))}
            {action('toggle', w.enabled ? t('webhooks.actions.disable') : t('webhooks.actions.enable'))}
            {action('rotate', t('webhooks.actions.rotate'))}
            {action('delete', t('webhooks.actions.delete'), 'danger')}
          </>
        )}
      </div>
      <div id={panelId} hidden={!open}>
        {open && <Deliveries webhook={w} mayWrite={mayWrite} list={deliveries} onNote={onNote} />}
      </div>
    </li>
  );
}
