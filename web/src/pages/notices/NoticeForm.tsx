import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api, ApiFailure, ok } from '../../api/client';
import { ErrorNote } from '../../components/Status';
import { useSession } from '../../session';
import { CategoryField, MandatoryField, SendAtField } from './fields';
import { englishReadersText, LanguageSection } from './LanguageSection';
import { useSubject } from './live';
import { PreviewPanel } from './PreviewPanel';
import { ScopePicker, type ScopeChoice } from './ScopePicker';
import { SendStep } from './SendStep';
import {
  changesOf,
  draftOf,
  emptyDraft,
  fieldIds,
  languageOrder,
  toInput,
  validate,
  type Draft,
  type Errors,
  type FieldName,
} from './draft';
import { type Announcement, type Preview } from './shared';

/** The notice's form: new (scope chosen here) or a scheduled one's changes (scope kept). */
export function NoticeForm({
  own,
  initialScope,
  editing,
  firstLanguage,
}: {
  own: ScopeChoice;
  initialScope: ScopeChoice;
  editing?: Announcement;
  /** The partner's own language, written first. */
  firstLanguage?: string;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { user } = useSession();
  const root = user?.tenant_kind === 'root';
  const [draft, setDraft] = useState<Draft>(editing ? draftOf(editing) : emptyDraft);
  const [scope, setScope] = useState<ScopeChoice>(initialScope);
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<unknown>();
  const [preview, setPreview] = useState<{ key: string; result: Preview }>();
  const [busy, setBusy] = useState(false);
  /** Who reads English, as the server last said (a preview, or its refusal of a notice without English). */
  const [readers, setReaders] = useState<{ key: string; en: number; it?: number }>();
  // A scheduled notice written only in Italian keeps Italian first, whoever edits it.
  const order = languageOrder(editing && !editing.subject.en ? 'it' : firstLanguage);
  const input = toInput(draft, scope);
  const previewInput = toInput(draft, scope, false);
  const key = JSON.stringify(previewInput);
  const fresh = preview?.key === key ? preview.result : undefined;

  const showErrors = (found: Errors) => {
    setErrors(found);
    const first = (Object.keys(fieldIds) as FieldName[]).find((f) => found[f]);
    if (first) document.getElementById(fieldIds[first])?.focus();
    return !first;
  };
  const fail = (e: unknown) => {
    const context = e instanceof ApiFailure ? (e.body?.error?.context as { english_readers?: unknown }) : undefined;
    const englishReaders = context?.english_readers;
    if (typeof englishReaders === 'number') {
      setReaders({ key, en: englishReaders });
      const message = englishReadersText(t, { en: englishReaders });
      showErrors({ 'subject.en': message, 'body.en': message });
      return;
    }
    const known = e instanceof ApiFailure ? e.fields.filter((f): f is FieldName => f in fieldIds) : [];
    const message = (f: FieldName) =>
      f === 'mandatory'
        ? t('notices.compose.errors.mandatory')
        : f === 'send_at'
          ? t('notices.compose.errors.future')
          : t('notices.compose.errors.invalid');
    if (known.length) showErrors(Object.fromEntries(known.map((f) => [f, message(f)])));
    else if (editing && e instanceof ApiFailure && e.status === 409)
      setFailure(new Error(t('notices.compose.notEditable')));
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
    if (!showErrors(validate(draft, t, !!editing, order[0]))) return;
    setBusy(true);
    try {
      const result = await ok(api.POST('/api/2/announcements/preview', { body: previewInput }));
      setPreview({ key, result });
      setReaders({ key, ...result.by_language });
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  const send = async () => {
    // The time is checked again: it may have passed while the person read the preview.
    if (!showErrors(validate(draft, t, !!editing, order[0]))) return;
    setBusy(true);
    try {
      if (editing) {
        const body = changesOf(input, editing);
        if (Object.keys(body).length)
          await ok(api.PATCH('/api/2/announcements/{id}', { params: { path: { id: editing.id } }, body }));
        navigate(`/notices/${editing.id}`, { state: { accepted: 'saved' } });
      } else {
        const created = await ok(api.POST('/api/2/announcements', { body: input }));
        navigate(`/notices/${created.id}`, { state: { accepted: 'created' } });
      }
    } catch (e) {
      setBusy(false);
      fail(e);
    }
  };
  const subjectOf = useSubject();
  const englishStatus = readers?.key === key ? englishReadersText(t, readers) : undefined;

  return (
    <section aria-labelledby="compose-title">
      <h2 id="compose-title">{t(editing ? 'notices.compose.editTitle' : 'notices.compose.title')}</h2>
      <p className="muted">{t(editing ? 'notices.compose.editLead' : 'notices.compose.lead')}</p>
      <form className="notice-form" noValidate onSubmit={runPreview}>
        {failure !== undefined && <ErrorNote error={failure} />}
        <CategoryField
          value={draft.category}
          error={errors.category}
          onChange={(category) => edit({ category }, 'category')}
        />
        {order.map((lang) => (
          <LanguageSection
            key={lang}
            lang={lang}
            first={order[0]}
            field={(part) => text(part, lang)}
            rendered={preview?.result.rendered[lang]}
            stale={!fresh}
            status={lang === 'en' ? englishStatus : undefined}
          />
        ))}
        {editing ? (
          <fieldset>
            <legend>{t('notices.compose.scope')}</legend>
            <p>
              <strong>{t('notices.compose.scopeFixed', { name: scope.name })}</strong>
            </p>
          </fieldset>
        ) : (
          <ScopePicker
            own={own}
            scope={scope}
            error={errors.scope_tenant_id}
            onChange={(s) => {
              setScope(s);
              setErrors((e) => ({ ...e, scope_tenant_id: undefined }));
            }}
          />
        )}
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
        {(root || draft.mandatory) && (
          <MandatoryField value={draft.mandatory} onChange={(mandatory) => edit({ mandatory }, 'mandatory')} />
        )}
        <SendAtField
          value={draft.sendAt}
          required={!!editing}
          error={errors.send_at}
          onChange={(sendAt) => edit({ sendAt }, 'send_at')}
        />
        <div className="button-row">
          <button type="submit" className={fresh ? undefined : 'primary'} disabled={busy}>
            {t('notices.compose.preview')}
          </button>
        </div>
        {preview && !fresh && <p className="note warn">{t('notices.compose.previewStale')}</p>}
        {fresh && <PreviewPanel preview={fresh} />}
        {fresh && fresh.recipients === 0 && <p className="note warn">{t('notices.compose.noRecipients')}</p>}
        {fresh && fresh.recipients > 0 && (
          <SendStep
            recipients={fresh.recipients}
            subject={subjectOf(input)}
            sendAt={input.send_at}
            editing={!!editing}
            busy={busy}
            onSend={send}
          />
        )}
      </form>
    </section>
  );
}
