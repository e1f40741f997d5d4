import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { api, ApiFailure, ok } from '../../api/client';
import { ErrorNote, Loading } from '../../components/Status';
import { formatDate } from '../../i18n';
import { useSession } from '../../session';
import { DeliveryProgress, StatusLabel, useLiveAnnouncement, useSubject } from './live';
import { loadTenants, tenantLink, useLoad } from '../../api/loading';
import { Deliveries } from './Deliveries';
import { NoticeActions } from './NoticeActions';
import { type Announcement } from './shared';
import { usePageTitle } from '../../components/usePageTitle';

/** What the form did before coming here: sent (or scheduled) a new notice, or saved a scheduled one. */
type Accepted = 'created' | 'saved' | undefined;

/** /notices/<id>: the notice, its live progress, what may be done with it, and its deliveries. */
export function AnnouncementDetail() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const accepted = (useLocation().state as { accepted?: Accepted } | null)?.accepted;
  const loaded = useLoad(() => ok(api.GET('/api/2/announcements/{id}', { params: { path: { id } } })), [id]);
  const missing = loaded.error instanceof ApiFailure && (loaded.error.status === 404 || loaded.error.status === 400);
  const subjectOf = useSubject();
  usePageTitle(loaded.data && subjectOf(loaded.data), t('notices.title'));
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
        <Detail key={id} initial={loaded.data!} accepted={accepted} />
      )}
    </>
  );
}

/** `accepted`: just sent (or scheduled, or saved) from the form; said until the notice moves on. */
function Detail({ initial, accepted }: { initial: Announcement; accepted: Accepted }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const navigate = useNavigate();
  const [a, setAnnouncement] = useLiveAnnouncement(initial);
  const subjectOf = useSubject();
  const scope = useLoad(() => loadTenants([a.scope_tenant_id]), [a.scope_tenant_id]);
  const scopeName = scope.data?.[0]?.name;
  const acceptedNote =
    a.status === 'scheduled'
      ? accepted &&
        t(accepted === 'saved' ? 'notices.detail.saved' : 'notices.detail.scheduledAccepted', {
          when: formatDate(a.send_at),
        })
      : a.status === 'cancelled'
        ? t('notices.detail.cancelledNote')
        : accepted && a.status !== 'done' && t('notices.detail.accepted');
  return (
    <article aria-labelledby="notice-title">
      <div role="status">
        {acceptedNote && <p className={a.status === 'cancelled' ? 'note' : 'note success'}>{acceptedNote}</p>}
      </div>
      <h2 id="notice-title">{subjectOf(a) || t('notices.list.untitled')}</h2>
      <dl className="facts">
        <div>
          <dt>{t('notices.detail.category')}</dt>
          <dd>
            {a.category ? (
              <span className={`chip ${a.category}`}>{t(`contactTypes.${a.category as 'billing'}`)}</span>
            ) : (
              '—'
            )}
          </dd>
        </div>
        <div>
          <dt>{t('notices.detail.status')}</dt>
          <dd>
            <StatusLabel announcement={a} />
          </dd>
        </div>
        <div>
          <dt>{t('notices.detail.scope')}</dt>
          <dd>{scopeName ? <Link to={tenantLink(a.scope_tenant_id, user?.tenant_id)}>{scopeName}</Link> : '…'}</dd>
        </div>
        <div>
          <dt>{t('notices.detail.recipients')}</dt>
          <dd>
            {t(a.recipient_rule === 'primary' ? 'notices.compose.recipientsPrimary' : 'notices.compose.recipientsAll')}
          </dd>
        </div>
        <div>
          <dt>{t('notices.detail.fallback')}</dt>
          <dd>{a.fallback === 'ancestor' ? t('notices.detail.fallbackOn') : t('notices.detail.fallbackOff')}</dd>
        </div>
        {a.mandatory && (
          <div>
            <dt>{t('notices.detail.mandatory')}</dt>
            <dd>{t('notices.detail.mandatoryYes')}</dd>
          </div>
        )}
        <div>
          <dt>{t('notices.detail.created')}</dt>
          <dd>{formatDate(a.created_at)}</dd>
        </div>
        {a.send_at && (
          <div>
            <dt>{t('notices.detail.sendAt')}</dt>
            <dd>{formatDate(a.send_at)}</dd>
          </div>
        )}
        {a.cancelled_at && (
          <div>
            <dt>{t('notices.detail.cancelledAt')}</dt>
            <dd>{formatDate(a.cancelled_at)}</dd>
          </div>
        )}
        {a.completed_at && (
          <div>
            <dt>{t('notices.detail.completed')}</dt>
            <dd>{formatDate(a.completed_at)}</dd>
          </div>
        )}
      </dl>
      <NoticeActions
        announcement={a}
        onChanged={setAnnouncement}
        onDeleted={() => navigate('/notices', { replace: true })}
      />
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
                {a.subject[lang] ?? a.subject.en ?? a.subject.it}
              </h3>
              <pre className="message-text">{a.body[lang] ?? a.body.en ?? a.body.it}</pre>
            </section>
          ))}
      </details>
      {a.status !== 'scheduled' && a.status !== 'draft' && <Deliveries announcement={a} />}
    </article>
  );
}
