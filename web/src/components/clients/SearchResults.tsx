import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, ok } from '../../api/client';
import { loadTenants, useLoad, type Tenant } from '../../api/loading';
import { formatNumber } from '../../i18n';
import { ErrorNote, Loading } from '../Status';
import { TenantLabels } from '../TenantTree';
import type { ChildKind } from './kinds';

const SEARCH_LIMIT = 50;
/** Pages of 1,000 read at most for a kind alone (no text): beyond them the list says it is cut short. */
const KIND_PAGES = 20;

interface Hit {
  id: string;
  name: string;
  kind?: string;
  parent_id: string;
  path: string[];
}

/** With text, the API's search (names and company contacts), narrowed to the kind; a kind alone reads the subtree. */
async function findClients(root: Tenant, text: string, kind: string) {
  if (text) {
    const answer = await ok(
      api.GET('/api/2/search', { params: { query: { text, tenant: root.id, limit: SEARCH_LIMIT } } }),
    );
    const tenantHits = answer.items.filter((h) => h.obj_type === 'tenant');
    const hits = tenantHits.filter((h) => h.id !== root.id && (!kind || h.kind === kind)) as Hit[];
    return { limited: tenantHits.length >= SEARCH_LIMIT, hits };
  }
  const hits: Hit[] = [];
  let after: string | undefined;
  for (let page = 0; page < KIND_PAGES && hits.length < SEARCH_LIMIT; page++) {
    const query = after ? { after, limit: 1000 } : { subtree_root_id: root.id, lod: 'basic' as const, limit: 1000 };
    const answer = await ok(api.GET('/api/2/tenants', { params: { query } }));
    for (const x of answer.items as Tenant[]) if (x.kind === kind && x.id !== root.id) hits.push({ ...x, path: [] });
    after = answer.items.length ? answer.paging?.cursors?.after : undefined;
    if (!after) break;
  }
  const first = hits.sort((a, b) => a.name.localeCompare(b.name)).slice(0, SEARCH_LIMIT);
  return { limited: !!after || hits.length > SEARCH_LIMIT, hits: first };
}

/** The clients below `root` matching the text and/or of the kind, each with its path and a way to it in the tree. */
export function SearchResults({
  text,
  kind,
  root,
  ownId,
}: {
  text: string;
  kind: string;
  root: Tenant;
  ownId: string;
}) {
  const { t } = useTranslation();
  const found = useLoad(async () => {
    const { hits, limited } = await findClients(root, text, kind);
    const tenants = new Map((await loadTenants(hits.map((h) => h.id))).map((x) => [x.id, x]));
    return { limited, hits: hits.map((hit) => ({ hit, tenant: tenants.get(hit.id) })) };
  }, [text, kind, root.id]);
  if (found.loading) return <Loading />;
  if (found.error) return <ErrorNote error={found.error} onRetry={found.reload} />;
  const { hits, limited } = found.data!;
  const facts = {
    count: hits.length,
    n: formatNumber(hits.length),
    text,
    kind: kind && t(`clients.kinds.${kind as ChildKind}`),
  };
  const said = !kind
    ? hits.length
      ? t('clients.results', facts)
      : t('clients.noResults', facts)
    : text
      ? t(hits.length ? 'clients.resultsOfKind' : 'clients.noResultsOfKind', facts)
      : t(hits.length ? 'clients.ofKind' : 'clients.noneOfKind', facts);
  return (
    <section aria-label={t('clients.resultsLabel')}>
      <p role="status">{said}</p>
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
