import { useTranslation } from 'react-i18next';
import { Dialog } from '../Dialog';
import type { User } from '../contacts/load';
import { DeleteUserForm } from './DeleteUserForm';
import { EditUserForm } from './EditUserForm';

export type UserDialog = { kind: 'edit' | 'delete'; user: User } | undefined;

interface UserDialogsProps {
  open: UserDialog;
  onClose(): void;
  /** Saved or deleted: the note to show. */
  onDone(text: string): void;
  /** A save or delete met a change made meanwhile: read the list again. */
  onStale(): void;
}

/** The Edit and Delete dialogs of a user's row. */
export function UserDialogs({ open, onClose, onDone, onStale }: UserDialogsProps) {
  const { t } = useTranslation();
  const editing = open?.kind === 'edit' ? open.user : undefined;
  const deleting = open?.kind === 'delete' ? open.user : undefined;
  return (
    <>
      <Dialog open={!!editing} title={editing ? t('users.edit.title', { login: editing.login }) : ''} onClose={onClose}>
        {editing && <EditUserForm user={editing} onCancel={onClose} onSaved={onDone} onStale={onStale} />}
      </Dialog>
      <Dialog
        open={!!deleting}
        title={deleting ? t('users.delete.title', { login: deleting.login }) : ''}
        onClose={onClose}
      >
        {deleting && <DeleteUserForm user={deleting} onCancel={onClose} onDeleted={onDone} onStale={onStale} />}
      </Dialog>
    </>
  );
}
