import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { useLoad } from '../../api/loading';
import { formatDate } from '../../i18n';
import { ErrorNote, Loading } from '../Status';
import type { Contact, ContactType } from './load';

const HISTORY = 20;
const actions = [
  'create',
  'update',
  'delete',
  'email_change_requested',
  'email_change_confirmed',
  'email_change_cancelled',
  'opt_out',
  'opt_in',
] as const;
const statuses = ['pending', 'sent', 'failed'] as const;
const actors = ['user', 'client', 'person', 'system'] as const;
/** Fields the console has a label for; others are named as the API names them. */
const formFields = ['firstname', 'lastname', 'email', 'phone', 'title'] as const;

/** Stamps that move with every change: not worth naming as what changed. */
const stamps = new Set(['version', 'updated_at', 'created_at']);

/** The fields an audit entry changed, by comparing its before and after. */
function changedFields(before: unknown, after: unknown): string[] {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  return [...new Set([...Object.keys(b), ...Object.keys(a)])].filter(
    (k) => !stamps.has(k) && JSON.stringify(b[k]) !== JSON.stringify(a[k]),
  );
}

/** The messages sent to a contact (notices and test messages), newest first. */
export function ContactDeliveries({ contact, round }: { contact: Contact; round: number }) {
  const { t } = useTranslation();
  const headingId = useId();
  const list = useLoad(
    () =>
      ok(
        api.GET('/api/2/contacts/{id}/deliveries', { params: { path: { id: contact.id }, query: { limit: HISTORY } } }),
      ),
    [contact.id, round],
  );
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>{t('contacts.panel.deliveries')}</h3>
      {list.loading && !list.data ? (
        <Loading />
      ) : list.error ? (
        <ErrorNote error={list.error} onRetry={list.reload} />
      ) : !list.data!.items.length ? (
        <p className="muted">{t('contacts.panel.noDeliveries')}</p>
      ) : (
        <ul className="history">
          {list.data!.items.map((d) => (
            <li key={d.id}>
              <span className="muted">{formatDate(d.sent_at ?? d.created_at)}</span> <strong>{d.subject}</strong>{' '}
              <span className="badge linked">{t(`contactTypes.${d.category as ContactType}`)}</span>
              {d.test && <span className="badge pending">{t('contacts.panel.test')}</span>}{' '}
              <span className={`badge ${d.status === 'failed' || d.bounced_at ? 'invalid' : 'linked'}`}>
                {d.bounced_at
                  ? t('contacts.panel.bounced')
                  : (statuses as readonly string[]).includes(d.status)
                    ? t(`contacts.panel.statuses.${d.status as (typeof statuses)[number]}`)
                    : d.status}
              </span>
              {d.last_error && <span className="muted history-error">{d.last_error.slice(0, 200)}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Who changed the contact, when, and which fields, newest first (the tenant's audit trail of this contact). */
export function ContactAudit({ contact, round }: { contact: Contact; round: number }) {
  const { t } = useTranslation();
  const headingId = useId();
  const list = useLoad(
    () =>
      ok(
        api.GET('/api/2/audit', {
          params: { query: { tenant_id: contact.tenant_id, object_id: contact.id, limit: HISTORY } },
        }),
      ),
    [contact.id, contact.tenant_id, round],
  );
  const actionOf = (a: string) =>
    (actions as readonly string[]).includes(a) ? t(`contacts.panel.actions.${a as (typeof actions)[number]}`) : a;
  const fieldOf = (f: string) =>
    (formFields as readonly string[]).includes(f)
      ? t(`contacts.form.${f as (typeof formFields)[number]}`)
      : f === 'types'
        ? t('contacts.table.types')
        : f;
  const actorOf = (a: string) =>
    (actors as readonly string[]).includes(a) ? t(`contacts.panel.actors.${a as (typeof actors)[number]}`) : a;
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>{t('contacts.panel.audit')}</h3>
      {list.loading && !list.data ? (
        <Loading />
      ) : list.error ? (
        <ErrorNote error={list.error} onRetry={list.reload} />
      ) : !list.data!.items.length ? (
        <p className="muted">{t('contacts.panel.noAudit')}</p>
      ) : (
        <ul className="history">
          {list.data!.items.map((e) => {
            const fields = e.action === 'update' ? changedFields(e.before, e.after) : [];
            return (
              <li key={e.id}>
                <span className="muted">{formatDate(e.created_at)}</span> <strong>{actionOf(e.action)}</strong>{' '}
                {t('contacts.panel.by', { who: actorOf(e.actor.type) })}
                {fields.length > 0 && (
                  <span className="history-fields">
                    {t('contacts.panel.fields', { fields: fields.map(fieldOf).join(', ') })}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
