import { useState } from 'react';
import { api, ok } from '../../api/client';
import { changesOf, type Draft } from './draft';
import type { ScopeChoice } from './ScopePicker';
import { type Announcement, type AnnouncementInput } from './shared';

type Text = { en?: string; it?: string };

/** What a draft keeps: only what was written (no category chosen yet, a language left empty: left out). */
function draftInput(draft: Draft, scope: ScopeChoice, sendAt: string | undefined) {
  const text = (part: 'subject' | 'body') => {
    const out: Text = {};
    for (const lang of ['en', 'it'] as const) {
      const value = part === 'subject' ? draft.subject[lang].trim() : draft.body[lang];
      if (value.trim()) out[lang] = value;
    }
    return out;
  };
  return {
    scope_tenant_id: scope.id,
    ...(draft.category ? { category: draft.category } : {}),
    subject: text('subject'),
    body: text('body'),
    fallback: draft.fallback ? ('ancestor' as const) : ('none' as const),
    ...(sendAt ? { send_at: sendAt } : {}),
    ...(draft.mandatory ? { mandatory: true } : {}),
  };
}

/**
 * Saves the form as a draft on the server: the first time a new draft (POST with draft: true),
 * then the same one again (PATCH with what changed). Answers the draft as the server keeps it.
 */
export async function saveDraft(
  draft: Draft,
  scope: ScopeChoice,
  sendAt: string | undefined,
  saved: Announcement | undefined,
): Promise<Announcement> {
  const input = draftInput(draft, scope, sendAt);
  if (!saved) return ok(api.POST('/api/2/announcements', { body: { ...input, draft: true } }));
  const changes = Object.fromEntries(
    Object.entries(changesOf(input as AnnouncementInput, saved)).filter(([, value]) => value !== undefined),
  );
  if (Object.keys(changes).length === 0) return saved;
  return ok(api.PATCH('/api/2/announcements/{id}', { params: { path: { id: saved.id } }, body: changes }));
}

/** The saved draft, sent: scheduled when it has a time ahead, else at once. */
export function sendDraft(id: string) {
  return ok(api.POST('/api/2/announcements/{id}/send', { params: { path: { id } }, body: {} }));
}

/** The draft this form saves into (a draft being edited, or none yet), and whether it was just saved. */
export function useSavedDraft(editing: Announcement | undefined) {
  const [saved, setSaved] = useState(editing?.status === 'draft' ? editing : undefined);
  const [justSaved, setJustSaved] = useState(false);
  const keep = async (draft: Draft, scope: ScopeChoice, sendAt: string | undefined) => {
    setSaved(await saveDraft(draft, scope, sendAt, saved));
    setJustSaved(true);
  };
  return { saved, justSaved, setJustSaved, keep };
}
