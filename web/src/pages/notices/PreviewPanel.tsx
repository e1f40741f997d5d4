import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../i18n';
import type { Preview } from './shared';

type Kind = 'root' | 'partner' | 'folder' | 'customer' | 'unit';
const kinds: Kind[] = ['root', 'partner', 'folder', 'customer', 'unit'];

/**
 * Who a notice would reach: the count (of primary contacts, when only those receive it), by kind of tenant, skipped addresses, those left out as
 * they opted out (none for a mandatory notice: it reaches them too), a sample.
 */
export function PreviewPanel({ preview, primary }: { preview: Preview; primary?: boolean }) {
  const { t } = useTranslation();
  const byKind = Object.entries(preview.by_tenant_kind).filter(([, n]) => n > 0);
  return (
    <section className="box" aria-labelledby="preview-title">
      <h3 id="preview-title">{t('notices.preview.title')}</h3>
      <p role="status" className="big-number">
        {t(primary ? 'notices.preview.primaryRecipients' : 'notices.preview.recipients', {
          count: preview.recipients,
          n: formatNumber(preview.recipients),
        })}
      </p>
      {byKind.length > 0 && (
        <ul className="counts plain-list" aria-label={t('notices.preview.byKind')}>
          {byKind.map(([kind, n]) => (
            <li key={kind}>
              {kinds.includes(kind as Kind) ? t(`clients.kinds.${kind as Kind}`) : kind}: {formatNumber(n)}
            </li>
          ))}
        </ul>
      )}
      {preview.skipped > 0 && (
        <p className="note warn">
          {t('notices.preview.skipped', { count: preview.skipped, n: formatNumber(preview.skipped) })}
        </p>
      )}
      {preview.opted_out > 0 && (
        <p className="note">
          {t('notices.preview.optedOut', { count: preview.opted_out, n: formatNumber(preview.opted_out) })}
        </p>
      )}
      {preview.sample.length > 0 && (
        <details>
          <summary>{t('notices.preview.sample')}</summary>
          <ul>
            {preview.sample.map((s) => (
              <li key={`${s.email} ${s.tenant_id}`} style={{ overflowWrap: 'anywhere' }}>
                {s.email} — {t('notices.preview.forTenant', { name: s.tenant_name })}
                {s.inherited && (
                  <span className="tag" style={{ marginLeft: '.4rem' }}>
                    {t('notices.preview.inherited')}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
