import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, ok } from '../api/client';
import { ErrorNote, Loading } from './Status';
import { formatNumber } from '../i18n';
import { loadTenants, type Tenant } from '../api/loading';
import { ContactCounts, GapBadges } from './clients/coverage';

const PAGE = 50;
type Kind = 'root' | 'partner' | 'folder' | 'customer' | 'unit';

/** A tenant's kind, and "Disabled" when it is. */
export function TenantLabels({ kind, enabled }: { kind: string; enabled: boolean }) {
  const { t } = useTranslation();
  const known = ['root', 'partner', 'folder', 'customer', 'unit'].includes(kind);
  return (
    <>
      {kind && <span className="tag">{known ? t(`clients.kinds.${kind as Kind}`) : kind}</span>}
      {!enabled && <span className="tag disabled">{t('clients.disabled')}</span>}
    </>
  );
}

interface ChildrenState {
  ids?: string[];
  tenants: Tenant[];
  next: number;
  busy: boolean;
  error?: unknown;
}

/** The children of a tenant: their ids at once, the tenants themselves a page at a time. */
function useChildren(parentId: string) {
  const [state, setState] = useState<ChildrenState>({ tenants: [], next: 0, busy: true });
  const [round, setRound] = useState(0);
  const fetchPage = useCallback(async (ids: string[], from: number, live: () => boolean) => {
    try {
      const tenants = await loadTenants(ids.slice(from, from + PAGE), { counts: true });
      if (live())
        setState((s) => ({
          ids,
          tenants: from === 0 ? tenants : [...s.tenants, ...tenants],
          next: from + PAGE,
          busy: false,
        }));
    } catch (error) {
      if (live()) setState((s) => ({ ...s, ids, busy: false, error }));
    }
  }, []);
  useEffect(() => {
    let live = true;
    setState({ tenants: [], next: 0, busy: true });
    ok(api.GET('/api/2/tenants/{id}/children', { params: { path: { id: parentId }, query: { order: 'name' } } })).then(
      (answer) => fetchPage(answer.items, 0, () => live),
      (error: unknown) => live && setState({ tenants: [], next: 0, busy: false, error }),
    );
    return () => {
      live = false;
    };
  }, [parentId, round, fetchPage]);
  const more = () => {
    if (!state.ids) return;
    setState((s) => ({ ...s, busy: true, error: undefined }));
    void fetchPage(state.ids, state.next, () => true);
  };
  return { ...state, more, retry: () => setRound((r) => r + 1) };
}

interface ChildListProps {
  parentId: string;
  id?: string;
  className?: string;
  label?: string;
  onCount?(count: number): void;
}

/** One level of the tree, lazily loaded; each child with children expands in place. */
export function ChildList({ parentId, id, className, label, onCount }: ChildListProps) {
  const { t } = useTranslation();
  const { ids, tenants, next, busy, error, more, retry } = useChildren(parentId);
  useEffect(() => {
    if (ids) onCount?.(ids.length);
  }, [ids, onCount]);
  return (
    <div id={id}>
      {tenants.length > 0 && (
        <ul className={className} aria-label={label}>
          {tenants.map((tenant) => (
            <TenantNode key={tenant.id} tenant={tenant} />
          ))}
        </ul>
      )}
      {busy && <Loading />}
      {error !== undefined && <ErrorNote error={error} onRetry={ids ? more : retry} />}
      {ids && !busy && ids.length > next && (
        <p className="tree-more">
          <span className="muted">
            {t('clients.showing', { shown: formatNumber(Math.min(next, ids.length)), total: formatNumber(ids.length) })}
          </span>{' '}
          <button type="button" onClick={more}>
            {t('clients.showMore')}
          </button>
        </p>
      )}
    </div>
  );
}

function TenantNode({ tenant }: { tenant: Tenant }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [count, setCount] = useState<number>();
  const childrenId = useId();
  return (
    <li>
      <div className="node-row">
        {tenant.has_children ? (
          <button
            type="button"
            className="tree-toggle"
            aria-expanded={open}
            aria-controls={open ? childrenId : undefined}
            aria-label={t('clients.toggle', { name: tenant.name })}
            onClick={() => setOpen(!open)}
          >
            <span aria-hidden="true">{open ? '−' : '+'}</span>
          </button>
        ) : (
          <span className="tree-spacer" />
        )}
        <div className="tree-row">
          <Link to={`/clients/${tenant.id}`}>{tenant.name}</Link>
          <TenantLabels kind={tenant.kind} enabled={tenant.enabled} />
          <ContactCounts counts={tenant.contact_counts} />
          <GapBadges tenantId={tenant.id} />
          {open && count !== undefined && (
            <span className="muted">{t('clients.count', { count, n: formatNumber(count) })}</span>
          )}
        </div>
      </div>
      {open && <ChildList parentId={tenant.id} id={childrenId} onCount={setCount} />}
    </li>
  );
}
