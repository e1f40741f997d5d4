import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Loaded } from '../../api/loading';
import { formatDate, formatNumber } from '../../i18n';
import { ErrorNote, Loading } from '../Status';
import { redeliver, stateOf, type Delivery, type Webhook } from './load';

interface DeliveriesProps {
  webhook: Webhook;
  mayWrite: boolean;
  /** Its deliveries as the card read them (newest first). */
  list: Loaded<Delivery[]>;
  onNote(note: { ok: boolean; text: string }): void;
}

/** A webhook's recent deliveries as a table (stacked cards on a phone), each with Redeliver. */
export function Deliveries({ webhook, mayWrite, list, onNote }: DeliveriesProps) {
  const { t } = useTranslation();
  const headingId = useId();
  const [busy, setBusy] = useState<string>();

  const again = async (d: Delivery) => {
    setBusy(d.id);
    try {
      await redeliver(webhook, d);
      onNote({ ok: true, text: t('webhooks.notes.redelivered', { event: d.event }) });
    } catch (e) {
      onNote({ ok: false, text: t('app.error', { message: e instanceof Error ? e.message : String(e) }) });
    } finally {
      setBusy(undefined);
      list.reload();
    }
  };
  const cell = (label: string) => ({ 'data-label': label });

  return (
    <section className="deliveries" aria-labelledby={headingId}>
      <div className="toolbar">
        <h3 id={headingId}>{t('webhooks.deliveries.title', { url: webhook.url })}</h3>
        <button type="button" onClick={list.reload}>
          {t('webhooks.deliveries.refresh')}
        </button>
      </div>
      {list.error !== undefined ? (
        <ErrorNote error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.length === 0 ? (
        <p className="muted">{t('webhooks.deliveries.empty')}</p>
      ) : (
        <div className="table-wrap stack-wrap">
          <table className="stack-narrow" aria-labelledby={headingId}>
            <thead>
              <tr>
                <th scope="col">{t('webhooks.deliveries.event')}</th>
                <th scope="col">{t('webhooks.deliveries.state')}</th>
                <th scope="col">{t('webhooks.deliveries.attempts')}</th>
                <th scope="col">{t('webhooks.deliveries.status')}</th>
                <th scope="col">{t('webhooks.deliveries.next')}</th>
                <th scope="col">{t('webhooks.deliveries.created')}</th>
                {mayWrite && <th scope="col">{t('users.table.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {list.data.map((d) => {
                const state = stateOf(d);
                return (
                  <tr key={d.id}>
                    <td {...cell(t('webhooks.deliveries.event'))}>
                      <code>{d.event}</code>
                    </td>
                    <td {...cell(t('webhooks.deliveries.state'))}>
                      <span className={`tag delivery-state-${state}`}>{t(`webhooks.deliveries.states.${state}`)}</span>
                      {d.last_error && state !== 'delivered' && (
                        <span className="muted delivery-error">
                          {t('webhooks.deliveries.lastError')}: {d.last_error.slice(0, 200)}
                        </span>
                      )}
                    </td>
                    <td {...cell(t('webhooks.deliveries.attempts'))}>{formatNumber(d.attempts)}</td>
                    <td {...cell(t('webhooks.deliveries.status'))}>
                      {d.last_status_code ?? t('webhooks.deliveries.noAnswer')}
                    </td>
                    <td {...cell(t('webhooks.deliveries.next'))}>
                      {d.next_attempt_at ? (
                        <time dateTime={d.next_attempt_at}>{formatDate(d.next_attempt_at)}</time>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td {...cell(t('webhooks.deliveries.created'))}>
                      <time dateTime={d.created_at}>{formatDate(d.created_at)}</time>
                    </td>
                    {mayWrite && (
                      <td {...cell(t('users.table.actions'))}>
                        <button
                          type="button"
                          disabled={busy === d.id}
                          aria-label={t('webhooks.deliveries.redeliverFor', {
                            event: d.event,
                            date: formatDate(d.created_at),
                          })}
                          onClick={() => void again(d)}
                        >
                          {t('webhooks.deliveries.redeliver')}
                        </button>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
