import type { TFunction } from 'i18next';
import type { ScopeChoice } from './ScopePicker';
import { type Announcement, type AnnouncementInput, type Category } from './shared';

export type FieldName =
  'category' | 'subject.en' | 'body.en' | 'subject.it' | 'body.it' | 'scope_tenant_id' | 'send_at' | 'mandatory';
/** Each field the server may name, and the element to focus for it (in the order of the form). */
export const fieldIds: Record<FieldName, string> = {
  category: 'category-billing',
  'subject.en': 'subject-en',
  'body.en': 'body-en',
  'subject.it': 'subject-it',
  'body.it': 'body-it',
  scope_tenant_id: 'scope-search',
  send_at: 'send-at',
  mandatory: 'mandatory',
};
export type Errors = Partial<Record<FieldName, string>>;

export interface Draft {
  category?: Category;
  subject: { en: string; it: string };
  body: { en: string; it: string };
  fallback: boolean;
  /** The value of a datetime-local input: the user's local time, empty for "now". */
  sendAt: string;
  mandatory: boolean;
}

export const emptyDraft: Draft = {
  subject: { en: '', it: '' },
  body: { en: '', it: '' },
  fallback: false,
  sendAt: '',
  mandatory: false,
};

const pad = (n: number) => String(n).padStart(2, '0');
/** An instant as a datetime-local value in the browser's time zone (minutes). */
export const toLocalInput = (iso: string) => {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
/** A datetime-local value (local time) as RFC 3339, or undefined when empty or unreadable. */
const fromLocalInput = (value: string) => {
  const d = value ? new Date(value) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;
};
/** The browser's time zone, said next to the time so nobody wonders whose clock it is. */
export const timeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** A scheduled notice, back in the form. */
export function draftOf(a: Announcement): Draft {
  return {
    category: a.category as Category,
    subject: { en: a.subject.en, it: a.subject.it ?? '' },
    body: { en: a.body.en, it: a.body.it ?? '' },
    fallback: a.fallback === 'ancestor',
    sendAt: a.send_at ? toLocalInput(a.send_at) : '',
    mandatory: a.mandatory,
  };
}

/** What is sent: the preview leaves out the time (who receives it does not depend on it). */
export function toInput(draft: Draft, scope: ScopeChoice, withTime = true): AnnouncementInput {
  const it = draft.subject.it.trim() || draft.body.it.trim();
  const sendAt = withTime ? fromLocalInput(draft.sendAt) : undefined;
  return {
    category: draft.category ?? 'billing',
    scope_tenant_id: scope.id,
    fallback: draft.fallback ? 'ancestor' : 'none',
    subject: { en: draft.subject.en.trim(), ...(it ? { it: draft.subject.it.trim() } : {}) },
    body: { en: draft.body.en, ...(it ? { it: draft.body.it } : {}) },
    ...(sendAt ? { send_at: sendAt } : {}),
    ...(draft.mandatory ? { mandatory: true } : {}),
  };
}

/** What changed against the scheduled notice (PATCH sends only that). */
export function changesOf(input: AnnouncementInput, a: Announcement) {
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  const original = { subject: { en: a.subject.en, ...(a.subject.it ? { it: a.subject.it } : {}) } };
  const originalBody = { en: a.body.en, ...(a.body.it ? { it: a.body.it } : {}) };
  return {
    ...(input.category !== a.category ? { category: input.category } : {}),
    ...(!same(input.subject, original.subject) ? { subject: input.subject } : {}),
    ...(!same(input.body, originalBody) ? { body: input.body } : {}),
    ...(input.fallback !== a.fallback ? { fallback: input.fallback } : {}),
    ...(input.send_at && new Date(input.send_at).getTime() !== new Date(a.send_at ?? 0).getTime()
      ? { send_at: input.send_at }
      : {}),
    ...(!!input.mandatory !== a.mandatory ? { mandatory: !!input.mandatory } : {}),
  };
}

/** The form's own checks; `timeRequired`: a scheduled notice keeps a time (it cannot be "now"). */
export function validate(draft: Draft, t: TFunction, timeRequired: boolean): Errors {
  const errors: Errors = {};
  if (!draft.category) errors.category = t('notices.compose.errors.category');
  if (!draft.subject.en.trim()) errors['subject.en'] = t('notices.compose.errors.required');
  if (!draft.body.en.trim()) errors['body.en'] = t('notices.compose.errors.required');
  const subjectIt = !!draft.subject.it.trim();
  const bodyIt = !!draft.body.it.trim();
  if (subjectIt !== bodyIt) errors[subjectIt ? 'body.it' : 'subject.it'] = t('notices.compose.errors.italianPair');
  const sendAt = fromLocalInput(draft.sendAt);
  if (!draft.sendAt && timeRequired) errors.send_at = t('notices.compose.errors.required');
  else if (draft.sendAt && (!sendAt || new Date(sendAt).getTime() <= Date.now()))
    errors.send_at = t('notices.compose.errors.future');
  return errors;
}
