import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Tenant } from '../../api/loading';
import { Dialog } from '../Dialog';
import { ClientForm } from './ClientForm';
import { kindsUnder } from './kinds';

/** "New client" under a tenant: only the kinds the tree allows there, in the parent's language by default. */
export function NewClient({ parent, onCreated }: { parent: Tenant; onCreated(created: Tenant): void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const kinds = kindsUnder(parent);
  if (!kinds.length) return null;
  return (
    <>
      <button type="button" className="primary" onClick={() => setOpen(true)}>
        {t('clients.create.button')}
      </button>
      <Dialog open={open} title={t('clients.create.title', { name: parent.name })} onClose={() => setOpen(false)}>
        <ClientForm
          kinds={kinds}
          initial={{ name: '', language: parent.language }}
          submitLabel={t('clients.create.submit')}
          onCancel={() => setOpen(false)}
          onSubmit={async (input) => {
            const created = await ok(api.POST('/api/2/tenants', { body: { ...input, parent_id: parent.id } }));
            setOpen(false);
            onCreated(created);
          }}
        />
      </Dialog>
    </>
  );
}
