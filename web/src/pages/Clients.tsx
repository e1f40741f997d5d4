import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearchParams } from 'react-router-dom';
import { api, ApiFailure, ok } from '../api/client';
import { ErrorNote, Loading } from '../components/Status';
import { formatNumber } from '../i18n';
import { useSession } from '../session';
import { usePageTitle } from '../components/usePageTitle';
import { loadTenants, useLoad, type Tenant } from '../api/loading';
import { ChildList, TenantLabels } from '../components/TenantTree';
import { SearchForm } from '../components/clients/SearchForm';
import { NewClient } from '../components/clients/NewClient';
import { CoverageProvider, CoverageSummary } from '../components/clients/coverage';
import '../components/clients/clients.css';
import { useMayWrite } from '../api/roles';

const SEARCH_LIMIT = 50;
const isMissing = (e: unknown) => e instanceof ApiFailure && (e.status === 404 || e.status === 400);

/** The tenant and its ancestors up to one's own tenant, top first. */
async function trailTo(id: string, ownId: string): Promise<Tenant[]> {
  const trail: Tenant[] = [];
  let next: string | undefined = id;
  while (next && trail.length < 20) {
    const tenant: Tenant = await ok(api.GET('/api/2/tenants/{id}', { params: { path: { id: next } } }));
    trail.unshift(tenant);
    next = tenant.id === ownId || tenant.parent_id === tenant.id ? undefined : tenant.parent_id;
  }
  return trail;
}

/** /clients: the tenants below one's own (or below ?under=) as a tree, or the matches of ?q=. */
export function Clients() {
  const { t } = useTranslation();
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const ownId = user!.tenant_id;
  const under = params.get('under') || ownId;
  const q = params.get('q') ?? '';
  const deleted = (useLocation().state as { deleted?: string } | null)?.deleted;
  const trail = useLoad(() => trailTo(under, ownId), [under, ownId]);
  const search = (text: string, replace = false) =>
    setParams(
      () => {
        const next = new URLSearchParams(under === ownId ? {} : { under });
        if (text.trim()) next.set('q', text.trim());
        return next;
      },
      { replace },
    );
  const top = trail.data?.at(-1);
  const mayWrite = useMayWrite(user?.id) === true;
  usePageTitle(t('clients.title'));

  return (
    <>
      <h1>{t('clients.title')}</h1>
      <p className="muted">{t('clients.lead')}</p>
      {trail.loading && !trail.data ? (
        <Loading />
      ) : trail.error ? (
        isMissing(trail.error) ? (
          <div role="alert" className="note error">
            <p>{t('clients.notFound')}</p>
            <p>
              <Link to="/clients">{t('clients.backToAll')}</Link>
            </p>
          </div>
        ) : (
          <ErrorNote error={trail.error} onRetry={trail.reload} />
        )
      ) : (
        top && (
          <>
            {trail.data!.length > 1 && (
              <nav aria-label={t('clients.breadcrumb')} className="crumbs">
                <ol>
                  {trail.data!.map((step, i) => (
                    <li key={step.id}>
                      {i === trail.data!.length - 1 ? (
                        <span aria-current="page">{step.name}</span>
                      ) : (
                        <Link to={step.id === ownId ? '/clients' : `/clients?under=${step.id}`}>{step.name}</Link>
                      )}
                    </li>
                  ))}
                </ol>
              </nav>
            )}
            {deleted && (
              <p role="status" className="note success">
                {t('clients.deleted', { name: deleted })}
              </p>
            )}
            <SearchForm initial={q} onSearch={search} />
            {q ? <SearchResults text={q} root={top} ownId={ownId} /> : <Tree root={top} mayWrite={mayWrite} />}
          </>
        )
      )}
    </>
  );
}

function Tree({ root, mayWrite }: { root: Tenant; mayWrite: boolean }) {
  const { t } = useTranslation();
  const headingId = useId();
  const [count, setCount] = useState<number>();
  const [round, setRound] = useState(0);
  const [created, setCreated] = useState<string>();
  return (
    <section aria-labelledby={headingId}>
      <div className="section-head">
        <h2 id={headingId}>{t('clients.treeLabel', { name: root.name })}</h2>
        {mayWrite && (
          <NewClient
            parent={root}
            onCreated={(tenant) => {
              setCreated(tenant.name);
              setRound((r) => r + 1);
            }}
          />
        )}
      </div>
      <p role="status" className={created ? 'note success' : 'visually-hidden'}>
        {created && t('clients.create.done', { name: created })}
      </p>
      {count !== undefined && (
        <p className="muted">
          {count === 0 ? t('clients.none') : t('clients.count', { count, n: formatNumber(count) })}
        </p>
      )}
      <CoverageProvider rootId={root.id} round={round}>
        <CoverageSummary />
        <ChildList
          key={round}
          parentId={root.id}
          className="tree"
          label={t('clients.treeLabel', { name: root.name })}
          onCount={setCount}
        />
      </CoverageProvider>
    </section>
  );
}

function SearchResults({ text, root, ownId }: { text: string; root: Tenant; ownId: string }) {
  const { t } = useTranslation();
  const found = useLoad(async () => {
    const answer = await ok(
      api.GET('/api/2/search', { params: { query: { text, tenant: root.id, limit: SEARCH_LIMIT } } }),
    );
    const tenantHits = answer.items.filter((h) => h.obj_type === 'tenant');
    const hits = tenantHits.filter((h) => h.id !== root.id);
    const tenants = new Map((await loadTenants(hits.map((h) => h.id))).map((x) => [x.id, x]));
    return {
      limited: tenantHits.length >= SEARCH_LIMIT,
      hits: hits.map((hit) => ({ hit, tenant: tenants.get(hit.id) })),
    };
  }, [text, root.id]);
  if (found.loading) return <Loading />;
  if (found.error) return <ErrorNote error={found.error} onRetry={found.reload} />;
  const { hits, limited } = found.data!;
  return (
    <section aria-label={t('clients.resultsLabel')}>
      <p role="status">
        {hits.length
          ? t('clients.results', { count: hits.length, n: formatNumber(hits.length), text })
          : t('clients.noResults', { text })}
      </p>
      {limited && <p className="note warn">{t('clients.resultsLimited', { n: formatNumber(SEARCH_LIMIT) })}</p>}
      <ul className="hits">
        {hits.map(({ hit, tenant }) => (
          <li key={hit.id}>
            <div className="tree-row">
              <Link to={`/clients/${hit.id}`}>{hit.name}</Link>
              <TenantLabels kind={hit.kind ?? tenant?.kind ?? ''} enabled={tenant?.enabled ?? true} />
            </div>
            {hit.path.length > 0 && (
              <div className="path">
                <span className="visually-hidden">{t('clients.pathLabel')}: </span>
                {hit.path.join(' › ')}
              </div>
            )}
            <Link className="path" to={hit.parent_id === ownId ? '/clients' : `/clients?under=${hit.parent_id}`}>
              {t('clients.showInTree')}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
