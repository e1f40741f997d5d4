import type { TFunction } from 'i18next';
import type { ScopeChoice } from './ScopePicker';
import { type Announcement, type AnnouncementInput, type Category, type Recipients } from './shared';

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

export type Language = 'en' | 'it';
const languages: Language[] = ['en', 'it'];
/** The partner's own language first: an Italian partner writes Italian first. */
export const languageOrder = (first: string | undefined): Language[] =>
  first?.slice(0, 2).toLowerCase() === 'it' ? ['it', 'en'] : ['en', 'it'];

export interface Draft {
  category?: Category;
  subject: { en: string; it: string };
  body: { en: string; it: string };
  fallback: boolean;
  recipients: Recipients;
  /** The value of a datetime-local input: the user's local time, empty for "now". */
  sendAt: string;
  mandatory: boolean;
}

export const emptyDraft: Draft = {
  subject: { en: '', it: '' },
  body: { en: '', it: '' },
  fallback: false,
  recipients: 'all',
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

/** A scheduled notice or a draft, back in the form. */
export function draftOf(a: Announcement): Draft {
  return {
    category: a.category as Category,
    subject: { en: a.subject.en ?? '', it: a.subject.it ?? '' },
    body: { en: a.body.en ?? '', it: a.body.it ?? '' },
    fallback: a.fallback === 'ancestor',
    recipients: a.recipient_rule,
    sendAt: a.send_at ? toLocalInput(a.send_at) : '',
    mandatory: a.mandatory,
  };
}

/** What is sent: the preview leaves out the time (who receives it does not depend on it). A language left empty is left out. */
export function toInput(draft: Draft, scope: ScopeChoice, withTime = true): AnnouncementInput {
  const given = (lang: Language) => !!(draft.subject[lang].trim() || draft.body[lang].trim());
  const text = (part: 'subject' | 'body') =>
    Object.fromEntries(
      languages.filter(given).map((lang) => [lang, part === 'subject' ? draft.subject[lang].trim() : draft.body[lang]]),
    );
  const sendAt = withTime ? fromLocalInput(draft.sendAt) : undefined;
  return {
    category: draft.category ?? 'billing',
    scope_tenant_id: scope.id,
    fallback: draft.fallback ? 'ancestor' : 'none',
    recipients: draft.recipients,
    subject: text('subject'),
    body: text('body'),
    ...(sendAt ? { send_at: sendAt } : {}),
    ...(draft.mandatory ? { mandatory: true } : {}),
  };
}

/** What changed against the scheduled notice (PATCH sends only that). */
export function changesOf(input: AnnouncementInput, a: Announcement) {
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  const original = {
    subject: { ...(a.subject.en ? { en: a.subject.en } : {}), ...(a.subject.it ? { it: a.subject.it } : {}) },
  };
  const originalBody = { ...(a.body.en ? { en: a.body.en } : {}), ...(a.body.it ? { it: a.body.it } : {}) };
  return {
    ...(input.category !== a.category ? { category: input.category } : {}),
    ...(!same(input.subject, original.subject) ? { subject: input.subject } : {}),
    ...(!same(input.body, originalBody) ? { body: input.body } : {}),
    ...(input.fallback !== a.fallback ? { fallback: input.fallback } : {}),
    ...((input.recipients ?? 'all') !== a.recipient_rule ? { recipients: input.recipients } : {}),
    ...(input.send_at && new Date(input.send_at).getTime() !== new Date(a.send_at ?? 0).getTime()
      ? { send_at: input.send_at }
      : {}),
    ...(!!input.mandatory !== a.mandatory ? { mandatory: !!input.mandatory } : {}),
  };
}

/**
 * The form's own checks: the first language (the partner's) is required; a language's subject
 * and message go together (whether English may be left out, the server says: it knows who reads
 * what). `timeRequired`: a scheduled notice keeps a time (it cannot be "now").
 */
export function validate(draft: Draft, t: TFunction, timeRequired: boolean, first: Language = 'en'): Errors {
  const errors: Errors = {};
  if (!draft.category) errors.category = t('notices.compose.errors.category');
  for (const lang of languages) {
    const subject = !!draft.subject[lang].trim();
    const body = !!draft.body[lang].trim();
    if (lang === first && !subject) errors[`subject.${lang}`] = t('notices.compose.errors.required');
    if (lang === first && !body) errors[`body.${lang}`] = t('notices.compose.errors.required');
    if (lang !== first && subject !== body)
      errors[`${subject ? 'body' : 'subject'}.${lang}`] = t(
        `notices.compose.errors.${lang === 'it' ? 'italianPair' : 'englishPair'}`,
      );
  }
  const sendAt = fromLocalInput(draft.sendAt);
  if (!draft.sendAt && timeRequired) errors.send_at = t('notices.compose.errors.required');
  else if (draft.sendAt && (!sendAt || new Date(sendAt).getTime() <= Date.now()))
    errors.send_at = t('notices.compose.errors.future');
  return errors;
}
