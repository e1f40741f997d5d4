import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { TFunction } from 'i18next';
import { api, ApiFailure, ok } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { ErrorNote, Loading } from '../../components/Status';
import { formatNumber } from '../../i18n';
import { useSession } from '../../session';
import { CategoryField, TextField } from './fields';
import { useSubject } from './live';
import { PreviewPanel } from './PreviewPanel';
import { ScopePicker, type ScopeChoice } from './ScopePicker';
import { loadTenants, useLoad } from '../../api/loading';
import { type AnnouncementInput, type Category, type Preview } from './shared';

type FieldName = 'category' | 'subject.en' | 'body.en' | 'subject.it' | 'body.it' | 'scope_tenant_id';
/** Each field the server may name, and the element to focus for it (in the order of the form). */
const fieldIds: Record<FieldName, string> = {
  category: 'category-billing',
  'subject.en': 'subject-en',
  'body.en': 'body-en',
  'subject.it': 'subject-it',
  'body.it': 'body-it',
  scope_tenant_id: 'scope-search',
};
type Errors = Partial<Record<FieldName, string>>;
interface Draft {
  category?: Category;
  subject: { en: string; it: string };
  body: { en: string; it: string };
  fallback: boolean;
}

function toInput(draft: Draft, scope: ScopeChoice): AnnouncementInput {
  const it = draft.subject.it.trim() || draft.body.it.trim();
  return {
    category: draft.category ?? 'billing',
    scope_tenant_id: scope.id,
    fallback: draft.fallback ? 'ancestor' : 'none',
    subject: { en: draft.subject.en.trim(), ...(it ? { it: draft.subject.it.trim() } : {}) },
    body: { en: draft.body.en, ...(it ? { it: draft.body.it } : {}) },
  };
}

function validate(draft: Draft, t: TFunction): Errors {
  const errors: Errors = {};
  if (!draft.category) errors.category = t('notices.compose.errors.category');
  if (!draft.subject.en.trim()) errors['subject.en'] = t('notices.compose.errors.required');
  if (!draft.body.en.trim()) errors['body.en'] = t('notices.compose.errors.required');
  const subjectIt = !!draft.subject.it.trim();
  const bodyIt = !!draft.body.it.trim();
  if (subjectIt !== bodyIt) errors[subjectIt ? 'body.it' : 'subject.it'] = t('notices.compose.errors.italianPair');
  return errors;
}

/** /notices/new (optionally ?scope=<tenant id>): compose, preview the recipients, send. */
export function Compose() {
  const { user } = useSession();
  const [params] = useSearchParams();
  const wanted = params.get('scope');
  const start = useLoad(async () => {
    const [own] = await loadTenants([user!.tenant_id]);
    const chosen = wanted && wanted !== own.id ? (await loadTenants([wanted]).catch(() => []))[0] : undefined;
    return {
      own: { id: own.id, name: own.name },
      scope: chosen ? { id: chosen.id, name: chosen.name } : { id: own.id, name: own.name },
    };
  }, [user!.tenant_id, wanted]);
  if (start.loading) return <Loading />;
  if (start.error || !start.data) return <ErrorNote error={start.error} onRetry={start.reload} />;
  return <ComposeForm own={start.data.own} initialScope={start.data.scope} />;
}

function ComposeForm({ own, initialScope }: { own: ScopeChoice; initialScope: ScopeChoice }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<Draft>({ subject: { en: '', it: '' }, body: { en: '', it: '' }, fallback: false });
  const [scope, setScope] = useState(initialScope);
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<unknown>();
  const [preview, setPreview] = useState<{ key: string; result: Preview }>();
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const input = toInput(draft, scope);
  const key = JSON.stringify(input);
  const fresh = preview?.key === key ? preview.result : undefined;

  const showErrors = (found: Errors) => {
    setErrors(found);
    const first = (Object.keys(fieldIds) as FieldName[]).find((f) => found[f]);
    if (first) document.getElementById(fieldIds[first])?.focus();
    return !first;
  };
  const fail = (e: unknown) => {
    const known = e instanceof ApiFailure ? e.fields.filter((f): f is FieldName => f in fieldIds) : [];
    if (known.length) showErrors(Object.fromEntries(known.map((f) => [f, t('notices.compose.errors.invalid')])));
    else setFailure(e);
  };
  const edit = (patch: Partial<Draft>, field?: FieldName) => {
    setDraft((d) => ({ ...d, ...patch }));
    if (field && errors[field]) setErrors((e) => ({ ...e, [field]: undefined }));
  };
  const text = (part: 'subject' | 'body', lang: 'en' | 'it') => ({
    id: `${part}-${lang}`,
    value: draft[part][lang],
    error: errors[`${part}.${lang}`],
    onChange: (value: string) => edit({ [part]: { ...draft[part], [lang]: value } }, `${part}.${lang}`),
  });

  const runPreview = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(undefined);
    if (!showErrors(validate(draft, t))) return;
    setBusy(true);
    try {
      setPreview({ key, result: await ok(api.POST('/api/2/announcements/preview', { body: input })) });
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  const send = async () => {
    setBusy(true);
    try {
      const created = await ok(api.POST('/api/2/announcements', { body: input }));
      navigate(`/notices/${created.id}`, { state: { accepted: true } });
    } catch (e) {
      setConfirming(false);
      setBusy(false);
      fail(e);
    }
  };
  const n = formatNumber(fresh?.recipients ?? 0);
  const subjectOf = useSubject();

  return (
    <section aria-labelledby="compose-title">
      <h2 id="compose-title">{t('notices.compose.title')}</h2>
      <p className="muted">{t('notices.compose.lead')}</p>
      <form className="notice-form" noValidate onSubmit={runPreview}>
        {failure !== undefined && <ErrorNote error={failure} />}
        <CategoryField
          value={draft.category}
          error={errors.category}
          onChange={(category) => edit({ category }, 'category')}
        />
        <div className="lang-grid">
          <fieldset>
            <legend>{t('notices.compose.english')}</legend>
            <TextField {...text('subject', 'en')} label={t('notices.compose.subject')} required maxLength={200} />
            <TextField
              {...text('body', 'en')}
              label={t('notices.compose.body')}
              required
              multiline
              maxLength={50000}
              help={t('notices.compose.bodyHelp')}
            />
          </fieldset>
          <fieldset>
            <legend>
              {t('notices.compose.italian')} ({t('notices.compose.optional')})
            </legend>
            <TextField {...text('subject', 'it')} label={t('notices.compose.subject')} maxLength={200} />
            <TextField
              {...text('body', 'it')}
              label={t('notices.compose.body')}
              multiline
              maxLength={50000}
              help={t('notices.compose.bodyHelp')}
            />
          </fieldset>
        </div>
        <ScopePicker
          own={own}
          scope={scope}
          error={errors.scope_tenant_id}
          onChange={(s) => {
            setScope(s);
            setErrors((e) => ({ ...e, scope_tenant_id: undefined }));
          }}
        />
        <div className="radio-row">
          <input
            type="checkbox"
            id="fallback"
            checked={draft.fallback}
            aria-describedby="fallback-help"
            onChange={(e) => edit({ fallback: e.target.checked })}
          />
          <label htmlFor="fallback">{t('notices.compose.fallback')}</label>
          <span id="fallback-help" className="muted">
            {t('notices.compose.fallbackHelp')}
          </span>
        </div>
        <div className="button-row">
          <button type="submit" className={fresh ? undefined : 'primary'} disabled={busy}>
            {t('notices.compose.preview')}
          </button>
        </div>
        {preview && !fresh && <p className="note warn">{t('notices.compose.previewStale')}</p>}
        {fresh && <PreviewPanel preview={fresh} />}
        {fresh && fresh.recipients === 0 && <p className="note warn">{t('notices.compose.noRecipients')}</p>}
        {fresh && fresh.recipients > 0 && (
          <div className="button-row">
            <button type="button" className="primary" disabled={busy} onClick={() => setConfirming(true)}>
              {t('notices.compose.sendTo', { count: fresh.recipients, n })}
            </button>
          </div>
        )}
      </form>
      <Dialog open={confirming} title={t('notices.compose.confirmTitle')} onClose={() => setConfirming(false)}>
        <p>{t('notices.compose.confirmText', { count: fresh?.recipients ?? 0, n, subject: subjectOf(input) })}</p>
        <div className="dialog-actions">
          <button type="button" onClick={() => setConfirming(false)}>
            {t('app.cancel')}
          </button>
          <button type="button" className="primary" disabled={busy} onClick={() => void send()}>
            {t('notices.compose.send')}
          </button>
        </div>
      </Dialog>
    </section>
  );
}
