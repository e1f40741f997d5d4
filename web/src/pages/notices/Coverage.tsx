import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, ok } from '../../api/client';
import { ProgressBar } from '../../components/ProgressBar';
import { ErrorNote, Loading } from '../../components/Status';
import { formatNumber } from '../../i18n';
import { useSession } from '../../session';
import { TenantLabels } from '../../components/TenantTree';
import { loadTenants, tenantLink, useLoad, usePaged } from '../../api/loading';
import { categories, type Category } from './shared';
import { usePageTitle } from '../../components/usePageTitle';
import '../../components/contacts/attestation.css';

const PAGE = 25;
const coverageOf = (id: string, query: { type?: Category; limit: number; after?: string }) =>
  ok(api.GET('/api/2/tenants/{id}/contact-coverage', { params: { path: { id }, query } }));

/** /notices/coverage: per type, how many tenants have a contact (and how many a primary one that bounced), and which lack one. */
export function Coverage() {
  const { t } = useTranslation();
  usePageTitle(t('notices.coverage.title'), t('notices.title'));
  const { user } = useSession();
  const ownId = user!.tenant_id;
  const summary = useLoad(async () => {
    const [own] = await loadTenants([ownId]);
    return { own, coverage: await coverageOf(ownId, { limit: 1 }) };
  }, [ownId]);

  return (
    <section aria-labelledby="coverage-title">
      <h2 id="coverage-title">{t('notices.coverage.title')}</h2>
      <p className="muted">{t('notices.coverage.lead')}</p>
      {summary.loading && !summary.data ? (
        <Loading />
      ) : summary.error ? (
        <ErrorNote error={summary.error} onRetry={summary.reload} />
      ) : (
        (() => {
          const { own, coverage } = summary.data!;
          const total = coverage.tenants;
          return (
            <>
              <p>{t('notices.coverage.tenants', { count: total, n: formatNumber(total), name: own.name })}</p>
              <div className="box">
                {coverage.types.map((row) => {
                  const type = t(`contactTypes.${row.type}`);
                  return (
                    <div key={row.type} className="coverage-row">
                      <p className="counts">
                        <span className={`chip ${row.type}`}>{type}</span>
                        <span>
                          {t('notices.coverage.covered', {
                            covered: formatNumber(row.covered),
                            total: formatNumber(total),
                            type,
                          })}
                        </span>
                      </p>
                      <ProgressBar label={t('notices.coverage.coverageOf', { type })} value={row.covered} max={total} />
                      {row.primary_undeliverable > 0 && (
                        <p className="note warn">
                          {t('notices.coverage.primaryUndeliverable', { n: capped(row.primary_undeliverable) })}
                        </p>
                      )}
                    </div>
                  );
                })}
              </div>
              <Attention counts={coverage.attestation} />
              {categories.map((type) => (
                <Missing
                  key={type}
                  rootId={ownId}
                  type={type}
                  uncovered={coverage.types.find((r) => r.type === type)?.uncovered ?? 0}
                />
              ))}
            </>
          );
        })()
      )}
    </section>
  );
}

const CAP = 10_000;
/** A count the server stops at CAP: that figure means as many or more. */
const capped = (value: number) => (value >= CAP ? `${formatNumber(CAP)}+` : formatNumber(value));

/** The subtree's contacts that need attention: not confirmed for a year, declined, asked and waiting. */
function Attention({ counts }: { counts: { stale: number; declined: number; pending: number } }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="attention-title" className="box">
      <h3 id="attention-title">{t('attestation.coverage.title')}</h3>
      <ul className="attention">
        {(['stale', 'declined', 'pending'] as const).map((state) => (
          <li key={state}>
            <span className={counts[state] > 0 ? `badge attestation-${state}` : 'badge'}>{capped(counts[state])}</span>{' '}
            {t(`attestation.coverage.${state}`)}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Missing({ rootId, type, uncovered }: { rootId: string; type: Category; uncovered: number }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const list = usePaged(
    (after) =>
      uncovered === 0
        ? Promise.resolve({ items: [] })
        : coverageOf(rootId, { type, limit: PAGE, ...(after ? { after } : {}) }).then((c) => c.missing),
    [rootId, type, uncovered],
  );
  const label = t(`contactTypes.${type}`);
  const headingId = `missing-${type}`;
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>{t('notices.coverage.missingTitle', { type: label, n: formatNumber(uncovered) })}</h3>
      {uncovered === 0 && <p className="muted">{t('notices.coverage.noneMissing')}</p>}
      {list.items.length > 0 && (
        <ul className="hits" aria-labelledby={headingId}>
          {list.items.map((tenant) => (
            <li key={tenant.id} className="tree-row">
              <Link to={tenantLink(tenant.id, user?.tenant_id)}>{tenant.name}</Link>
              <TenantLabels kind={tenant.kind} enabled />
            </li>
          ))}
        </ul>
      )}
      {list.loading && <Loading />}
      {list.error !== undefined && <ErrorNote error={list.error} onRetry={list.reload} />}
      {list.after && !list.loading && (
        <p className="button-row">
          <span className="muted">
            {t('notices.coverage.shown', { shown: formatNumber(list.items.length), total: formatNumber(uncovered) })}
          </span>
          <button type="button" onClick={list.more}>
            {t('notices.coverage.more')}
          </button>
        </p>
      )}
    </section>
  );
}
