import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { formatNumber } from '../../i18n';

import { contactTypes, type ContactType } from '../contacts/load';
interface Coverage {
  /** Per client of the subtree, the types it has no deliverable contact of. */
  gaps: ReadonlyMap<string, ContactType[]>;
  tenants?: number;
  types: { type: ContactType; covered: number }[];
}
const empty: Coverage = { gaps: new Map(), types: [] };
const CoverageContext = createContext<Coverage>(empty);
const PAGES = 20;

/** The subtree's coverage: one request (GET /tenants/{id}/contact-coverage), more pages only past 1000 gaps. */
async function readCoverage(rootId: string): Promise<Coverage> {
  const gaps = new Map<string, ContactType[]>();
  let after: string | undefined;
  for (let page = 0; page < PAGES; page++) {
    const answer = await ok(
      api.GET('/api/2/tenants/{id}/contact-coverage', {
        params: { path: { id: rootId }, query: { limit: 1000, after } },
      }),
    );
    for (const m of answer.missing.items) gaps.set(m.id, m.missing_types);
    after = answer.missing.paging.cursors.after;
    if (!after || !answer.missing.items.length) return { gaps, tenants: answer.tenants, types: answer.types };
  }
  return { gaps, types: [] };
}

/** Reads the coverage of a subtree once and hands it to every row of the tree below. */
export function CoverageProvider({ rootId, round, children }: { rootId: string; round: number; children: ReactNode }) {
  const [coverage, setCoverage] = useState<Coverage>(empty);
  useEffect(() => {
    let live = true;
    readCoverage(rootId).then(
      (read) => live && setCoverage(read),
      // The badges are a hint: without them the tree still works.
      () => live && setCoverage(empty),
    );
    return () => {
      live = false;
    };
  }, [rootId, round]);
  return <CoverageContext.Provider value={coverage}>{children}</CoverageContext.Provider>;
}

/** A small badge per contact type the client has no contact of. */
export function GapBadges({ tenantId }: { tenantId: string }) {
  const { t } = useTranslation();
  const missing = useContext(CoverageContext).gaps.get(tenantId) ?? [];
  return (
    <>
      {missing.map((type) => (
        <span key={type} className="tag gap">
          {t('clients.gap', { type: t(`contactTypes.${type}`) })}
        </span>
      ))}
    </>
  );
}

/** Per type, how many of the subtree's companies have a contact of it. */
export function CoverageSummary() {
  const { t } = useTranslation();
  const { tenants, types } = useContext(CoverageContext);
  if (tenants === undefined || !types.length) return null;
  return (
    <p className="muted coverage-summary">
      {t('clients.coverage', {
        counts: types
          .map(({ type, covered }) =>
            t('clients.coverageType', {
              type: t(`contactTypes.${type}`),
              covered: formatNumber(covered),
              total: formatNumber(tenants),
            }),
          )
          .join(' · '),
      })}
    </p>
  );
}

/** How many valid contacts of each type the client has (the types it has none of are its gap badges). */
export function ContactCounts({ counts }: { counts?: Partial<Record<ContactType, number>> }) {
  const { t } = useTranslation();
  const held = contactTypes.filter((type) => (counts?.[type] ?? 0) > 0);
  if (!held.length) return null;
  return (
    <span className="muted contact-counts">
      {t('clients.contactCounts', {
        counts: held
          .map((type) =>
            t('clients.contactCount', { type: t(`contactTypes.${type}`), n: formatNumber(counts![type]!) }),
          )
          .join(' · '),
      })}
    </span>
  );
}
