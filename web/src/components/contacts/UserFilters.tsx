import { type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../i18n';
import { FilterBar, matchesText, useFilterParams, type FilterValues } from '../FilterBar';
import { fullName, type User } from './load';

const states = ['enabled', 'disabled', 'notActivated'] as const;

/** Whether a user passes the filters: text over login, name and email; enabled, disabled or not activated. */
function userMatches(u: User, f: FilterValues) {
  if (f.state === 'enabled' && !u.enabled) return false;
  if (f.state === 'disabled' && u.enabled) return false;
  if (f.state === 'notActivated' && u.activated) return false;
  return matchesText(f.text, [u.login, fullName(u.contact), u.contact.email]);
}

/** The count, the filters and the (filtered) users; the console reads every user of the company, so all are seen. */
export function UserFilters({ users, children }: { users: User[]; children(shown: User[]): ReactNode }) {
  const { t } = useTranslation();
  const [filters, setFilters] = useFilterParams(['state']);
  const shown = users.filter((u) => userMatches(u, filters));
  const n = formatNumber(users.length);
  if (users.length === 0)
    return (
      <>
        <p className="counts">{t('users.count', { count: 0, n })}</p>
        <p className="note">{t('users.empty')}</p>
      </>
    );
  return (
    <>
      <FilterBar
        textLabel={t('users.filter.text')}
        values={filters}
        onChange={setFilters}
        selects={[
          {
            key: 'state',
            label: t('users.filter.state'),
            options: states.map((s) => ({ value: s, label: t(`users.status.${s}`) })),
          },
        ]}
      />
      <p className="counts" aria-live="polite">
        {shown.length === users.length
          ? t('users.count', { count: users.length, n })
          : t('users.filter.shown', { shown: formatNumber(shown.length), n })}
      </p>
      {shown.length ? children(shown) : <p className="note">{t('users.filter.none')}</p>}
    </>
  );
}
