import { useTranslation } from 'react-i18next';
import { FilterBar, useFilterParams, type FilterValues } from '../../components/FilterBar';
import { useSettled } from '../../components/useSettled';
import { categories, type Announcement, type Category } from './shared';

type Status = Announcement['status'];
/** Every state the server filters by, in the order a notice goes through them. */
const statuses: Status[] = ['draft', 'scheduled', 'enqueuing', 'queued', 'sending', 'done', 'cancelled'];

/** What the server is asked for: only values it knows (an address edited by hand asks for nothing odd). */
export interface NoticeQuery {
  category?: Category;
  status?: Status;
  q?: string;
}

/**
 * The notices list's filters, kept in the address (?q=, ?type=, ?state=). The text is sent once it
 * has settled, so typing asks the server once rather than per key.
 */
export function useNoticeFilters(): [FilterValues, (values: FilterValues) => void, NoticeQuery] {
  const [values, setValues] = useFilterParams(['type', 'state']);
  const text = useSettled((values.text ?? '').trim().slice(0, 100));
  const query: NoticeQuery = {
    ...(categories.includes(values.type as Category) ? { category: values.type as Category } : {}),
    ...(statuses.includes(values.state as Status) ? { status: values.state as Status } : {}),
    ...(text ? { q: text } : {}),
  };
  return [values, setValues, query];
}

/** Search by subject, contact type and status, above the notices. */
export function NoticeFilterBar({ values, onChange }: { values: FilterValues; onChange(values: FilterValues): void }) {
  const { t } = useTranslation();
  return (
    <FilterBar
      textLabel={t('notices.list.filter.text')}
      values={values}
      onChange={onChange}
      selects={[
        {
          key: 'type',
          label: t('notices.list.filter.type'),
          options: categories.map((c) => ({ value: c, label: t(`contactTypes.${c}`) })),
        },
        {
          key: 'state',
          label: t('notices.list.filter.status'),
          options: statuses.map((s) => ({ value: s, label: t(`notices.status.${s}`) })),
        },
      ]}
    />
  );
}
