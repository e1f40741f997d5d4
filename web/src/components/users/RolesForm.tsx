import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useLoad, type Tenant } from '../../api/loading';
import type { User } from '../contacts/load';
import { ErrorNote, Loading } from '../Status';
import { AddRole } from './AddRole';
import { isLiaisonRole, loadRoles, roleErrorsOf, sameGrant, saveRoles, type Grant, type RoleErrors } from './roles';
import './users.css';

interface RolesFormProps {
  user: User;
  /** The user's company. */
  home: Tenant;
  /** Whether the signed-in user may change roles (read-only admins see them only). */
  mayWrite: boolean;
  onCancel(): void;
  onSaved(note: string): void;
}

/** The user's roles company by company: an admin adds and removes them, then saves the whole list. */
export function RolesForm({ user, home, mayWrite, onCancel, onSaved }: RolesFormProps) {
  const { t } = useTranslation();
  const id = useId();
  const loaded = useLoad(() => loadRoles(user.id, home), [user.id, home.id]);
  // The roles as edited so far; until the first change, those read.
  const [edited, setDraft] = useState<Grant[]>();
  const [errors, setErrors] = useState<RoleErrors>({ rows: {} });
  const [said, setSaid] = useState('');
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  // The dialog focused what it had on opening (the loading line): once the roles are here, the first field.
  useEffect(() => {
    const form = formRef.current;
    (form?.querySelector<HTMLElement>('select') ?? form?.querySelector<HTMLElement>('button'))?.focus();
  }, [loaded.data]);

  if (loaded.error) return <ErrorNote error={loaded.error} onRetry={loaded.reload} />;
  if (!loaded.data) return <Loading />;
  const { places, choices } = loaded.data;
  const draft = edited ?? loaded.data.grants;

  const where = (g: Grant) => places.get(g.tenant_id)?.name ?? t('users.roles.unknownCompany');
  const name = (g: Grant) =>
    isLiaisonRole(g.role_id)
      ? t(`users.roles.names.${g.role_id}`)
      : [g.role_id, g.resource_namespace].filter(Boolean).join(' · ');
  const line = (g: Grant) =>
    isLiaisonRole(g.role_id) ? t(`users.roles.lines.${g.role_id}`) : t('users.roles.otherProduct');
  const change = (next: Grant[], note: string) => {
    setDraft(next);
    setErrors({ rows: {} });
    setSaid(note);
  };
  const add = (grant: Grant) => {
    if (draft.some((g) => sameGrant(g, grant))) return t('users.roles.errors.duplicate');
    change([...draft, grant], t('users.roles.added', { role: name(grant), company: where(grant) }));
    return undefined;
  };
  const remove = (index: number) => {
    const gone = draft[index];
    change(
      draft.filter((_, i) => i !== index),
      t('users.roles.removed', { role: name(gone), company: where(gone) }),
    );
  };
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    setSaid('');
    try {
      await saveRoles(user.id, draft);
      onSaved(t('users.roles.saved', { login: user.login }));
    } catch (error) {
      setErrors(roleErrorsOf(error, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={formRef} className="roles-form" noValidate onSubmit={(e) => void submit(e)}>
      {errors.form && (
        <p role="alert" className="note error">
          {errors.form}
        </p>
      )}
      {!mayWrite && <p className="note">{t('users.roles.readOnly')}</p>}
      <h3 id={`${id}-list`}>{t('users.roles.current')}</h3>
      {draft.length === 0 ? (
        <p className="muted">{t('users.roles.none')}</p>
      ) : (
        <ul className="role-list" aria-labelledby={`${id}-list`}>
          {draft.map((g, i) => (
            <li key={`${g.tenant_id}/${g.role_id}/${g.resource_namespace ?? ''}`}>
              <div className="role-text">
                <span className="role-place">{where(g)}</span>
                <span>
                  <strong>{name(g)}</strong> <span className="muted">— {line(g)}</span>
                </span>
                {errors.rows[i] && (
                  <p className="field-error" role="alert">
                    {errors.rows[i]}
                  </p>
                )}
              </div>
              {mayWrite && (
                <button
                  type="button"
                  onClick={() => remove(i)}
                  aria-label={t('users.roles.removeOf', { role: name(g), company: where(g) })}
                >
                  {t('users.roles.remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <p role="status" className="visually-hidden">
        {said}
      </p>
      {mayWrite && <AddRole choices={choices} onAdd={add} />}
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          {mayWrite ? t('app.cancel') : t('app.close')}
        </button>
        {mayWrite && (
          <button type="submit" className="primary" disabled={busy}>
            {t('app.save')}
          </button>
        )}
      </div>
    </form>
  );
}
