import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok, type ApiError } from '../../api/client';
import { useLoad } from '../../api/loading';
import { formatDate } from '../../i18n';
import { ErrorNote } from '../Status';
import type { Contact, ContactType } from './load';

type Note = { kind: 'success' | 'warn' | 'error'; text: string };

/** "23 hours", "5 minutes": how long to wait, from a Retry-After in seconds. */
function waitOf(seconds: number, language: string) {
  const [value, unit] =
    seconds >= 5400 ? [Math.ceil(seconds / 3600), 'hour'] : [Math.max(1, Math.ceil(seconds / 60)), 'minute'];
  return new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}

/**
 * What mail to a contact's address ran into: its last bounce when it is invalid (when, the
 * status, the receiving server's words), and the notices it opted out of, with "Ask again".
 * Says nothing when there is nothing to say.
 */
export function ContactMail({ contact }: { contact: Contact }) {
  const { t, i18n } = useTranslation();
  const headingId = useId();
  const invalid = contact.validation_state === 'invalid';
  const optOuts = useLoad(
    () => ok(api.GET('/api/2/contacts/{id}/opt-outs', { params: { path: { id: contact.id } } })),
    [contact.id],
  );
  const bounce = useLoad(
    async () =>
      invalid
        ? (
            await ok(
              api.GET('/api/2/contacts/{id}/deliveries', {
                params: { path: { id: contact.id }, query: { limit: 50 } },
              }),
            )
          ).items.find((d) => d.bounced_at || d.status === 'failed')
        : undefined,
    [contact.id, invalid],
  );
  const [note, setNote] = useState<Note>();
  const [busy, setBusy] = useState(false);

  const askAgain = async () => {
    setBusy(true);
    setNote(undefined);
    try {
      const { response, error } = await api.POST('/api/2/contacts/{id}/opt-outs/ask-again', {
        params: { path: { id: contact.id } },
        body: {},
      });
      if (response.ok) setNote({ kind: 'success', text: t('contacts.mail.asked', { email: contact.email }) });
      else if (response.status === 429) {
        const seconds = Number(response.headers.get('retry-after'));
        setNote({
          kind: 'warn',
          text:
            seconds > 0
              ? t('contacts.mail.askedRecently', { wait: waitOf(seconds, i18n.language) })
              : t('contacts.mail.askedRecentlySoon'),
        });
      } else if (response.status === 409) setNote({ kind: 'warn', text: t('contacts.mail.nothingToAsk') });
      else if (response.status === 403) setNote({ kind: 'error', text: t('contacts.errors.forbidden') });
      else
        setNote({
          kind: 'error',
          text: t('app.error', {
            message: (error as ApiError | undefined)?.error?.message ?? `HTTP ${response.status}`,
          }),
        });
    } catch (e) {
      setNote({ kind: 'error', text: t('app.error', { message: e instanceof Error ? e.message : String(e) }) });
    } finally {
      setBusy(false);
    }
  };

  const items = optOuts.data?.items ?? [];
  const b = bounce.data;
  if (!invalid && !items.length && !optOuts.error) return null;
  return (
    <section className="box contact-mail" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('contacts.mail.title')}</h3>
      {invalid && (
        <div className="note warn">
          <p>{t('contacts.mail.bounced')}</p>
          {b && (
            <ul className="plain-list">
              <li>{t('contacts.mail.lastBounce', { when: formatDate(b.bounced_at ?? b.sent_at ?? b.created_at) })}</li>
              {b.bounce_status && <li>{t('contacts.mail.bounceStatus', { status: b.bounce_status })}</li>}
              {b.last_error && (
                <li style={{ overflowWrap: 'anywhere' }}>{t('contacts.mail.diagnostic', { text: b.last_error })}</li>
              )}
            </ul>
          )}
        </div>
      )}
      {optOuts.error !== undefined && <ErrorNote error={optOuts.error} onRetry={optOuts.reload} />}
      {items.length > 0 && (
        <>
          <h4>{t('contacts.mail.optedOutTitle')}</h4>
          <ul>
            {items.map((o) => (
              <li key={`${o.category} ${o.tenant_id}`}>
                {t('contacts.mail.optedOut', {
                  type: t(`contactTypes.${o.category as ContactType}`),
                  when: formatDate(o.created_at),
                  how: t(`contacts.mail.how.${o.source}`),
                })}
              </li>
            ))}
          </ul>
          <div role="status">{note && note.kind !== 'error' && <p className={`note ${note.kind}`}>{note.text}</p>}</div>
          {note?.kind === 'error' && (
            <p role="alert" className="note error">
              {note.text}
            </p>
          )}
          <p className="button-row">
            <button type="button" disabled={busy} aria-describedby={`${headingId}-ask`} onClick={() => void askAgain()}>
              {t('contacts.mail.askAgain')}
            </button>
            <span id={`${headingId}-ask`} className="muted">
              {t('contacts.mail.askAgainHelp')}
            </span>
          </p>
        </>
      )}
    </section>
  );
}
