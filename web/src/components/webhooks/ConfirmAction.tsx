import { useState } from 'react';
import { useTranslation } from 'react-i18next';

interface ConfirmActionProps {
  lead: string;
  confirmLabel: string;
  danger?: boolean;
  /** Runs the action; a thrown error is said here and the dialog stays open. */
  onConfirm(): Promise<void>;
  onCancel(): void;
  describe(e: unknown): string;
}

/** A question before an action that cannot be taken back (delete, rotate): Cancel first, then the action. */
export function ConfirmAction({ lead, confirmLabel, danger, onConfirm, onCancel, describe }: ConfirmActionProps) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const run = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      await onConfirm();
    } catch (e) {
      setProblem(describe(e));
      setBusy(false);
    }
  };
  return (
    <>
      <p className="webhook-confirm">{lead}</p>
      {problem && (
        <p role="alert" className="note error">
          {problem}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          {t('app.cancel')}
        </button>
        <button type="button" className={danger ? 'danger' : 'primary'} disabled={busy} onClick={() => void run()}>
          {confirmLabel}
        </button>
      </div>
    </>
  );
}
