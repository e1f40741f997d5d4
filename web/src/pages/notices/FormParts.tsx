import { useTranslation } from 'react-i18next';
import { recipientRules, type Recipients } from './shared';

/** The scope of a notice already on the server (scheduled, or a saved draft): it no longer changes. */
export function FixedScope({ name }: { name: string }) {
  const { t } = useTranslation();
  return (
    <fieldset>
      <legend>{t('notices.compose.scope')}</legend>
      <p>
        <strong>{t('notices.compose.scopeFixed', { name })}</strong>
      </p>
    </fieldset>
  );
}

/**
 * Check recipients (the form's submit) and, for a notice not sent yet, Save draft: kept on the
 * server unsent, saved again into the same draft. `saved`: said until the text changes.
 */
export function FormButtons({
  fresh,
  busy,
  mayDraft,
  saved,
  onSaveDraft,
}: {
  fresh: boolean;
  busy: boolean;
  mayDraft: boolean;
  saved: boolean;
  onSaveDraft(): void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <div className="button-row">
        <button type="submit" className={fresh ? undefined : 'primary'} disabled={busy}>
          {t('notices.compose.preview')}
        </button>
        {mayDraft && (
          <button type="button" disabled={busy} onClick={onSaveDraft}>
            {t('notices.compose.saveDraft')}
          </button>
        )}
      </div>
      <div role="status">{saved && <p className="note success">{t('notices.compose.draftSaved')}</p>}</div>
    </>
  );
}

/** Who of each company receives it: every contact of the type, or its primary contact of the type only. */
export function RecipientsField({ value, onChange }: { value: Recipients; onChange(value: Recipients): void }) {
  const { t } = useTranslation();
  const label = { all: 'recipientsAll', primary: 'recipientsPrimary' } as const;
  return (
    <fieldset>
      <legend>{t('notices.compose.recipients')}</legend>
      {recipientRules.map((rule) => (
        <div key={rule} className="radio-row">
          <input
            type="radio"
            id={`recipients-${rule}`}
            name="recipients"
            value={rule}
            checked={value === rule}
            aria-describedby={`recipients-${rule}-help`}
            onChange={() => onChange(rule)}
          />
          <label htmlFor={`recipients-${rule}`}>{t(`notices.compose.${label[rule]}`)}</label>
          <span id={`recipients-${rule}-help`} className="muted">
            {t(`notices.compose.${label[rule]}Help`)}
          </span>
        </div>
      ))}
    </fieldset>
  );
}
