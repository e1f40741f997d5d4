import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { rolesFor, type Grant, type LiaisonRole, type Place } from './roles';

interface AddRoleProps {
  choices: Place[];
  /** Adds the role, or answers why not (it is held already). */
  onAdd(grant: Grant): string | undefined;
}

/** A company (the user's own or one of its clients) and a role that fits its kind, each saying what it may do. */
export function AddRole({ choices, onAdd }: AddRoleProps) {
  const { t } = useTranslation();
  const id = useId();
  const [tenantId, setTenantId] = useState(choices[0]?.id ?? '');
  const [role, setRole] = useState<LiaisonRole | ''>('');
  const [error, setError] = useState<string>();
  const kind = choices.find((c) => c.id === tenantId)?.kind ?? '';
  const fitting = rolesFor(kind);
  const option = (r: LiaisonRole) =>
    t('users.roles.option', { name: t(`users.roles.names.${r}`), line: t(`users.roles.lines.${r}`) });

  const add = () => {
    if (!role) return setError(t('users.roles.errors.chooseRole'));
    const refused = onAdd({ tenant_id: tenantId, role_id: role, resource_namespace: null });
    setError(refused);
    if (!refused) setRole('');
  };
  const described = [role && `${id}-line`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;

  return (
    <fieldset className="add-role">
      <legend>{t('users.roles.add')}</legend>
      <div className="field">
        <label htmlFor={`${id}-tenant`}>{t('users.roles.company')}</label>
        <select
          id={`${id}-tenant`}
          value={tenantId}
          onChange={(e) => {
            const next = e.currentTarget.value;
            setTenantId(next);
            setError(undefined);
            const nextKind = choices.find((c) => c.id === next)?.kind ?? '';
            if (role && !rolesFor(nextKind).includes(role)) setRole('');
          }}
        >
          {choices.map((c) => (
            <option key={c.id} value={c.id}>
              {t('users.roles.place', { name: c.name, kind: t(`clients.kinds.${c.kind as 'customer'}`) })}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-role`}>{t('users.roles.role')}</label>
        <select
          id={`${id}-role`}
          value={role}
          aria-invalid={error ? true : undefined}
          aria-describedby={described}
          onChange={(e) => {
            setRole(e.currentTarget.value as LiaisonRole | '');
            setError(undefined);
          }}
        >
          <option value="">{t('users.roles.chooseRole')}</option>
          {fitting.map((r) => (
            <option key={r} value={r}>
              {option(r)}
            </option>
          ))}
        </select>
        {role && (
          <span id={`${id}-line`} className="muted">
            {option(role)}
          </span>
        )}
        {error && (
          <p id={`${id}-error`} className="field-error">
            {error}
          </p>
        )}
      </div>
      <button type="button" onClick={add}>
        {t('users.roles.addButton')}
      </button>
    </fieldset>
  );
}
