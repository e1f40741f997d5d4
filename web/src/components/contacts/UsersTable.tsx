import { useTranslation } from 'react-i18next';
import { fullName, type User, type UserOrder } from './load';
import { TypeChips } from './TypeChips';
import { Email } from '../Email';
import './contacts.css';

type Key = 'login' | 'name' | 'contact_types' | 'status';

interface UsersTableProps {
  users: User[];
  labelledBy: string;
  order: UserOrder;
  onOrder(order: UserOrder): void;
  busy?: string;
  onSendActivation(user: User): void;
  /** Opens the user's roles. */
  onRoles?(user: User): void;
  /** Given to admins who write: edit, disable or enable, delete (never the signed-in user's own disable or delete). */
  manage?: {
    selfId: string;
    onEdit(user: User): void;
    onToggle(user: User): void;
    onDelete(user: User): void;
  };
}

/** The users with their status and contact types; headers sort through the API's `order`. */
export function UsersTable({
  users,
  labelledBy,
  order,
  onOrder,
  busy,
  onSendActivation,
  onRoles,
  manage,
}: UsersTableProps) {
  const { t } = useTranslation();
  const sortable = (key: Key, label: string, className?: string) => {
    const current = order === key ? 'ascending' : order === `-${key}` ? 'descending' : undefined;
    return (
      <th scope="col" className={className} aria-sort={current ?? 'none'}>
        <button
          type="button"
          className="sort"
          onClick={() => onOrder(current === 'ascending' ? (`-${key}` as UserOrder) : key)}
        >
          {label}
          <span aria-hidden="true">{current === 'ascending' ? '▲' : current === 'descending' ? '▼' : '↕'}</span>
          <span className="visually-hidden">{current ? ` (${t(`users.table.${current}`)})` : ''}</span>
        </button>
      </th>
    );
  };
  const cell = (key: 'login' | 'name' | 'email' | 'status' | 'types' | 'actions') => ({
    'data-label': t(`users.table.${key}`),
  });
  return (
    <div className="table-wrap stack-wrap">
      <table className="stack-narrow sort-head" aria-labelledby={labelledBy}>
        <thead>
          <tr>
            {sortable('login', t('users.table.login'))}
            {sortable('name', t('users.table.name'))}
            <th scope="col" className="hide-narrow">
              {t('users.table.email')}
            </th>
            {sortable('status', t('users.table.status'), 'hide-narrow')}
            {sortable('contact_types', t('users.table.types'))}
            <th scope="col">{t('users.table.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td {...cell('login')}>{u.login}</td>
              <td {...cell('name')}>{fullName(u.contact)}</td>
              <td className="hide-narrow email-cell" {...cell('email')}>
                <Email address={u.contact.email} />
              </td>
              <td className="hide-narrow" {...cell('status')}>
                <span className="status-list">
                  <span className={`badge ${u.activated ? 'linked' : 'pending'}`}>
                    {u.activated ? t('users.status.activated') : t('users.status.notActivated')}
                  </span>
                  {!u.enabled && <span className="badge invalid">{t('users.status.disabled')}</span>}
                </span>
              </td>
              <td {...cell('types')}>
                <TypeChips types={u.contact.types} />
              </td>
              <td {...cell('actions')}>
                <div className="row-actions">
                  {onRoles && (
                    <button
                      type="button"
                      onClick={() => onRoles(u)}
                      aria-label={t('users.roles.openFor', { login: u.login })}
                    >
                      {t('users.roles.open')}
                    </button>
                  )}
                  {manage && (
                    <button
                      type="button"
                      onClick={() => manage.onEdit(u)}
                      aria-label={t('users.edit.openFor', { login: u.login })}
                    >
                      {t('users.edit.open')}
                    </button>
                  )}
                  {manage && manage.selfId !== u.id && (
                    <>
                      <button
                        type="button"
                        disabled={busy === u.id}
                        onClick={() => manage.onToggle(u)}
                        aria-label={t(u.enabled ? 'users.edit.disableFor' : 'users.edit.enableFor', { login: u.login })}
                      >
                        {t(u.enabled ? 'users.edit.disable' : 'users.edit.enable')}
                      </button>
                      <button
                        type="button"
                        className="danger"
                        onClick={() => manage.onDelete(u)}
                        aria-label={t('users.delete.openFor', { login: u.login })}
                      >
                        {t('users.delete.open')}
                      </button>
                    </>
                  )}
                  {!u.activated && (
                    <button
                      type="button"
                      disabled={busy === u.id}
                      onClick={() => onSendActivation(u)}
                      aria-label={t('users.activation.sendFor', { login: u.login })}
                    >
                      {t('users.activation.send')}
                    </button>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
