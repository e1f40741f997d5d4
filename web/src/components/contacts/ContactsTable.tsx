import { useTranslation } from 'react-i18next';
import { fullName, type Contact } from './load';
import { TypeChips } from './TypeChips';
import { Email } from '../Email';

/** What an admin who writes may do to a row (none for a read-only admin). */
interface RowActions {
  onEdit(contact: Contact): void;
  onDelete(contact: Contact): void;
  onResend(contact: Contact): void;
  onCancelPending(contact: Contact): void;
}

interface ContactsTableProps {
  contacts: Contact[];
  labelledBy: string;
  busy?: string;
  actions?: RowActions;
  onOpen(contact: Contact): void;
}

/** One row a contact: who, how to reach them, their types, and (for an admin who writes) what can be done. */
export function ContactsTable({ contacts, labelledBy, busy, actions, onOpen }: ContactsTableProps) {
  const { t } = useTranslation();
  const cell = (key: 'name' | 'email' | 'phone' | 'title' | 'types' | 'actions') => ({
    'data-label': t(`contacts.table.${key}`),
  });
  return (
    <div className="table-wrap stack-wrap">
      <table className="stack-narrow" aria-labelledby={labelledBy}>
        <thead>
          <tr>
            <th scope="col">{t('contacts.table.name')}</th>
            <th scope="col">{t('contacts.table.email')}</th>
            <th scope="col" className="hide-narrow">
              {t('contacts.table.phone')}
            </th>
            <th scope="col" className="hide-narrow">
              {t('contacts.table.title')}
            </th>
            <th scope="col">{t('contacts.table.types')}</th>
            {actions && <th scope="col">{t('contacts.table.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {contacts.map((c) => {
            const name = fullName(c) || c.email;
            return (
              <tr key={c.id}>
                <td {...cell('name')}>
                  <button
                    type="button"
                    className="link-button name-button"
                    aria-haspopup="dialog"
                    title={t('contacts.panel.open', { name })}
                    onClick={() => onOpen(c)}
                  >
                    {name}
                  </button>
                  {c.user_id && (
                    <span className="badge linked" title={t('contacts.table.linkedHelp')}>
                      {t('contacts.table.linked')}
                    </span>
                  )}
                </td>
                <td className="email-cell" {...cell('email')}>
                  <Email address={c.email} />
                  {c.validation_state === 'invalid' && (
                    <span className="badge invalid" title={t('contacts.table.invalidHelp')}>
                      {t('contacts.table.invalid')}
                    </span>
                  )}
                  {c.pending_email && (
                    <span className="pending-line">
                      <span className="badge pending">{t('contacts.table.pending')}</span>{' '}
                      <Email address={c.pending_email} />{' '}
                      {actions && (
                        <>
                          <button
                            type="button"
                            className="link-button"
                            disabled={busy === c.id}
                            onClick={() => actions.onResend(c)}
                            aria-label={t('contacts.table.resendFor', { email: c.pending_email })}
                          >
                            {t('contacts.table.resend')}
                          </button>
                          <button
                            type="button"
                            className="link-button"
                            disabled={busy === c.id}
                            onClick={() => actions.onCancelPending(c)}
                            aria-label={t('contacts.table.cancelFor', { email: c.pending_email })}
                          >
                            {t('contacts.table.cancelPending')}
                          </button>
                        </>
                      )}
                    </span>
                  )}
                </td>
                <td className="hide-narrow" {...cell('phone')}>
                  {c.phone || null}
                </td>
                <td className="hide-narrow" {...cell('title')}>
                  {c.title || null}
                </td>
                <td {...cell('types')}>
                  <TypeChips types={c.types} primary={c.primary_types} />
                  {c.attestation_state && (
                    <span className={`badge attestation-${c.attestation_state}`}>
                      {t(`attestation.states.${c.attestation_state}`)}
                    </span>
                  )}
                </td>
                {actions && (
                  <td {...cell('actions')}>
                    <div className="row-actions">
                      <button
                        type="button"
                        onClick={() => actions.onEdit(c)}
                        aria-label={t('contacts.table.editFor', { name })}
                      >
                        {t('app.edit')}
                      </button>
                      <button
                        type="button"
                        onClick={() => actions.onDelete(c)}
                        aria-label={t('contacts.table.deleteFor', { name })}
                      >
                        {t('app.delete')}
                      </button>
                    </div>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
