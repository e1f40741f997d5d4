import { useTranslation } from 'react-i18next';
import { ApiFailure } from '../../api/client';
import { Dialog } from '../Dialog';
import { ConfirmAction } from './ConfirmAction';
import * as hooks from './load';
import { problemOf } from './problem';
import { SecretOnce } from './SecretOnce';
import { WebhookForm } from './WebhookForm';

export type Note = { ok: boolean; text: string };
export type Open =
  | { kind: 'create' }
  | { kind: 'edit'; hook: hooks.Webhook; stale?: boolean }
  | { kind: 'rotate' | 'delete'; hook: hooks.Webhook }
  | { kind: 'secret'; secret: string; rotated: boolean };

interface WebhookDialogsProps {
  open?: Open;
  tenantId: string;
  onOpen(open?: Open): void;
  onNote(note: Note): void;
  /** A webhook was created, changed or deleted: the list is read again. */
  onChanged(): void;
}

/**
 * The page's dialogs: create (then its secret, once), edit, rotate (then the new secret, once)
 * and delete, each asking the API and saying what happened.
 */
export function WebhookDialogs({ open, tenantId, onOpen, onNote, onChanged }: WebhookDialogsProps) {
  const { t } = useTranslation();
  const onClose = () => onOpen(undefined);
  return (
    <>
      <Dialog open={open?.kind === 'create'} title={t('webhooks.create.title')} onClose={onClose}>
        <WebhookForm
          submitLabel={t('webhooks.create.submit')}
          onCancel={onClose}
          onSubmit={async (input) => {
            const created = await hooks.createWebhook(tenantId, input);
            onNote({ ok: true, text: t('webhooks.notes.created', { url: created.url }) });
            onOpen({ kind: 'secret', secret: created.secret, rotated: false });
            onChanged();
          }}
        />
      </Dialog>
      <Dialog open={open?.kind === 'edit'} title={t('webhooks.edit.title')} onClose={onClose}>
        {open?.kind === 'edit' && (
          <WebhookForm
            key={open.hook.version}
            webhook={open.hook}
            notice={open.stale ? t('webhooks.errors.changedMeanwhile') : undefined}
            submitLabel={t('webhooks.edit.submit')}
            onCancel={onClose}
            onSubmit={async (input) => {
              const saved = await hooks.updateWebhook(open.hook, input).catch(async (e: unknown) => {
                if (!(e instanceof ApiFailure && e.status === 409)) throw e;
                // Changed meanwhile: the form starts over from the current version.
                onOpen({ kind: 'edit', hook: await hooks.getWebhook(open.hook.id), stale: true });
                onChanged();
              });
              if (!saved) return;
              onNote({ ok: true, text: t('webhooks.notes.saved', { url: saved.url }) });
              onClose();
              onChanged();
            }}
          />
        )}
      </Dialog>
      <Dialog
        open={open?.kind === 'secret'}
        title={
          open?.kind === 'secret' && open.rotated
            ? t('webhooks.secret.rotatedTitle')
            : t('webhooks.secret.createdTitle')
        }
        onClose={onClose}
      >
        {open?.kind === 'secret' && <SecretOnce secret={open.secret} rotated={open.rotated} onDone={onClose} />}
      </Dialog>
      <Dialog open={open?.kind === 'rotate'} title={t('webhooks.rotate.title')} onClose={onClose}>
        {open?.kind === 'rotate' && (
          <ConfirmAction
            lead={t('webhooks.rotate.lead', { url: open.hook.url })}
            confirmLabel={t('webhooks.rotate.confirm')}
            describe={(e) => problemOf(e, t)}
            onCancel={onClose}
            onConfirm={async () => {
              const rotated = await hooks.rotateSecret(open.hook);
              onOpen({ kind: 'secret', secret: rotated.secret, rotated: true });
              onChanged();
            }}
          />
        )}
      </Dialog>
      <Dialog open={open?.kind === 'delete'} title={t('webhooks.remove.title')} onClose={onClose}>
        {open?.kind === 'delete' && (
          <ConfirmAction
            lead={t('webhooks.remove.lead', { url: open.hook.url })}
            confirmLabel={t('webhooks.remove.confirm')}
            danger
            describe={(e) => problemOf(e, t)}
            onCancel={onClose}
            onConfirm={async () => {
              await hooks.deleteWebhook(open.hook).catch((e: unknown) => {
                onChanged();
                throw e;
              });
              onNote({ ok: true, text: t('webhooks.notes.deleted', { url: open.hook.url }) });
              onClose();
              onChanged();
            }}
          />
        )}
      </Dialog>
    </>
  );
}
