import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiFailure } from '../api/client';
import { ContactsSection } from '../components/ContactsSection';
import { ErrorNote, Loading } from '../components/Status';
import { loadTenant, type Tenant } from '../components/contacts/load';
import { TenantFacts } from '../components/contacts/TenantFacts';
import { ClientActions } from '../components/clients/ClientActions';
import { kindsUnder } from '../components/clients/kinds';
import '../components/clients/clients.css';
import { CompanyProfile } from '../components/company/CompanyProfile';
import { EffectiveContacts } from '../components/company/EffectiveContacts';
import { PrimaryContacts } from '../components/company/PrimaryContacts';
import type { Contact } from '../components/contacts/load';
import { useMayWrite } from '../api/roles';
import { useSession } from '../session';
import { usePageTitle } from '../components/usePageTitle';

/** Clients > <client> > Configure: its facts, its contacts (the very list its own admins see), its users, its clients. */
export function ClientConfigure() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [tenant, setTenant] = useState<Tenant>();
  const [error, setError] = useState<unknown>();
  const [attempt, setAttempt] = useState(0);
  const [contacts, setContacts] = useState<Contact[]>();
  const navigate = useNavigate();
  const { user } = useSession();
  const mayWrite = useMayWrite(user?.id) === true;

  useEffect(() => {
    let live = true;
    setTenant(undefined);
    setError(undefined);
    loadTenant(id).then(
      (found) => live && setTenant(found),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [id, attempt]);

  usePageTitle(tenant?.name, t('contacts.client.crumb'));
  const notFound = error instanceof ApiFailure && (error.status === 404 || error.status === 400);
  return (
    <>
      <nav aria-label={t('contacts.company.breadcrumb')} className="breadcrumb">
        <ol>
          <li>
            <Link to="/clients">{t('contacts.client.crumb')}</Link>
          </li>
          {tenant && <li>{tenant.name}</li>}
          <li aria-current="page">{t('contacts.client.configure')}</li>
        </ol>
      </nav>
      {notFound ? (
        <>
          <h1>{t('contacts.client.configure')}</h1>
          <p role="alert" className="note warn">
            {t('contacts.client.notFound')}
          </p>
          <p>
            <Link to="/clients">{t('contacts.client.back')}</Link>
          </p>
        </>
      ) : error ? (
        <ErrorNote error={error} onRetry={() => setAttempt((n) => n + 1)} />
      ) : !tenant ? (
        <Loading />
      ) : (
        <>
          <h1>{tenant.name}</h1>
          {mayWrite && (
            <ClientActions
              tenant={tenant}
              reload={async () => {
                const fresh = await loadTenant(tenant.id);
                setTenant(fresh);
                return fresh;
              }}
              onChanged={setTenant}
              onDeleted={() => navigate('/clients', { state: { deleted: tenant.name } })}
            />
          )}
          <TenantFacts tenant={tenant} withStatus />
          <p>
            <Link to={`/users?tenant=${encodeURIComponent(tenant.id)}`}>
              {t('contacts.client.users', { name: tenant.name })}
            </Link>
          </p>
          {kindsUnder(tenant).length > 0 && (
            <p>
              <Link to={`/clients?under=${encodeURIComponent(tenant.id)}`}>
                {t('clients.treeLabel', { name: tenant.name })}
              </Link>
            </p>
          )}
          <CompanyProfile
            tenant={tenant}
            mayWrite={mayWrite}
            reload={() => loadTenant(tenant.id)}
            onChanged={setTenant}
          />
          <EffectiveContacts tenantId={tenant.id} revision={contacts} />
          <PrimaryContacts contacts={contacts} />
          <p className="muted">{t('contacts.client.shared')}</p>
          <ContactsSection tenantId={tenant.id} onLoaded={setContacts} />
        </>
      )}
    </>
  );
}
