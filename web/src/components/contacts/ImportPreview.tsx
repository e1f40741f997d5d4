import { useTranslation } from 'react-i18next';
import type { paths } from '../../api/schema';
import { formatNumber } from '../../i18n';
import { Email } from '../Email';

/** What an import answers (a 422 carries the same beside its error). */
export type ImportReport = paths['/api/2/contact-imports']['post']['responses'][200]['content']['application/json'];
type Action = ImportReport['rows'][number]['action'] | 'error';
interface Entry {
  row: number;
  action: Action;
  email?: string;
  field?: string;
  message?: string;
}

/**
 * The listed rows and error rows merged in row order. The API lists the first 1,000 of each: past
 * the last row of a list cut short, the other list would show alone, so the preview stops there.
 */
function previewEntries({ counts, rows, errors }: ImportReport): { entries: Entry[]; upTo?: number } {
  const cutAt = (cut: boolean, last?: { row: number }) => (cut ? (last?.row ?? 0) : Infinity);
  const limit = Math.min(
    cutAt(rows.length < counts.create + counts.update + counts.unchanged, rows.at(-1)),
    cutAt(errors.length < counts.error, errors.at(-1)),
  );
  const entries: Entry[] = [...rows, ...errors.map((e) => ({ ...e, action: 'error' as const }))]
    .filter((e) => e.row <= limit)
    .sort((a, b) => a.row - b.row);
  return { entries, upTo: limit === Infinity ? undefined : limit };
}

/** One line per row of the file: what it would do, or its problem beside it; cards on a phone. */
export function ImportPreview({ report }: { report: ImportReport }) {
  const { t } = useTranslation();
  const { entries, upTo } = previewEntries(report);
  if (entries.length === 0) return null;
  const key = (k: 'row' | 'action' | 'email' | 'field' | 'message') => t(`contacts.transfer.${k}`);
  return (
    <div className="transfer-preview">
      <div className="table-wrap stack-wrap">
        <table className="stack-narrow">
          <caption>{t('contacts.transfer.previewCaption')}</caption>
          <thead>
            <tr>
              {(['row', 'action', 'email', 'field', 'message'] as const).map((k) => (
                <th key={k} scope="col">
                  {key(k)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={`${e.row}-${e.action}-${e.field ?? ''}`}>
                <td data-label={key('row')}>{formatNumber(e.row)}</td>
                <td data-label={key('action')}>
                  <span className={`badge transfer-${e.action}`}>{t(`contacts.transfer.actions.${e.action}`)}</span>
                </td>
                <td data-label={key('email')}>{e.email && <Email address={e.email} />}</td>
                <td data-label={key('field')}>{e.field}</td>
                <td data-label={key('message')}>{e.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {upTo !== undefined && <p className="muted">{t('contacts.transfer.previewCapped', { n: formatNumber(upTo) })}</p>}
    </div>
  );
}
