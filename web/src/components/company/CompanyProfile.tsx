import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Tenant } from '../../api/loading';
import { Dialog } from '../Dialog';
import { profileFields } from './card';
import { ProfileForm } from './ProfileForm';
import './company.css';

interface CompanyProfileProps {
  tenant: Tenant;
  /** Whether the signed-in admin may change it (the server still decides). */
  mayWrite: boolean;
  reload(): Promise<Tenant>;
  onChanged(tenant: Tenant): void;
}

/** The company's legal contact card (address, phone, website, email), and Edit for admins who write. */
export function CompanyProfile({ tenant, mayWrite, reload, onChanged }: CompanyProfileProps) {
  const { t } = useTranslation();
  const headingId = useId();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const title = t(tenant.kind === 'partner' ? 'clients.profile.partnerTitle' : 'clients.profile.title');
  const card = tenant.contact;
  // The fields given, each on its line; those not given named together below them.
  const given = profileFields.map((f) => f.name).filter((name) => card[name]);
  const missing = profileFields.map((f) => f.name).filter((name) => !card[name]);

  return (
    <section aria-labelledby={headingId} className="company-card">
      <div className="toolbar">
        <h2 id={headingId}>{title}</h2>
        {mayWrite && (
          <button
            type="button"
            onClick={() => {
              setSaved(false);
              setEditing(true);
            }}
            aria-label={t('clients.profile.editLabel', { title })}
          >
            {t('app.edit')}
          </button>
        )}
      </div>
      {saved && (
        <p role="status" className="note success">
          {t('clients.profile.saved')}
        </p>
      )}
      <dl className="profile-list">
        {given.map((name) => {
          const value = card[name]!;
          return (
            <div key={name}>
              <dt>{t(`clients.profile.fields.${name}`)}</dt>
              <dd>
                {name === 'website' ? (
                  <a href={value} rel="noopener noreferrer" target="_blank">
                    {value}
                  </a>
                ) : name === 'email' ? (
                  <a href={`mailto:${value}`}>{value}</a>
                ) : (
                  value
                )}
              </dd>
            </div>
          );
        })}
      </dl>
      {missing.length > 0 && (
        <p className="muted profile-missing">
          {t('clients.profile.missing', {
            fields: missing.map((name) => t(`clients.profile.fields.${name}`)).join(', '),
          })}
        </p>
      )}
      <Dialog open={editing} title={t('clients.profile.editTitle', { title })} onClose={() => setEditing(false)}>
        <ProfileForm
          tenant={tenant}
          reload={async () => {
            const fresh = await reload();
            onChanged(fresh);
            return fresh;
          }}
          onCancel={() => setEditing(false)}
          onSaved={(fresh) => {
            setEditing(false);
            setSaved(true);
            onChanged(fresh);
          }}
        />
      </Dialog>
    </section>
  );
}
