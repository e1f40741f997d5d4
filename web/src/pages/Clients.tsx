import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearchParams } from 'react-router-dom';
import { api, ApiFailure, ok } from '../api/client';
import { ErrorNote, Loading } from '../components/Status';
import { formatNumber } from '../i18n';
import { useSession } from '../session';
import { usePageTitle } from '../components/usePageTitle';
import { useLoad, type Tenant } from '../api/loading';
import { ChildList } from '../components/TenantTree';
import { SearchResults } from '../components/clients/SearchResults';
import { SearchForm } from '../components/clients/SearchForm';
import { NewClient } from '../components/clients/NewClient';
import { CoverageProvider, CoverageSummary } from '../components/clients/coverage';
import '../components/clients/clients.css';
import { useMayWrite } from '../api/roles';

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
  const kind = params.get('kind') ?? '';
  const deleted = (useLocation().state as { deleted?: string } | null)?.deleted;
  const trail = useLoad(() => trailTo(under, ownId), [under, ownId]);
  const search = (text: string, replace = false, kindWanted = kind) =>
    setParams(
      () => {
        const next = new URLSearchParams(under === ownId ? {} : { under });
        if (text.trim()) next.set('q', text.trim());
        if (kindWanted) next.set('kind', kindWanted);
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
            <SearchForm initial={q} onSearch={search} kind={kind} onKind={(k: string) => search(q, false, k)} />
            {q || kind ? (
              <SearchResults text={q} kind={kind} root={top} ownId={ownId} />
            ) : (
              <Tree root={top} mayWrite={mayWrite} />
            )}
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
