import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api, ok } from '../../api/client';
import { ErrorNote } from '../../components/Status';
import { useSession } from '../../session';
import { CategoryField, CheckboxField, SendAtField } from './fields';
import { englishReadersText, LanguageSection } from './LanguageSection';
import { useSubject } from './live';
import { PreviewPanel } from './PreviewPanel';
import { ScopePicker, type ScopeChoice } from './ScopePicker';
import { SendStep } from './SendStep';
import { FixedScope, FormButtons, RecipientsField } from './FormParts';
import { saveDraft, sendDraft, useSavedDraft } from './saved-draft';
import { useFormErrors } from './form-errors';
import { changesOf, draftOf, emptyDraft, languageOrder, toInput, validate, type Draft, type FieldName } from './draft';
import { type Announcement, type Preview } from './shared';

/** The notice's form: new (scope chosen here), a draft's, or a scheduled one's changes (scope kept). */
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
  const [preview, setPreview] = useState<{ key: string; result: Preview }>();
  const [busy, setBusy] = useState(false);
  const isDraft = editing?.status === 'draft';
  /** A scheduled notice's changes are saved as such; anything else may be kept as a draft first. */
  const scheduled = !!editing && !isDraft;
  const { saved, justSaved, setJustSaved, keep } = useSavedDraft(editing);
  /** Who reads English, as the server last said (a preview, or its refusal of a notice without English). */
  const [readers, setReaders] = useState<{ key: string; en: number; it?: number }>();
  // A notice written only in Italian keeps Italian first, whoever edits it.
  const order = languageOrder(editing && !editing.subject.en && editing.subject.it ? 'it' : firstLanguage);
  const input = toInput(draft, scope);
  const previewInput = toInput(draft, scope, false);
  const key = JSON.stringify(previewInput);
  const fresh = preview?.key === key ? preview.result : undefined;
  const { errors, setErrors, failure, setFailure, showErrors, fail } = useFormErrors(
    (en) => setReaders({ key, en }),
    !!editing,
  );

  const edit = (patch: Partial<Draft>, field?: FieldName) => {
    setDraft((d) => ({ ...d, ...patch }));
    setJustSaved(false);
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
    if (!showErrors(validate(draft, t, scheduled, order[0]))) return;
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
    if (!showErrors(validate(draft, t, scheduled, order[0]))) return;
    setBusy(true);
    try {
      if (saved) {
        // A draft: its latest text saved, then sent.
        await saveDraft(draft, scope, saved);
        await sendDraft(saved.id);
        navigate(`/notices/${saved.id}`, { state: { accepted: 'created' } });
      } else if (editing) {
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
  const keepDraft = async () => {
    setFailure(undefined);
    setBusy(true);
    try {
      await keep(draft, scope);
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  const subjectOf = useSubject();
  const title = isDraft ? 'editDraft' : editing ? 'edit' : '';
  const englishStatus = readers?.key === key ? englishReadersText(t, readers) : undefined;

  return (
    <section aria-labelledby="compose-title">
      <h2 id="compose-title">{t(title ? `notices.compose.${title}Title` : 'notices.compose.title')}</h2>
      <p className="muted">{t(title ? `notices.compose.${title}Lead` : 'notices.compose.lead')}</p>
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
        {editing || saved ? (
          <FixedScope name={scope.name} />
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
        <RecipientsField value={draft.recipients} onChange={(recipients) => edit({ recipients })} />
        <CheckboxField id="fallback" value={draft.fallback} onChange={(fallback) => edit({ fallback })} />
        {(root || draft.mandatory) && (
          <CheckboxField
            id="mandatory"
            value={draft.mandatory}
            onChange={(mandatory) => edit({ mandatory }, 'mandatory')}
          />
        )}
        <SendAtField
          value={draft.sendAt}
          required={scheduled}
          error={errors.send_at}
          onChange={(sendAt) => edit({ sendAt }, 'send_at')}
        />
        <FormButtons
          fresh={!!fresh}
          busy={busy}
          mayDraft={!scheduled}
          saved={justSaved}
          onSaveDraft={() => void keepDraft()}
        />
        {preview && !fresh && <p className="note warn">{t('notices.compose.previewStale')}</p>}
        {fresh && <PreviewPanel preview={fresh} primary={draft.recipients === 'primary'} />}
        {fresh && fresh.recipients === 0 && <p className="note warn">{t('notices.compose.noRecipients')}</p>}
        {fresh && fresh.recipients > 0 && (
          <SendStep
            recipients={fresh.recipients}
            subject={subjectOf(input)}
            sendAt={input.send_at}
            editing={scheduled}
            busy={busy}
            onSend={send}
          />
        )}
      </form>
    </section>
  );
}
