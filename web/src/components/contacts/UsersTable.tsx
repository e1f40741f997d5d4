import { useTranslation } from 'react-i18next';
import { fullName, type User, type UserOrder } from './load';
import { TypeChips } from './TypeChips';
import './contacts.css';

type Key = 'login' | 'name' | 'contact_types' | 'status';

interface UsersTableProps {
  users: User[];
  labelledBy: string;
  order: UserOrder;
  onOrder(order: UserOrder): void;
  busy?: string;
  onSendActivation(user: User): void;
}

/** The users with their status and contact types; headers sort through the API's `order`. */
export function UsersTable({ users, labelledBy, order, onOrder, busy, onSendActivation }: UsersTableProps) {
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
  return (
    <div className="table-wrap">
      <table aria-labelledby={labelledBy}>
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
              <td>{u.login}</td>
              <td>{fullName(u.contact)}</td>
              <td className="hide-narrow email-cell">{u.contact.email}</td>
              <td className="hide-narrow">
                <span className="status-list">
                  <span className={`badge ${u.activated ? 'linked' : 'pending'}`}>
                    {u.activated ? t('users.status.activated') : t('users.status.notActivated')}
                  </span>
                  {!u.enabled && <span className="badge invalid">{t('users.status.disabled')}</span>}
                </span>
              </td>
              <td>
                <TypeChips types={u.contact.types} />
              </td>
              <td>
                {!u.activated && (
                  <div className="row-actions">
                    <button
                      type="button"
                      disabled={busy === u.id}
                      onClick={() => onSendActivation(u)}
                      aria-label={t('users.activation.sendFor', { login: u.login })}
                    >
                      {t('users.activation.send')}
                    </button>
                  </div>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
