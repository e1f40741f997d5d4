import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';

type Gaps = ReadonlyMap<string, string[]>;
const GapsContext = createContext<Gaps>(new Map());

/**
 * The contact types each client of a subtree lacks, read once for the whole subtree
 * (GET /tenants/{id}/contact-coverage, its "missing" list) and handed to every row of the tree.
 */
export function CoverageProvider({ rootId, round, children }: { rootId: string; round: number; children: ReactNode }) {
  const [gaps, setGaps] = useState<Gaps>(new Map());
  useEffect(() => {
    let live = true;
    ok(api.GET('/api/2/tenants/{id}/contact-coverage', { params: { path: { id: rootId }, query: { limit: 1000 } } }))
      .then((answer) => {
        if (live) setGaps(new Map(answer.missing.items.map((m) => [m.id, m.missing_types])));
      })
      // The badges are a hint: without them the tree still works.
      .catch(() => live && setGaps(new Map()));
    return () => {
      live = false;
    };
  }, [rootId, round]);
  return <GapsContext.Provider value={gaps}>{children}</GapsContext.Provider>;
}

/** A small badge per contact type the client has no contact of. */
export function GapBadges({ tenantId }: { tenantId: string }) {
  const { t } = useTranslation();
  const missing = useContext(GapsContext).get(tenantId) ?? [];
  return (
    <>
      {missing.map((type) => (
        <span key={type} className="tag gap">
          {t('clients.gap', { type: t(`contactTypes.${type as 'billing'}`) })}
        </span>
      ))}
    </>
  );
}
