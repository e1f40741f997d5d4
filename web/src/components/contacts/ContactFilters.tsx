import { type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../i18n';
import { FilterBar, matchesText, useFilterParams, type FilterValues } from '../FilterBar';
import { contactTypes, type Contact } from './load';

/** Whether a contact passes the filters: text over its name and addresses, its type, its email's state. */
function contactMatches(c: Contact, f: FilterValues) {
  if (f.type && !c.types.includes(f.type as Contact['types'][number])) return false;
  if (f.state === 'pending' && !c.pending_email) return false;
  if ((f.state === 'valid' || f.state === 'invalid') && c.validation_state !== f.state) return false;
  return matchesText(f.text, [c.firstname, c.lastname, c.email, c.pending_email]);
}

/**
 * The count, the filters and the (filtered) list of a tenant's contacts. The console reads every
 * contact of the tenant, so filtering here sees the whole list, at once as one types.
 */
export function ContactFilters({ contacts, children }: { contacts: Contact[]; children(shown: Contact[]): ReactNode }) {
  const { t } = useTranslation();
  const [filters, setFilters] = useFilterParams(['type', 'state']);
  const shown = contacts.filter((c) => contactMatches(c, filters));
  const n = formatNumber(contacts.length);
  if (contacts.length === 0)
    return (
      <>
        <p className="counts">{t('contacts.count', { count: 0, n })}</p>
        <p className="note">{t('contacts.empty')}</p>
      </>
    );
  return (
    <>
      <FilterBar
        textLabel={t('contacts.filter.text')}
        values={filters}
        onChange={setFilters}
        selects={[
          {
            key: 'type',
            label: t('contacts.filter.type'),
            options: contactTypes.map((type) => ({ value: type, label: t(`contactTypes.${type}`) })),
          },
          {
            key: 'state',
            label: t('contacts.filter.state'),
            options: (['valid', 'invalid', 'pending'] as const).map((s) => ({
              value: s,
              label: t(`contacts.filter.states.${s}`),
            })),
          },
        ]}
      />
      <p className="counts" aria-live="polite">
        {shown.length === contacts.length
          ? t('contacts.count', { count: contacts.length, n })
          : t('contacts.filter.shown', { shown: formatNumber(shown.length), n })}
      </p>
      {shown.length ? children(shown) : <p className="note">{t('contacts.filter.none')}</p>}
    </>
  );
}
