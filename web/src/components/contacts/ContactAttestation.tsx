import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { paths } from '../../api/schema';
import { useMayWrite } from '../../api/roles';
import { formatDate, formatNumber } from '../../i18n';
import { useSession } from '../../session';
import { Dialog } from '../Dialog';
import { formErrorsOf } from './errors';
import './attestation.css';

type Campaign = paths['/api/2/attestation-campaigns/{id}']['get']['responses'][200]['content']['application/json'];
type ContactType = 'billing' | 'technical' | 'management';
const allTypes: ContactType[] = ['billing', 'technical', 'management'];
const shownStates = ['pending', 'confirmed', 'declined', 'expired'] as const;

/**
 * Re-attestation in a contacts section: the last campaign's progress as counts, and (for admins
 * who write) "Ask to confirm", which mails every contact of the company and the clients below it
 * whether it still holds its types, optionally every year.
 */
export function ContactAttestation({ tenantId, onStarted }: { tenantId: string; onStarted(note: string): void }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const mayWrite = useMayWrite(user?.id) === true;
  const [last, setLast] = useState<Campaign>();
  const [asking, setAsking] = useState(false);

  const reload = useCallback(async () => {
    const list = await ok(api.GET('/api/2/attestation-campaigns', { params: { query: { tenant_id: tenantId } } }));
    setLast(list.items[0]);
  }, [tenantId]);
  useEffect(() => {
    setLast(undefined);
    reload().catch(() => undefined);
  }, [reload]);

  return (
    <>
      {mayWrite && (
        <button type="button" onClick={() => setAsking(true)}>
          {t('attestation.campaign.button')}
        </button>
      )}
      {last && (
        <span className="attestation-progress">
          <span>{t('attestation.campaign.last', { when: formatDate(last.created_at) })}</span>{' '}
          {shownStates.map((state) => (
            <span key={state} className={`badge attestation-${state}`}>
              {t(`attestation.campaign.counts.${state}`, { n: formatNumber(last.counts[state]) })}
            </span>
          ))}
        </span>
      )}
      <Dialog open={asking} title={t('attestation.campaign.title')} onClose={() => setAsking(false)}>
        <AskForm
          tenantId={tenantId}
          onCancel={() => setAsking(false)}
          onDone={(campaign, yearly) => {
            setAsking(false);
            setLast(campaign);
            onStarted(
              t(yearly ? 'attestation.campaign.startedYearly' : 'attestation.campaign.started', {
                count: campaign.counts.total,
                n: formatNumber(campaign.counts.total),
              }),
            );
          }}
        />
      </Dialog>
    </>
  );
}

function AskForm({
  tenantId,
  onCancel,
  onDone,
}: {
  tenantId: string;
  onCancel(): void;
  onDone(campaign: Campaign, yearly: boolean): void;
}) {
  const { t } = useTranslation();
  const daysId = useId();
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const types = allTypes.filter((type) => form.get(`type-${type}`) === 'on');
    if (types.length === 0) return setFailure(t('attestation.campaign.noType'));
    const days = String(form.get('days') ?? '').trim();
    const olderThan = days === '' ? null : Number(days);
    setBusy(true);
    setFailure(undefined);
    try {
      const body = { scope_tenant_id: tenantId, types, older_than_days: olderThan };
      const campaign = await ok(api.POST('/api/2/attestation-campaigns', { body }));
      const yearly = form.get('yearly') === 'on';
      if (yearly) {
        const next = new Date(Date.now() + 365 * 86_400_000).toISOString();
        await ok(
          api.PUT('/api/2/tenants/{id}/attestation-schedule', {
            params: { path: { id: tenantId } },
            body: { types, older_than_days: olderThan, next_run_at: next },
          }),
        );
      }
      onDone(campaign, yearly);
    } catch (e) {
      setFailure(formErrorsOf(e, t, []).form ?? String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="attestation-form" onSubmit={(e) => void submit(e)} noValidate>
      <p>{t('attestation.campaign.lead')}</p>
      <fieldset>
        <legend>{t('attestation.campaign.types')}</legend>
        {allTypes.map((type) => (
          <label key={type} className="check">
            <input type="checkbox" name={`type-${type}`} defaultChecked /> {t(`contactTypes.${type}`)}
          </label>
        ))}
      </fieldset>
      <label htmlFor={daysId}>{t('attestation.campaign.olderThan')}</label>
      <input id={daysId} name="days" type="number" min={1} max={3650} inputMode="numeric" />
      <label className="check">
        <input type="checkbox" name="yearly" /> {t('attestation.campaign.yearly')}
      </label>
      {failure && (
        <p role="alert" className="note error">
          {failure}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {t('attestation.campaign.send')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('app.cancel')}
        </button>
      </div>
    </form>
  );
}
