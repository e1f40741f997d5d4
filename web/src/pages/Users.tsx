import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { ApiFailure } from '../api/client';
import { useMayWrite } from '../api/roles';
import { Dialog } from '../components/Dialog';
import { ErrorNote, Loading } from '../components/Status';
import { sendActivation } from '../components/contacts/activation';
import { CreateUserForm } from '../components/contacts/CreateUserForm';
import { loadTenant, loadUsers, type Tenant, type User, type UserOrder } from '../components/contacts/load';
import { UsersTable } from '../components/contacts/UsersTable';
import { UserFilters } from '../components/contacts/UserFilters';
import { RolesForm } from '../components/users/RolesForm';
import { toggleEnabled } from '../components/users/userActions';
import { UserDialogs, type UserDialog } from '../components/users/UserDialogs';
import { useSession } from '../session';
import { usePageTitle } from '../components/usePageTitle';

const orders: UserOrder[] = [
  'login',
  '-login',
  'name',
  '-name',
  'contact_types',
  '-contact_types',
  'status',
  '-status',
];

/** The users of a tenant (?tenant=<id>, default one's own), their contact types and roles, creating and activating. */
export function Users() {
  const { t } = useTranslation();
  const { user: me } = useSession();
  const [params, setParams] = useSearchParams();
  const tenantId = params.get('tenant') ?? me!.tenant_id;
  const order = orders.find((o) => o === params.get('order')) ?? 'login';
  const own = tenantId === me!.tenant_id;
  const headingId = useId();
  const [tenant, setTenant] = useState<Tenant>();
  const [users, setUsers] = useState<User[]>();
  const [error, setError] = useState<unknown>();
  const [note, setNote] = useState<{ ok: boolean; text: string }>();
  const [creating, setCreating] = useState(false);
  const [busy, setBusy] = useState<string>();
  const [rolesOf, setRolesOf] = useState<User>();
  const [managing, setManaging] = useState<UserDialog>();
  const mayWrite = useMayWrite(me!.id);
  usePageTitle(tenant && !own ? t('users.titleOf', { name: tenant.name }) : t('users.title'));

  const reload = useCallback(() => {
    setError(undefined);
    return Promise.all([loadTenant(tenantId), loadUsers(tenantId, order)]).then(([tn, list]) => {
      setTenant(tn);
      setUsers(list);
    }, setError);
  }, [tenantId, order]);
  useEffect(() => {
    void reload();
  }, [reload]);

  const setOrder = (next: UserOrder) =>
    setParams(
      (p) => {
        const q = new URLSearchParams(p);
        q.set('order', next);
        return q;
      },
      { replace: true },
    );
  const activate = async (u: User) => {
    setBusy(u.id);
    setNote(await sendActivation(u, t));
    setBusy(undefined);
  };

  const toggle = (u: User) => {
    setBusy(u.id);
    void toggleEnabled(u, t).then((result) => {
      setNote(result);
      setBusy(undefined);
      void reload();
    });
  };
  const manage = (kind: 'edit' | 'delete') => (user: User) => {
    setNote(undefined);
    setManaging({ kind, user });
  };
  const rowActions = { selfId: me!.id, onEdit: manage('edit'), onToggle: toggle, onDelete: manage('delete') };

  if (error instanceof ApiFailure && (error.status === 404 || error.status === 400)) {
    return (
      <>
        <h1>{t('users.title')}</h1>
        <p role="alert" className="note warn">
          {t('users.notFound')}
        </p>
      </>
    );
  }
  return (
    <>
      {!own && tenant && (
        <nav aria-label={t('contacts.company.breadcrumb')} className="breadcrumb">
          <ol>
            <li>
              <Link to="/clients">{t('contacts.client.crumb')}</Link>
            </li>
            <li>
              <Link to={`/clients/${tenant.id}`}>{tenant.name}</Link>
            </li>
            <li aria-current="page">{t('users.title')}</li>
          </ol>
        </nav>
      )}
      <div className="toolbar">
        <h1 id={headingId}>{tenant && !own ? t('users.titleOf', { name: tenant.name }) : t('users.title')}</h1>
        <button
          type="button"
          className="primary"
          disabled={!tenant}
          onClick={() => {
            setNote(undefined);
            setCreating(true);
          }}
        >
          <span aria-hidden="true">+</span> {t('users.create.button')}
        </button>
      </div>
      <div role="status">{note?.ok && <p className="note success">{note.text}</p>}</div>
      {note && !note.ok && (
        <p role="alert" className="note warn">
          {note.text}
        </p>
      )}
      {error ? (
        <ErrorNote error={error} onRetry={() => void reload()} />
      ) : !users ? (
        <Loading />
      ) : (
        <UserFilters users={users}>
          {(shown) => (
            <UsersTable
              users={shown}
              labelledBy={headingId}
              order={order}
              onOrder={setOrder}
              busy={busy}
              onSendActivation={(u) => void activate(u)}
              onRoles={(u) => {
                setNote(undefined);
                setRolesOf(u);
              }}
              manage={mayWrite === true ? rowActions : undefined}
            />
          )}
        </UserFilters>
      )}
      <Dialog open={creating} title={t('users.create.title')} onClose={() => setCreating(false)}>
        <CreateUserForm
          tenantId={tenantId}
          onCancel={() => setCreating(false)}
          onCreated={(_u, result) => {
            setCreating(false);
            setNote(result);
            void reload();
          }}
        />
      </Dialog>
      <UserDialogs
        open={managing}
        onClose={() => setManaging(undefined)}
        onStale={() => void reload()}
        onDone={(text) => {
          setManaging(undefined);
          setNote({ ok: true, text });
          void reload();
        }}
      />
      <Dialog
        open={!!rolesOf && !!tenant}
        title={rolesOf ? t('users.roles.title', { login: rolesOf.login }) : ''}
        onClose={() => setRolesOf(undefined)}
      >
        {rolesOf && tenant && (
          <RolesForm
            user={rolesOf}
            home={tenant}
            mayWrite={mayWrite === true}
            onCancel={() => setRolesOf(undefined)}
            onSaved={(text) => {
              setRolesOf(undefined);
              setNote({ ok: true, text });
            }}
          />
        )}
      </Dialog>
    </>
  );
}
