import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ContactsSection } from '../components/ContactsSection';
import { ErrorNote, Loading } from '../components/Status';
import { loadTenant, type Tenant } from '../components/contacts/load';
import { TenantFacts } from '../components/contacts/TenantFacts';
import { CompanyProfile } from '../components/company/CompanyProfile';
import { PrimaryContacts } from '../components/company/PrimaryContacts';
import type { Contact } from '../components/contacts/load';
import { useMayWrite } from '../api/roles';
import { useSession } from '../session';
import { usePageTitle } from '../components/usePageTitle';

/** Company management > Partner profile (a customer's: Company profile) > Contacts: the signed-in user's own tenant. */
export function MyCompany() {
  const { t } = useTranslation();
  const { user } = useSession();
  const tenantId = user!.tenant_id;
  const [tenant, setTenant] = useState<Tenant>();
  const [error, setError] = useState<unknown>();
  const [attempt, setAttempt] = useState(0);
  const [contacts, setContacts] = useState<Contact[]>();
  const mayWrite = useMayWrite(user?.id) === true;

  useEffect(() => {
    let live = true;
    setError(undefined);
    loadTenant(tenantId).then(
      (found) => live && setTenant(found),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [tenantId, attempt]);

  const profile = tenant?.kind === 'partner' ? t('contacts.company.partnerTitle') : t('contacts.company.title');
  usePageTitle(tenant?.name, profile);
  return (
    <>
      {/* Where this is in the menu; plain text, as neither step is a page of its own. */}
      <p className="muted breadcrumb-text">
        {t('contacts.company.crumb')} › {profile}
      </p>
      <h1>{tenant ? tenant.name : profile}</h1>
      {error ? (
        <ErrorNote error={error} onRetry={() => setAttempt((n) => n + 1)} />
      ) : !tenant ? (
        <Loading />
      ) : (
        <>
          <TenantFacts tenant={tenant} />
          <CompanyProfile
            tenant={tenant}
            mayWrite={mayWrite}
            reload={() => loadTenant(tenantId)}
            onChanged={setTenant}
          />
        </>
      )}
      <PrimaryContacts contacts={contacts} />
      <ContactsSection tenantId={tenantId} onLoaded={setContacts} />
    </>
  );
}
