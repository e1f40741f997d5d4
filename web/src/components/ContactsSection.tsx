import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMayWrite } from '../api/roles';
import { useSession } from '../session';
import { Dialog } from './Dialog';
import { ErrorNote, Loading } from './Status';
import { AddContactForm } from './contacts/AddContactForm';
import { ContactMail } from './contacts/ContactMail';
import { ContactsTable } from './contacts/ContactsTable';
import { ContactFilters } from './contacts/ContactFilters';
import { ContactPanel } from './contacts/ContactPanel';
import { ContactTransfer } from './contacts/ContactTransfer';
import { DeleteContactForm } from './contacts/DeleteContactForm';
import { EditContactForm } from './contacts/EditContactForm';
import { pendingEmailAction } from './contacts/pendingEmail';
import { fullName, loadContacts, type Contact } from './contacts/load';

type Note = { kind: 'success' | 'warn' | 'error'; text: string };
const byName = (a: Contact, b: Contact) =>
  (a.lastname || a.email).localeCompare(b.lastname || b.email) || a.firstname.localeCompare(b.firstname);

/** A tenant's contacts: the table, adding, editing, deleting, pending email changes; onLoaded hears each read. */
export function ContactsSection({ tenantId, onLoaded }: { tenantId: string; onLoaded?(contacts: Contact[]): void }) {
  const { t } = useTranslation();
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [contacts, setContacts] = useState<Contact[]>();
  const [loadError, setLoadError] = useState<unknown>();
  const [note, setNote] = useState<Note>();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<Contact>();
  const [deleting, setDeleting] = useState<Contact>();
  const [viewing, setViewing] = useState<Contact>();
  const [busy, setBusy] = useState<string>();
  const mayWrite = useMayWrite(useSession().user?.id) === true;

  const reload = useCallback(() => {
    setLoadError(undefined);
    return loadContacts(tenantId).then((all) => setContacts(all.sort(byName)), setLoadError);
  }, [tenantId]);
  useEffect(() => {
    setContacts(undefined);
    void reload();
  }, [reload]);
  useEffect(() => void (contacts && onLoaded?.(contacts)), [contacts]);

  const takenUserIds = useMemo(
    () => new Set((contacts ?? []).flatMap((c) => (c.user_id ? [c.user_id] : []))),
    [contacts],
  );
  const nameOf = (c: Contact) => fullName(c) || c.email;

  const pendingAction = (c: Contact, action: 'resend' | 'cancel') => {
    setBusy(c.id);
    void pendingEmailAction(c, action, t)
      .then(setNote)
      .finally(() => {
        setBusy(undefined);
        void reload();
      });
  };
  /** Opens a dialog on a row, forgetting the last note. */
  const opening = (open: (c: Contact) => void) => (c: Contact) => {
    setNote(undefined);
    open(c);
  };

  return (
    <section aria-labelledby={headingId}>
      <div className="toolbar">
        <h2 id={headingId} ref={headingRef} tabIndex={-1}>
          {t('contacts.title')}
        </h2>
        {mayWrite && (
          <button
            type="button"
            className="primary"
            onClick={() => {
              setNote(undefined);
              setAdding(true);
            }}
            disabled={!contacts}
            aria-label={t('contacts.add.buttonFor')}
          >
            <span aria-hidden="true">+</span> {t('contacts.add.button')}
          </button>
        )}
        <ContactTransfer
          tenantId={tenantId}
          onImported={(text) => {
            setNote({ kind: 'success', text });
            void reload();
          }}
        />
      </div>
      <div role="status">{note && note.kind !== 'error' && <p className={`note ${note.kind}`}>{note.text}</p>}</div>
      {note?.kind === 'error' && (
        <p role="alert" className="note error">
          {note.text}
        </p>
      )}
      {loadError ? (
        <ErrorNote error={loadError} onRetry={() => void reload()} />
      ) : !contacts ? (
        <Loading />
      ) : (
        <ContactFilters contacts={contacts}>
          {(shown) => (
            <ContactsTable
              contacts={shown}
              labelledBy={headingId}
              busy={busy}
              actions={
                mayWrite
                  ? {
                      onEdit: opening(setEditing),
                      onDelete: opening(setDeleting),
                      onResend: (c) => pendingAction(c, 'resend'),
                      onCancelPending: (c) => pendingAction(c, 'cancel'),
                    }
                  : undefined
              }
              onOpen={setViewing}
            />
          )}
        </ContactFilters>
      )}

      <Dialog open={!!viewing} title={viewing ? nameOf(viewing) : ''} onClose={() => setViewing(undefined)}>
        {viewing && <ContactPanel contact={viewing} onClose={() => setViewing(undefined)} />}
      </Dialog>
      <Dialog open={adding} title={t('contacts.add.title')} onClose={() => setAdding(false)}>
        <AddContactForm
          tenantId={tenantId}
          takenUserIds={takenUserIds}
          onCancel={() => setAdding(false)}
          onAdded={(c) => {
            setAdding(false);
            setNote({ kind: 'success', text: t('contacts.notes.added', { name: nameOf(c) }) });
            void reload();
          }}
        />
      </Dialog>
      <Dialog
        open={!!editing}
        title={t('contacts.edit.title', { name: editing ? nameOf(editing) : '' })}
        onClose={() => setEditing(undefined)}
      >
        {editing && <ContactMail contact={editing} />}
        {editing && (
          <EditContactForm
            contact={editing}
            onCancel={() => setEditing(undefined)}
            onStale={() => void reload()}
            onSaved={(c, pending) => {
              setEditing(undefined);
              setNote(
                pending
                  ? {
                      kind: 'warn',
                      text: t('contacts.notes.confirmationSent', {
                        email: c.pending_email,
                        current: c.email,
                        name: nameOf(c),
                      }),
                    }
                  : { kind: 'success', text: t('contacts.notes.saved', { name: nameOf(c) }) },
              );
              void reload();
            }}
          />
        )}
      </Dialog>
      <Dialog open={!!deleting} title={t('contacts.remove.title')} onClose={() => setDeleting(undefined)}>
        {deleting && (
          <DeleteContactForm
            contact={deleting}
            onCancel={() => setDeleting(undefined)}
            onStale={() => void reload()}
            onDeleted={() => {
              setNote({
                kind: 'success',
                text: t(deleting.user_id ? 'contacts.notes.deletedLinked' : 'contacts.notes.deleted', {
                  name: nameOf(deleting),
                }),
              });
              setDeleting(undefined);
              // The row and its button are gone: focus the section instead of the page's top.
              void reload().then(() => headingRef.current?.focus());
            }}
          />
        )}
      </Dialog>
    </section>
  );
}
