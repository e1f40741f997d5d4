import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Tenant } from '../../api/loading';
import { Dialog } from '../Dialog';
import { ConfirmAction } from '../webhooks/ConfirmAction';
import { isVersionConflict } from '../contacts/errors';
import { ClientForm } from './ClientForm';
import { describeFailure } from './kinds';

type Open = 'edit' | 'disable' | 'enable' | 'delete' | undefined;

interface ClientActionsProps {
  tenant: Tenant;
  /** Read the client again (after a change, or when it changed meanwhile). */
  reload(): Promise<Tenant>;
  onChanged(tenant: Tenant): void;
  onDeleted(): void;
}

/** Edit (name, language), Disable / Enable and, once disabled, Delete: each in a dialog, each versioned. */
export function ClientActions({ tenant, reload, onChanged, onDeleted }: ClientActionsProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<Open>();
  const [current, setCurrent] = useState(tenant);
  const [notice, setNotice] = useState<string>();
  const [round, setRound] = useState(0);
  const close = () => {
    setOpen(undefined);
    setNotice(undefined);
  };
  const show = (what: Open) => {
    setCurrent(tenant);
    setOpen(what);
  };
  const put = (body: { name?: string; language?: string; enabled?: boolean }) =>
    ok(
      api.PUT('/api/2/tenants/{id}', {
        params: { path: { id: current.id } },
        body: { version: current.version, ...body },
      }),
    );
  const done = (changed: Tenant) => {
    close();
    onChanged(changed);
  };
  const describe = (e: unknown) => {
    // Changed meanwhile: read it again, so that confirming once more acts on the current version.
    if (isVersionConflict(e)) void reload().then(setCurrent, () => undefined);
    return describeFailure(e, t);
  };
  const name = current.name;

  return (
    <div className="client-actions" role="group" aria-label={t('clients.actions.label', { name: tenant.name })}>
      <button type="button" onClick={() => show('edit')}>
        {t('clients.actions.edit')}
      </button>
      {/* One button that turns Disable into Enable: the focus it gave the dialog comes back to it. */}
      <button type="button" onClick={() => show(tenant.enabled ? 'disable' : 'enable')}>
        {t(tenant.enabled ? 'clients.actions.disable' : 'clients.actions.enable')}
      </button>
      {!tenant.enabled && (
        <button type="button" className="danger" onClick={() => show('delete')}>
          {t('clients.actions.delete')}
        </button>
      )}
      <Dialog open={open === 'edit'} title={t('clients.edit.title', { name })} onClose={close}>
        <ClientForm
          key={round}
          initial={current}
          notice={notice}
          submitLabel={t('app.save')}
          onCancel={close}
          onSubmit={async ({ name: newName, language }) => {
            try {
              done(await put({ name: newName, language }));
            } catch (e) {
              if (!isVersionConflict(e)) throw e;
              const fresh = await reload();
              setCurrent(fresh);
              setNotice(t('clients.errors.changedReloaded'));
              setRound((r) => r + 1);
            }
          }}
        />
      </Dialog>
      <Dialog open={open === 'disable'} title={t('clients.disable.title', { name })} onClose={close}>
        <ConfirmAction
          lead={t('clients.disable.lead', { name })}
          confirmLabel={t('clients.actions.disable')}
          danger
          describe={describe}
          onCancel={close}
          onConfirm={async () => done(await put({ enabled: false }))}
        />
      </Dialog>
      <Dialog open={open === 'enable'} title={t('clients.enable.title', { name })} onClose={close}>
        <ConfirmAction
          lead={t('clients.enable.lead', { name })}
          confirmLabel={t('clients.actions.enable')}
          describe={describe}
          onCancel={close}
          onConfirm={async () => done(await put({ enabled: true }))}
        />
      </Dialog>
      <Dialog open={open === 'delete'} title={t('clients.delete.title', { name })} onClose={close}>
        <ConfirmAction
          lead={t('clients.delete.lead', { name })}
          confirmLabel={t('clients.actions.delete')}
          danger
          describe={describe}
          onCancel={close}
          onConfirm={async () => {
            await ok(
              api.DELETE('/api/2/tenants/{id}', {
                params: { path: { id: current.id }, query: { version: current.version } },
              }),
            );
            close();
            onDeleted();
          }}
        />
      </Dialog>
    </div>
  );
}
