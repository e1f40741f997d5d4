import { useState } from 'react';
import { api, ok } from '../../api/client';
import { changesOf, toInput, type Draft } from './draft';
import type { ScopeChoice } from './ScopePicker';
import { type Announcement, type AnnouncementInput } from './shared';

/**
 * What a draft keeps: the notice as the form would send it (toInput), but only what was written:
 * no category until one is chosen, and an empty subject or message of a language left out.
 */
function draftInput(draft: Draft, scope: ScopeChoice) {
  const { category: _defaulted, subject, body, ...rest } = toInput(draft, scope);
  const written = (text: Record<string, string>) =>
    Object.fromEntries(Object.entries(text).filter(([, v]) => v.trim()));
  return {
    ...rest,
    ...(draft.category ? { category: draft.category } : {}),
    subject: written(subject),
    body: written(body),
  };
}

/**
 * Saves the form as a draft on the server: the first time a new draft (POST with draft: true),
 * then the same one again (PATCH with what changed). Answers the draft as the server keeps it.
 */
export async function saveDraft(
  draft: Draft,
  scope: ScopeChoice,
  saved: Announcement | undefined,
): Promise<Announcement> {
  const input = draftInput(draft, scope);
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
  const keep = async (draft: Draft, scope: ScopeChoice) => {
    setSaved(await saveDraft(draft, scope, saved));
    setJustSaved(true);
  };
  return { saved, justSaved, setJustSaved, keep };
}
