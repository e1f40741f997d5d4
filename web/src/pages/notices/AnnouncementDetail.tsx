import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router-dom';
import { api, ApiFailure, ok } from '../../api/client';
import { ErrorNote, Loading } from '../../components/Status';
import { formatDate, formatNumber } from '../../i18n';
import { useSession } from '../../session';
import { DeliveryProgress, StatusLabel, useLiveAnnouncement, useSubject } from './live';
import { loadTenants, tenantLink, useLoad, usePaged } from '../../api/loading';
import { type Announcement } from './shared';

/** /notices/<id>: the notice, its live progress and its failed deliveries. */
export function AnnouncementDetail() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const accepted = (useLocation().state as { accepted?: boolean } | null)?.accepted;
  const loaded = useLoad(() => ok(api.GET('/api/2/announcements/{id}', { params: { path: { id } } })), [id]);
  const missing = loaded.error instanceof ApiFailure && (loaded.error.status === 404 || loaded.error.status === 400);
  return (
    <>
      <p>
        <Link to="/notices">{t('notices.detail.back')}</Link>
      </p>
      {loaded.loading && !loaded.data ? (
        <Loading />
      ) : missing ? (
        <p role="alert" className="note error">
          {t('notices.detail.notFound')}
        </p>
      ) : loaded.error ? (
        <ErrorNote error={loaded.error} onRetry={loaded.reload} />
      ) : (
        <Detail key={id} initial={loaded.data!} accepted={!!accepted} />
      )}
    </>
  );
}

/** `accepted`: just sent from the form; "being sent now" is said until the notice is done. */
function Detail({ initial, accepted }: { initial: Announcement; accepted: boolean }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const a = useLiveAnnouncement(initial);
  const subjectOf = useSubject();
  const scope = useLoad(() => loadTenants([a.scope_tenant_id]), [a.scope_tenant_id]);
  const scopeName = scope.data?.[0]?.name;
  return (
    <article aria-labelledby="notice-title">
      <div role="status">
        {accepted && a.status !== 'done' && <p className="note success">{t('notices.detail.accepted')}</p>}
      </div>
      <h2 id="notice-title">{subjectOf(a)}</h2>
      <dl className="facts">
        <div>
          <dt>{t('notices.detail.category')}</dt>
          <dd>
            <span className={`chip ${a.category}`}>{t(`contactTypes.${a.category as 'billing'}`)}</span>
          </dd>
        </div>
        <div>
          <dt>{t('notices.detail.status')}</dt>
          <dd>
            <StatusLabel status={a.status} />
          </dd>
        </div>
        <div>
          <dt>{t('notices.detail.scope')}</dt>
          <dd>{scopeName ? <Link to={tenantLink(a.scope_tenant_id, user?.tenant_id)}>{scopeName}</Link> : '…'}</dd>
        </div>
        <div>
          <dt>{t('notices.detail.fallback')}</dt>
          <dd>{a.fallback === 'ancestor' ? t('notices.detail.fallbackOn') : t('notices.detail.fallbackOff')}</dd>
        </div>
        <div>
          <dt>{t('notices.detail.created')}</dt>
          <dd>{formatDate(a.created_at)}</dd>
        </div>
        {a.completed_at && (
          <div>
            <dt>{t('notices.detail.completed')}</dt>
            <dd>{formatDate(a.completed_at)}</dd>
          </div>
        )}
      </dl>
      <div className="box">
        <DeliveryProgress announcement={a} />
      </div>
      <details>
        <summary>{t('notices.detail.content')}</summary>
        {(['en', 'it'] as const)
          .filter((lang) => a.subject[lang] || a.body[lang])
          .map((lang) => (
            <section key={lang} lang={lang}>
              <h3>
                {lang === 'en' ? t('notices.compose.english') : t('notices.compose.italian')}:{' '}
                {a.subject[lang] ?? a.subject.en}
              </h3>
              <pre className="message-text">{a.body[lang] ?? a.body.en}</pre>
            </section>
          ))}
      </details>
      <FailedDeliveries id={a.id} failed={a.counts.failed} />
    </article>
  );
}

function FailedDeliveries({ id, failed }: { id: string; failed: number }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const list = usePaged(
    (after) =>
      ok(
        api.GET('/api/2/announcements/{id}/deliveries', {
          params: { path: { id }, query: { status: 'failed', limit: 50, ...(after ? { after } : {}) } },
        }),
      ),
    [id, failed],
  );
  return (
    <section aria-labelledby="failed-title">
      <h2 id="failed-title">
        {t('notices.detail.failedTitle')} ({formatNumber(failed)})
      </h2>
      {list.items.length === 0 && !list.loading && !list.error && (
        <p className="muted">{t('notices.detail.noFailed')}</p>
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
