import { useTranslation } from 'react-i18next';

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
