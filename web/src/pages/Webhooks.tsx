import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { ApiFailure } from '../api/client';
import { useLoad } from '../api/loading';
import { useMayWrite } from '../api/roles';
import { ErrorNote, Loading } from '../components/Status';
import { loadTenant } from '../components/contacts/load';
import * as hooks from '../components/webhooks/load';
import { problemOf } from '../components/webhooks/problem';
import { WebhookCard, type WebhookAction } from '../components/webhooks/WebhookCard';
import { WebhookDialogs, type Note, type Open } from '../components/webhooks/WebhookDialogs';
import { formatNumber } from '../i18n';
import { useSession } from '../session';
import { usePageTitle } from '../components/usePageTitle';
import '../components/webhooks/webhooks.css';

/** /webhooks[?tenant=<client>]: a company's webhooks, their deliveries, and (for those who write) their changes. */
export function Webhooks() {
  const { t } = useTranslation();
  const { user: me } = useSession();
  const [params] = useSearchParams();
  const tenantId = params.get('tenant') ?? me!.tenant_id;
  const own = tenantId === me!.tenant_id;
  const mayWrite = useMayWrite(me?.id) === true;
  const tenant = useLoad(() => loadTenant(tenantId), [tenantId]);
  const list = useLoad(() => hooks.listWebhooks(tenantId), [tenantId]);
  const [open, setOpen] = useState<Open>();
  const [note, setNote] = useState<Note>();
  const [busy, setBusy] = useState<string>();
  const [rounds, setRounds] = useState<Record<string, number>>({});
  const title = tenant.data && !own ? t('webhooks.titleOf', { name: tenant.data.name }) : t('webhooks.title');
  usePageTitle(title);

  const act = async (action: WebhookAction, hook: hooks.Webhook) => {
    setNote(undefined);
    if (action !== 'toggle' && action !== 'test') return setOpen({ kind: action, hook });
    setBusy(hook.id);
    try {
      if (action === 'test') {
        await hooks.sendTest(hook);
        setRounds((r) => ({ ...r, [hook.id]: (r[hook.id] ?? 0) + 1 }));
        setNote({ ok: true, text: t('webhooks.notes.testSent', { url: hook.url }) });
      } else {
        const saved = await hooks.updateWebhook(hook, { enabled: !hook.enabled });
        setNote({ ok: true, text: t(`webhooks.notes.${saved.enabled ? 'enabled' : 'disabled'}`, { url: hook.url }) });
        list.reload();
      }
    } catch (e) {
      setNote({ ok: false, text: problemOf(e, t) });
      list.reload();
    } finally {
      setBusy(undefined);
    }
  };

  if (tenant.error instanceof ApiFailure && (tenant.error.status === 404 || tenant.error.status === 400))
    return (
      <>
        <h1>{t('webhooks.title')}</h1>
        <p role="alert" className="note warn">
          {t('webhooks.notFound')}
        </p>
      </>
    );
  return (
    <>
      {!own && tenant.data && (
        <nav aria-label={t('contacts.company.breadcrumb')} className="breadcrumb">
          <ol>
            <li>
              <Link to="/clients">{t('contacts.client.crumb')}</Link>
            </li>
            <li>
              <Link to={`/clients/${tenant.data.id}`}>{tenant.data.name}</Link>
            </li>
            <li aria-current="page">{t('webhooks.title')}</li>
          </ol>
        </nav>
      )}
      <div className="toolbar">
        <h1>{title}</h1>
        {mayWrite && (
          <button type="button" className="primary" onClick={() => setOpen({ kind: 'create' })}>
            <span aria-hidden="true">+</span> {t('webhooks.create.button')}
          </button>
        )}
      </div>
      <p className="muted">{t('webhooks.lead')}</p>
      {!mayWrite && <p className="note">{t('webhooks.readOnly')}</p>}
      <div role="status">{note?.ok && <p className="note success">{note.text}</p>}</div>
      {note && !note.ok && (
        <p role="alert" className="note error">
          {note.text}
        </p>
      )}
      {list.error !== undefined ? (
        <ErrorNote error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : (
        <>
          <p className="counts">
            {t('webhooks.count', { count: list.data.length, n: formatNumber(list.data.length) })}
          </p>
          {list.data.length === 0 ? (
            <p className="note">{t('webhooks.empty')}</p>
          ) : (
            <ul className="card-list" aria-label={title}>
              {list.data.map((hook) => (
                <WebhookCard
                  key={hook.id}
                  webhook={hook}
                  mayWrite={mayWrite}
                  round={rounds[hook.id] ?? 0}
                  busy={busy === hook.id}
                  onAction={(action, h) => void act(action, h)}
                  onNote={setNote}
                  onSettled={list.reload}
                />
              ))}
            </ul>
          )}
        </>
      )}
      <WebhookDialogs open={open} tenantId={tenantId} onOpen={setOpen} onNote={setNote} onChanged={list.reload} />
    </>
  );
}
