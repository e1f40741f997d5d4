import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A signing secret, shown this once: a warning, the secret (read-only, selectable), a Copy button
 * saying whether it copied, and the button that closes it for good.
 */
export function SecretOnce({ secret, rotated, onDone }: { secret: string; rotated: boolean; onDone(): void }) {
  const { t } = useTranslation();
  const id = useId();
  const [copied, setCopied] = useState<boolean>();
  const copy = () =>
    navigator.clipboard.writeText(secret).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  return (
    <div className="secret-once">
      <p className="note warn" id={`${id}-warning`}>
        <strong>{t('webhooks.secret.warning')}</strong>
      </p>
      {rotated && <p>{t('webhooks.secret.rotated')}</p>}
      <div className="field">
        <label htmlFor={id}>{t('webhooks.secret.label')}</label>
        <div className="secret-row">
          <input
            id={id}
            className="secret"
            readOnly
            value={secret}
            aria-describedby={`${id}-warning`}
            spellCheck={false}
            onFocus={(e) => e.currentTarget.select()}
          />
          <button type="button" onClick={() => void copy()}>
            {t('webhooks.secret.copy')}
          </button>
        </div>
        <p role="status" className="muted">
          {copied === true ? t('webhooks.secret.copied') : copied === false ? t('webhooks.secret.copyFailed') : ''}
        </p>
      </div>
      <div className="dialog-actions">
        <button type="button" className="primary" onClick={onDone}>
          {t('webhooks.secret.done')}
        </button>
      </div>
    </div>
  );
}
