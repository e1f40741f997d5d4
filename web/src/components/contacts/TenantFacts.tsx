import { useTranslation } from 'react-i18next';
import type { Tenant } from './load';
import './contacts.css';

/** A tenant's name, kind and (optionally) status as a short description list. */
export function TenantFacts({
  tenant,
  withName,
  withStatus,
}: {
  tenant: Tenant;
  withName?: boolean;
  withStatus?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <dl className="meta-list">
      {withName && (
        <div>
          <dt>{t('contacts.tenant.name')}</dt>
          <dd>{tenant.name}</dd>
        </div>
      )}
      <div>
        <dt>{t('contacts.tenant.kind')}</dt>
        <dd>{t(`contacts.tenant.kinds.${tenant.kind}`)}</dd>
      </div>
      {withStatus && (
        <div>
          <dt>{t('contacts.tenant.status')}</dt>
          <dd>{tenant.enabled ? t('contacts.tenant.enabled') : t('contacts.tenant.disabled')}</dd>
        </div>
      )}
    </dl>
  );
}
