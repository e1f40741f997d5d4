import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiFailure } from '../../api/client';
import { TextField } from '../contacts/TextField';
import { focusFirstInvalid, type FormErrors } from '../contacts/errors';
import { EventsField } from './EventsField';
import type { Webhook, WebhookInput } from './load';

interface WebhookFormProps {
  /** The webhook edited; none when creating. */
  webhook?: Webhook;
  /** Said above the form (it was changed meanwhile and now shows the current version). */
  notice?: string;
  submitLabel: string;
  onSubmit(input: WebhookInput): Promise<void>;
  onCancel(): void;
}

/** A failed save as messages: a 400 beside the field it names (with the API's reason), else above the form. */
function errorsOf(e: unknown, t: TFunction): FormErrors {
  if (!(e instanceof ApiFailure)) return { fields: {}, form: t('app.error', { message: String(e) }) };
  if (e.status === 400 && e.fields.length) {
    const fields: Record<string, string> = {};
    const reason = e.message.replace(/^[\w.]+: /, '');
    for (const raw of e.fields) {
      const field = raw.replace(/[./]\d+$/, '').replace(/^\//, '');
      if (field === 'url') fields.url = t('webhooks.errors.url', { reason });
      else if (field === 'events') fields.events = t('webhooks.errors.eventsRefused', { reason });
      else if (field === 'description') fields.description = t('app.error', { message: reason });
    }
    if (Object.keys(fields).length) return { fields };
  }
  if (e.status === 409) return { fields: {}, form: t('webhooks.errors.changedReload') };
  if (e.status === 403) return { fields: {}, form: t('webhooks.errors.forbidden') };
  if (e.status === 404) return { fields: {}, form: t('webhooks.errors.gone') };
  return { fields: {}, form: t('app.error', { message: e.message }) };
}

/** Address, description, events and enabled: creating a webhook or editing one (the version it was read at). */
export function WebhookForm({ webhook, notice, submitLabel, onSubmit, onCancel }: WebhookFormProps) {
  const { t } = useTranslation();
  const formRef = useRef<HTMLFormElement>(null);
  const [events, setEvents] = useState<string[]>(webhook?.events ?? []);
  const [errors, setErrors] = useState<FormErrors>({ fields: {} });
  const [busy, setBusy] = useState(false);

  const show = setErrors;
  // Once the errors are on screen, focus goes to the first field they name.
  useEffect(() => focusFirstInvalid(formRef.current), [errors]);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const url = String(data.get('url') ?? '').trim();
    const description = String(data.get('description') ?? '').trim();
    const fields: Record<string, string> = {};
    if (!url) fields.url = t('webhooks.errors.urlMissing');
    if (!events.length) fields.events = t('webhooks.errors.events');
    if (Object.keys(fields).length) return show({ fields });
    setBusy(true);
    try {
      await onSubmit({ url, description: description || null, events, enabled: data.get('enabled') === 'on' });
    } catch (error) {
      show(errorsOf(error, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={formRef} className="webhook-form" noValidate onSubmit={(e) => void submit(e)}>
      {notice && !errors.form && (
        <p role="alert" className="note warn">
          {notice}
        </p>
      )}
      {errors.form && (
        <p role="alert" className="note error">
          {errors.form}
        </p>
      )}
      <TextField
        name="url"
        type="url"
        inputMode="url"
        label={t('webhooks.form.url')}
        hint={t('webhooks.form.urlHint')}
        required
        maxLength={2048}
        defaultValue={webhook?.url ?? ''}
        error={errors.fields.url}
        autoComplete="off"
        spellCheck={false}
      />
      <TextField
        name="description"
        label={t('webhooks.form.description')}
        maxLength={500}
        defaultValue={webhook?.description ?? ''}
        error={errors.fields.description}
      />
      <EventsField value={events} onChange={setEvents} error={errors.fields.events} />
      <label className="check">
        <input type="checkbox" name="enabled" defaultChecked={webhook?.enabled ?? true} />
        <span>{t('webhooks.form.enabled')}</span>
      </label>
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          {t('app.cancel')}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
