import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { loadTenants, useLoad } from '../../api/loading';
import { ErrorNote, Loading } from '../Status';
import { contactTypes, fullName, type ContactType } from '../contacts/load';
import './company.css';

type Receiver = Awaited<ReturnType<typeof readType>>[number];
interface TypeReceivers {
  type: ContactType;
  receivers: Receiver[];
}

const readType = async (tenantId: string, type: ContactType) =>
  (await ok(api.GET('/api/2/tenants/{id}/effective-contacts', { params: { path: { id: tenantId }, query: { type } } })))
    .items;

/** Per type, who receives the notices and from which company, with the names of the companies inherited from. */
async function readReceivers(tenantId: string) {
  const byType: TypeReceivers[] = await Promise.all(
    contactTypes.map(async (type) => ({ type, receivers: await readType(tenantId, type) })),
  );
  const ancestorIds = [
    ...new Set(byType.flatMap((x) => x.receivers.filter((r) => r.inherited).map((r) => r.tenant_id))),
  ];
  const names = new Map((await loadTenants(ancestorIds)).map((a) => [a.id, a.name]));
  return { byType, names };
}

/**
 * "Who receives notices": per type, the contacts a notice would reach for this client (its own, or
 * its nearest ancestor's); `revision` changes when its contacts do, to read them again.
 */
export function EffectiveContacts({ tenantId, revision }: { tenantId: string; revision: unknown }) {
  const { t } = useTranslation();
  const headingId = useId();
  const { data, error, reload } = useLoad(() => readReceivers(tenantId), [tenantId, revision]);

  return (
    <section aria-labelledby={headingId} className="receivers">
      <h2 id={headingId}>{t('clients.receivers.title')}</h2>
      {error ? (
        <ErrorNote error={error} onRetry={reload} />
      ) : !data ? (
        <Loading />
      ) : (
        data.byType.map(({ type, receivers }) => (
          <div key={type}>
            <h3>{t(`contactTypes.${type}`)}</h3>
            {!receivers.length ? (
              <p className="muted">{t('clients.receivers.nobody', { type: t(`contactTypes.${type}`) })}</p>
            ) : (
              <ul className="receivers-list">
                {receivers.map((r) => (
                  <li key={r.id}>
                    <strong>{fullName(r) || r.email}</strong>
                    {fullName(r) && <> {r.email}</>}
                    {r.primary_types.includes(type) && (
                      <span className="badge primary-badge">{t('contacts.primaryMark')}</span>
                    )}
                    {r.inherited && (
                      <span className="muted">
                        {' '}
                        {t('clients.receivers.from', {
                          name: data.names.get(r.tenant_id) ?? t('clients.receivers.above'),
                        })}
                      </span>
                    )}
                    {!r.deliverable && <span className="badge pending">{t('clients.receivers.bounced')}</span>}
                  </li>
                ))}
              </ul>
            )}
          </div>
        ))
      )}
    </section>
  );
}
