import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, ok } from '../../api/client';
import { ErrorNote, Loading } from '../../components/Status';
import { formatDate, formatNumber } from '../../i18n';
import { useSession } from '../../session';
import { tenantLink, usePaged } from '../../api/loading';
import { useSettled } from '../../components/useSettled';
import { type Announcement, type Delivery } from './shared';

type Filter = 'failed' | 'cancelled' | 'sent' | 'pending' | 'all';
const filters: Filter[] = ['failed', 'cancelled', 'sent', 'pending', 'all'];

/** How many deliveries a filter shows, from the notice's counts (all: every delivery made). */
const countOf = (counts: Announcement['counts'], filter: Filter) =>
  filter === 'all' ? counts.sent + counts.failed + counts.pending + counts.cancelled : counts[filter];

/** The delivery's state: a later bounce or complaint says more than "sent" or "failed", and when. */
function DeliveryState({ delivery: d }: { delivery: Delivery }) {
  const { t } = useTranslation();
  const state = d.complained_at ? 'complained' : d.bounced_at && d.status === 'failed' ? 'bounced' : d.status;
  const known = ['pending', 'sent', 'failed', 'cancelled', 'bounced', 'complained'].includes(state);
  const when = state === 'complained' ? d.complained_at : state === 'bounced' ? d.bounced_at : null;
  return (
    <>
      <span className={`tag delivery-${state}`}>{known ? t(`notices.detail.states.${state as 'sent'}`) : state}</span>
      {when && <div className="muted">{t('notices.detail.at', { when: formatDate(when) })}</div>}
      {d.bounce_status && <div className="muted">{t('notices.detail.bounceStatus', { status: d.bounce_status })}</div>}
    </>
  );
}

/**
 * A notice's deliveries: the failed ones first when there are any, else all of them; a filter shows
 * the cancelled, sent, pending or all, and a search box finds a recipient by address.
 */
export function Deliveries({ announcement: a }: { announcement: Announcement }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const [chosen, setFilter] = useState<Filter>();
  const filter = chosen ?? (a.counts.failed > 0 ? 'failed' : 'all');
  const [typed, setTyped] = useState('');
  const recipient = useSettled(typed.trim());
  const count = countOf(a.counts, filter);
  const list = usePaged(
    (after) =>
      ok(
        api.GET('/api/2/announcements/{id}/deliveries', {
          params: {
            path: { id: a.id },
            query: {
              ...(filter === 'all' ? {} : { status: filter }),
              ...(recipient ? { recipient } : {}),
              limit: 50,
              ...(after ? { after } : {}),
            },
          },
        }),
      ),
    [a.id, filter, count, recipient],
  );
  return (
    <section aria-labelledby="deliveries-title">
      <div className="toolbar">
        <h2 id="deliveries-title">
          {t(`notices.detail.deliveries.${filter}`)} ({formatNumber(count)})
        </h2>
        <label className="inline-field">
          {t('notices.detail.deliveries.show')}{' '}
          <select value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
            {filters.map((f) => (
              <option key={f} value={f}>
                {t(`notices.detail.deliveries.${f}`)} ({formatNumber(countOf(a.counts, f))})
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          {t('notices.detail.findRecipient')}{' '}
          <input type="search" maxLength={320} value={typed} onChange={(e) => setTyped(e.target.value)} />
        </label>
      </div>
      {list.items.length === 0 && !list.loading && !list.error && (
        <p className="muted">
          {recipient ? t('notices.detail.noMatch', { text: recipient }) : t('notices.detail.noDeliveries')}
        </p>
      )}
      {list.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('notices.detail.recipient')}</th>
                <th scope="col">{t('notices.detail.tenants')}</th>
                <th scope="col" className="hide-narrow">
                  {t('notices.detail.attempts')}
                </th>
                <th scope="col">{t('notices.detail.state')}</th>
                <th scope="col">{t('notices.detail.lastError')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((d) => (
                <tr key={d.id}>
                  <td style={{ overflowWrap: 'anywhere' }}>{d.email}</td>
                  <td>
                    {d.tenants.map((tenant, i) => (
                      <span key={tenant.id}>
                        {i > 0 && ', '}
                        <Link to={tenantLink(tenant.id, user?.tenant_id)}>{tenant.name}</Link>
                      </span>
                    ))}
                  </td>
                  <td className="hide-narrow">{formatNumber(d.attempts)}</td>
                  <td>
                    <DeliveryState delivery={d} />
                  </td>
                  <td style={{ overflowWrap: 'anywhere' }}>{d.last_error ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.loading && <Loading />}
      {list.error !== undefined && <ErrorNote error={list.error} onRetry={list.reload} />}
      {list.after && !list.loading && (
        <p className="button-row">
          <button type="button" onClick={list.more}>
            {t('notices.detail.more')}
          </button>
        </p>
      )}
    </section>
  );
}
