import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { eventGroups, eventKinds, type EventAction, type EventKind } from './events';

interface EventsFieldProps {
  value: string[];
  onChange(events: string[]): void;
  error?: string;
}

const actionOf = (event: string) => event.split('.')[1] as EventAction;

/**
 * The events as checkboxes grouped by kind; "All …" (kind.*) stands for the whole kind, those
 * added later included, so its single events are then shown checked and fixed.
 */
export function EventsField({ value, onChange, error }: EventsFieldProps) {
  const { t } = useTranslation();
  const id = useId();
  const toggle = (event: string, on: boolean, kind: EventKind) => {
    const rest = value.filter((e) => e !== event);
    // Choosing the whole kind replaces its single events.
    const pruned = event.endsWith('.*') ? rest.filter((e) => !e.startsWith(`${kind}.`)) : rest;
    onChange(on ? [...pruned, event] : pruned);
  };
  return (
    <fieldset
      className="events-field"
      aria-describedby={[`${id}-lead`, error && `${id}-error`].filter(Boolean).join(' ')}
      data-invalid={error ? true : undefined}
    >
      <legend>
        {t('webhooks.form.events')}{' '}
        <span className="required-mark" aria-hidden="true">
          *
        </span>
        <span className="visually-hidden"> ({t('app.required')})</span>
      </legend>
      <p id={`${id}-lead`} className="muted">
        {t('webhooks.form.eventsLead')}
      </p>
      <div className="event-groups">
        {eventKinds.map((kind) => {
          const all = value.includes(`${kind}.*`);
          return (
            <fieldset key={kind} className="event-group">
              <legend>{t(`webhooks.groups.${kind}`)}</legend>
              <label className="check">
                <input
                  type="checkbox"
                  name="events"
                  value={`${kind}.*`}
                  checked={all}
                  onChange={(e) => toggle(`${kind}.*`, e.target.checked, kind)}
                />
                <span>
                  {t(`webhooks.allOf.${kind}`)} <code>{kind}.*</code>
                </span>
              </label>
              {eventGroups[kind].map((event) => (
                <label key={event} className="check">
                  <input
                    type="checkbox"
                    name="events"
                    value={event}
                    checked={all || value.includes(event)}
                    disabled={all}
                    onChange={(e) => toggle(event, e.target.checked, kind)}
                  />
                  <span>
                    {t(`webhooks.actionsOf.${actionOf(event)}`)} <code>{event}</code>
                  </span>
                </label>
              ))}
            </fieldset>
          );
        })}
      </div>
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
