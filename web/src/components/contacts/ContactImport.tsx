import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiFailure, ok } from '../../api/client';
import { formatNumber } from '../../i18n';
import { formErrorsOf } from './errors';
import { ImportPreview, type ImportReport as Outcome } from './ImportPreview';

type Counts = Outcome['counts'];
type Mode = 'dry_run' | 'apply';

/** Sends the CSV as it is (text/csv); a rejected apply (422) still carries counts, errors and rows. */
async function runImport(tenantId: string, csv: string, mode: Mode, skip: boolean): Promise<Outcome> {
  const query = { tenant_id: tenantId, mode, ...(skip ? { on_error: 'skip' as const } : {}) };
  try {
    return await ok(
      api.POST('/api/2/contact-imports', {
        params: { query },
        body: csv as never,
        bodySerializer: (b: unknown) => b as string,
        headers: { 'content-type': 'text/csv' },
      }),
    );
  } catch (e) {
    const body = e instanceof ApiFailure ? (e.body as Partial<Outcome> | undefined) : undefined;
    if (body?.counts && body.errors) return { counts: body.counts, errors: body.errors, rows: body.rows ?? [] };
    throw e;
  }
}

/** Import: choose a CSV; Check (a dry run) shows the counts and each row's action, then Import or Import the valid rows. */
export function ImportForm({
  tenantId,
  onCancel,
  onDone,
}: {
  tenantId: string;
  onCancel(): void;
  onDone(note: string): void;
}) {
  const { t } = useTranslation();
  const fileId = useId();
  const [csv, setCsv] = useState<string>();
  const [preview, setPreview] = useState<Outcome>();
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);

  const run = async (mode: Mode, skip = false) => {
    if (csv === undefined) return setFailure(t('contacts.transfer.chooseFile'));
    setBusy(true);
    setFailure(undefined);
    try {
      const outcome = await runImport(tenantId, csv, mode, skip);
      if (mode === 'dry_run' || (outcome.counts.error > 0 && !skip)) return setPreview(outcome);
      const n = (k: keyof Counts) => formatNumber(outcome.counts[k]);
      onDone(
        t(skip && outcome.counts.error ? 'contacts.transfer.doneSkipped' : 'contacts.transfer.done', {
          create: n('create'),
          update: n('update'),
          unchanged: n('unchanged'),
          error: n('error'),
          count: outcome.counts.error,
        }),
      );
    } catch (e) {
      setFailure(formErrorsOf(e, t, []).form ?? String(e));
    } finally {
      setBusy(false);
    }
  };

  const counts = preview?.counts;
  return (
    <form
      className="transfer-form"
      onSubmit={(e) => {
        e.preventDefault();
        void run('dry_run');
      }}
    >
      <p className="muted">{t('contacts.transfer.lead')}</p>
      <label htmlFor={fileId}>{t('contacts.transfer.file')}</label>
      <input
        id={fileId}
        type="file"
        accept=".csv,text/csv"
        onChange={(e) => {
          setPreview(undefined);
          setFailure(undefined);
          const file = e.currentTarget.files?.[0];
          if (!file) return setCsv(undefined);
          void file.text().then(setCsv);
        }}
      />
      {failure && (
        <p role="alert" className="note error">
          {failure}
        </p>
      )}
      <div role="status">
        {counts && (
          <p className="transfer-counts">
            {(['create', 'update', 'unchanged', 'error'] as const).map((k) => (
              <span key={k} className={`badge transfer-${k}`}>
                {t(`contacts.transfer.counts.${k}`, { n: formatNumber(counts[k]) })}
              </span>
            ))}
          </p>
        )}
      </div>
      {preview && <ImportPreview report={preview} />}
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          {t('contacts.transfer.cancel')}
        </button>
        <button type="submit" disabled={busy || csv === undefined}>
          {t('contacts.transfer.check')}
        </button>
        {counts && counts.error > 0 && counts.create + counts.update > 0 && (
          <button type="button" disabled={busy} onClick={() => void run('apply', true)}>
            {t('contacts.transfer.applyValid')}
          </button>
        )}
        {counts && (
          <button
            type="button"
            className="primary"
            disabled={busy || counts.error > 0}
            onClick={() => void run('apply')}
          >
            {t('contacts.transfer.apply')}
          </button>
        )}
      </div>
    </form>
  );
}
