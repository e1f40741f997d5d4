import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Tenant } from '../../api/loading';
import { TextField } from '../contacts/TextField';
import { focusFirstInvalid, formErrorsOf, isVersionConflict, type FormErrors } from '../contacts/errors';
import { cardToSend, changedFields, profileFieldNames, profileFields, valuesOf, type ProfileValues } from './card';

interface ProfileFormProps {
  tenant: Tenant;
  /** Reads the company again (after a version conflict). */
  reload(): Promise<Tenant>;
  onSaved(tenant: Tenant): void;
  onCancel(): void;
}

/** Edits the legal card's address, phone, website and email; a PUT with the version read. */
export function ProfileForm({ tenant: first, reload, onSaved, onCancel }: ProfileFormProps) {
  const { t } = useTranslation();
  const formRef = useRef<HTMLFormElement>(null);
  const [tenant, setTenant] = useState(first);
  const [errors, setErrors] = useState<FormErrors>({ fields: {} });
  const [changed, setChanged] = useState<string[]>();
  const [busy, setBusy] = useState(false);
  const [checked, setChecked] = useState(0);
  useEffect(() => {
    if (checked) focusFirstInvalid(formRef.current);
  }, [checked]);

  const read = (): ProfileValues => {
    const data = new FormData(formRef.current!);
    return Object.fromEntries(profileFieldNames.map((f) => [f, String(data.get(f) ?? '')])) as ProfileValues;
  };

  /** Changed meanwhile: a field left alone takes the current value, a typed one stays; the changes are listed. */
  const merge = (fresh: Tenant) => {
    const mine = valuesOf(tenant.contact);
    const typed = read();
    const theirs = changedFields(tenant.contact, fresh.contact);
    for (const f of theirs) {
      const input = formRef.current!.elements.namedItem(f) as HTMLInputElement;
      if (typed[f].trim() === mine[f]) input.value = fresh.contact[f] ?? '';
    }
    setTenant(fresh);
    setChanged(theirs.map((f) => t(`clients.profile.fields.${f}`)));
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setErrors({ fields: {} });
    try {
      const body = { version: tenant.version, contact: cardToSend(tenant.contact, read()) };
      onSaved(await ok(api.PUT('/api/2/tenants/{id}', { params: { path: { id: tenant.id } }, body })));
    } catch (e) {
      if (isVersionConflict(e)) {
        try {
          merge(await reload());
        } catch (again) {
          setErrors(formErrorsOf(again, t, []));
        }
      } else {
        const found = formErrorsOf(e, t, profileFieldNames);
        // The card's own words for its fields, rather than the contact form's.
        for (const f of profileFieldNames) if (found.fields[f]) found.fields[f] = t(`clients.profile.errors.${f}`);
        setErrors(found);
        setChecked((n) => n + 1);
      }
    } finally {
      setBusy(false);
    }
  };

  const initial = valuesOf(first.contact);
  return (
    <form ref={formRef} noValidate onSubmit={(e) => void submit(e)} className="profile-form">
      {changed && (
        <div role="alert" className="note warn">
          <p>{t('clients.profile.changedMeanwhile')}</p>
          {changed.length > 0 && <p>{t('clients.profile.changedFields', { fields: changed.join(', ') })}</p>}
        </div>
      )}
      {errors.form && (
        <p role="alert" className="note error">
          {errors.form}
        </p>
      )}
      {profileFields.map((f) => (
        <TextField
          key={f.name}
          name={f.name}
          type={'type' in f ? f.type : 'text'}
          label={t(`clients.profile.fields.${f.name}`)}
          hint={f.name === 'website' ? t('clients.profile.websiteHint') : undefined}
          defaultValue={initial[f.name]}
          maxLength={f.max}
          autoComplete="off"
          error={errors.fields[f.name]}
        />
      ))}
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          {t('app.cancel')}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {t('app.save')}
        </button>
      </div>
    </form>
  );
}
