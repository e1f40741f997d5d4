import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, ok } from '../../api/client';
import { ErrorNote, Loading } from '../../components/Status';
import { formatDate } from '../../i18n';
import { useSession } from '../../session';
import { DeliveryProgress, StatusLabel, useLiveAnnouncement, useSubject } from './live';
import { loadTenants, useLoad, usePaged } from '../../api/loading';
import { NoticeActions } from './NoticeActions';
import { NoticeFilterBar, useNoticeFilters } from './NoticeFilters';
import { type Announcement } from './shared';
import { usePageTitle } from '../../components/usePageTitle';

const PAGE = 20;

/** The notices sent to one's subtree, newest first, each with its live progress. */
export function AnnouncementList() {
  const { t } = useTranslation();
  usePageTitle(t('notices.tabs.list'), t('notices.title'));
  const { user } = useSession();
  const [filters, setFilters, query] = useNoticeFilters();
  // The cursor carries the filters: the next page is asked for with `after` alone.
  const list = usePaged(
    (after) =>
      ok(
        api.GET('/api/2/announcements', {
          params: { query: after ? { after, limit: PAGE } : { tenant_id: user!.tenant_id, ...query, limit: PAGE } },
        }),
      ),
    [user!.tenant_id, query.category, query.status, query.q],
  );
  const filtered = Object.values(filters).some((v) => v.trim() !== '');
  const scopeIds = [...new Set(list.items.map((a) => a.scope_tenant_id))];
  const scopes = useLoad(() => loadTenants(scopeIds), [scopeIds.join(',')]);
  const names = new Map((scopes.data ?? []).map((s) => [s.id, s.name]));

  return (
    <section aria-labelledby="notices-list-title">
      <div className="toolbar">
        <h2 id="notices-list-title">{t('notices.list.title')}</h2>
        <Link to="/notices/new">{t('notices.list.newNotice')}</Link>
      </div>
      <NoticeFilterBar values={filters} onChange={setFilters} />
      {list.items.length === 0 && !list.loading && !list.error && (
        <p className="muted">{t(filtered ? 'notices.list.filter.none' : 'notices.list.empty')}</p>
      )}
      {list.items.length > 0 && (
        <ul className="card-list">
          {list.items.map((a) => (
            <AnnouncementCard key={a.id} initial={a} scopeName={names.get(a.scope_tenant_id)} />
          ))}
        </ul>
      )}
      {list.loading && <Loading />}
      {list.error !== undefined && (
        <ErrorNote error={list.error} onRetry={list.items.length ? list.more : list.reload} />
      )}
      {list.after && !list.loading && (
        <p className="button-row">
          <button type="button" onClick={list.more}>
            {t('notices.list.more')}
          </button>
        </p>
      )}
    </section>
  );
}

function AnnouncementCard({ initial, scopeName }: { initial: Announcement; scopeName?: string }) {
  const { t } = useTranslation();
  const [a, setAnnouncement] = useLiveAnnouncement(initial);
  const [deleted, setDeleted] = useState(false);
  const subjectOf = useSubject();
  if (deleted) return null;
  return (
    <li className="card-item">
      <h3>
        <Link to={a.status === 'draft' ? `/notices/${a.id}/edit` : `/notices/${a.id}`}>
          {subjectOf(a) || t('notices.list.untitled')}
        </Link>
      </h3>
      <dl className="facts">
        {a.category && (
          <div>
            <dt className="visually-hidden">{t('notices.detail.category')}</dt>
            <dd>
              <span className={`chip ${a.category}`}>{t(`contactTypes.${a.category as 'billing'}`)}</span>
            </dd>
          </div>
        )}
        <div>
          <dt className="visually-hidden">{t('notices.detail.status')}</dt>
          <dd>
            <StatusLabel announcement={a} />
          </dd>
        </div>
        <div>
          <dt>{t('notices.list.created')}</dt>
          <dd>{formatDate(a.created_at)}</dd>
        </div>
        {scopeName && (
          <div>
            <dt>{t('notices.list.by')}</dt>
            <dd>{scopeName}</dd>
          </div>
        )}
      </dl>
      <DeliveryProgress announcement={a} />
      <NoticeActions announcement={a} onChanged={setAnnouncement} onDeleted={() => setDeleted(true)} />
    </li>
  );
}
