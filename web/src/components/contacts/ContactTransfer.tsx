import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMayWrite } from '../../api/roles';
import { useSession } from '../../session';
import { Dialog } from '../Dialog';
import { ContactAttestation } from './ContactAttestation';
import { ImportForm } from './ContactImport';
import { loadTenant } from './load';
import './transfer.css';

const exportHref = (tenantId: string, subtree: boolean) =>
  `/api/2/tenants/${encodeURIComponent(tenantId)}/contacts/export?format=csv&subtree=${subtree}`;

/**
 * Export (a CSV download) and, for admins who write, Import with a checked preview before
 * applying; beside them, asking the contacts to confirm their types (re-attestation).
 */
export function ContactTransfer({ tenantId, onImported }: { tenantId: string; onImported(note: string): void }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const mayWrite = useMayWrite(user?.id) === true;
  const [partner, setPartner] = useState(false);
  const [importing, setImporting] = useState(false);
  useEffect(() => {
    let live = true;
    loadTenant(tenantId).then(
      (found) => live && setPartner(found.kind === 'partner'),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [tenantId]);

  return (
    <div className="transfer-actions">
      <a className="transfer-link" href={exportHref(tenantId, false)} download>
        {t('contacts.transfer.export')}
      </a>
      {partner && (
        <a className="transfer-link" href={exportHref(tenantId, true)} download>
          {t('contacts.transfer.exportSubtree')}
        </a>
      )}
      {mayWrite && (
        <button type="button" onClick={() => setImporting(true)}>
          {t('contacts.transfer.import')}
        </button>
      )}
      <ContactAttestation tenantId={tenantId} onStarted={onImported} />
      <Dialog open={importing} title={t('contacts.transfer.title')} onClose={() => setImporting(false)}>
        <ImportForm
          tenantId={tenantId}
          onCancel={() => setImporting(false)}
          onDone={(note) => {
            setImporting(false);
            onImported(note);
          }}
        />
      </Dialog>
    </div>
  );
}
