import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok, type ApiError } from '../../api/client';
import { useLoad } from '../../api/loading';
import { useMayWrite } from '../../api/roles';
import { formatDate } from '../../i18n';
import { useSession } from '../../session';
import { Email } from '../Email';
import { ContactAudit, ContactDeliveries } from './ContactHistory';
import type { Contact, ContactType } from './load';
import { TypeChips } from './TypeChips';

type Note = { kind: 'success' | 'warn' | 'error'; text: string };

/**
 * A contact's page in a dialog: its types and primaries, language, the state of its address, a
 * pending change, its opt-outs, a test message of one of its types, what was sent to it and who
 * changed it.
 */
export function ContactPanel({ contact, onClose }: { contact: Contact; onClose(): void }) {
  const { t, i18n } = useTranslation();
  const { user } = useSession();
  const mayWrite = useMayWrite(user?.id) === true;
  const [round, setRound] = useState(0);
  const optOuts = useLoad(
    () => ok(api.GET('/api/2/contacts/{id}/opt-outs', { params: { path: { id: contact.id } } })),
    [contact.id, round],
  );
  const optedOut = optOuts.data?.items.map((o) => t(`contactTypes.${o.category as ContactType}`));
  return (
    <div className="contact-panel">
      <dl className="panel-facts">
        <dt>{t('contacts.table.email')}</dt>
        <dd>
          <Email address={contact.email} />{' '}
          <span className={`badge ${contact.validation_state === 'invalid' ? 'invalid' : 'linked'}`}>
            {t(`contacts.filter.states.${contact.validation_state}`)}
          </span>
        </dd>
        {contact.pending_email && (
          <>
            <dt>{t('contacts.panel.pending')}</dt>
            <dd>
              <Email address={contact.pending_email} />
            </dd>
          </>
        )}
        <dt>{t('contacts.table.types')}</dt>
        <dd>
          <TypeChips types={contact.types} primary={contact.primary_types} />
        </dd>
        <dt>{t('contacts.panel.language')}</dt>
        <dd>
          {contact.language
            ? (new Intl.DisplayNames([i18n.language], { type: 'language' }).of(contact.language) ?? contact.language)
            : t('contacts.panel.languageDefault')}
        </dd>
        {contact.phone && (
          <>
            <dt>{t('contacts.table.phone')}</dt>
            <dd>{contact.phone}</dd>
          </>
        )}
        {contact.title && (
          <>
            <dt>{t('contacts.table.title')}</dt>
            <dd>{contact.title}</dd>
          </>
        )}
        <dt>{t('attestation.panel.label')}</dt>
        <dd>
          {contact.attestation_state ? (
            <span className={`badge attestation-${contact.attestation_state}`}>
              {t(`attestation.states.${contact.attestation_state}`)}
            </span>
          ) : (
            t('attestation.panel.never')
          )}
          {contact.attested_at && ` ${t('attestation.panel.at', { when: formatDate(contact.attested_at) })}`}
        </dd>
        <dt>{t('contacts.panel.optOuts')}</dt>
        <dd>{optedOut ? (optedOut.length ? optedOut.join(', ') : t('app.none')) : '…'}</dd>
        <dt>{t('contacts.panel.since')}</dt>
        <dd>{formatDate(contact.created_at)}</dd>
      </dl>
      {mayWrite && <TestMessage contact={contact} onSent={() => setRound((r) => r + 1)} />}
      <ContactDeliveries contact={contact} round={round} />
      <ContactAudit contact={contact} round={round} />
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          {t('app.close')}
        </button>
      </div>
    </div>
  );
}

/** Sends a short notice of one of the contact's types, to check the address receives them (rate-limited). */
function TestMessage({ contact, onSent }: { contact: Contact; onSent(): void }) {
  const { t } = useTranslation();
  const id = useId();
  const [type, setType] = useState<ContactType>(contact.types[0]);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<Note>();
  const send = async () => {
    setBusy(true);
    setNote(undefined);
    try {
      const { response, error } = await api.POST('/api/2/contacts/{id}/send-test-message', {
        params: { path: { id: contact.id } },
        body: { type },
      });
      const typeLabel = t(`contactTypes.${type}`);
      if (response.ok) {
        setNote({ kind: 'success', text: t('contacts.panel.testSent', { type: typeLabel, email: contact.email }) });
        onSent();
      } else if (response.status === 429) {
        const seconds = Number(response.headers.get('retry-after')) || 60;
        setNote({ kind: 'warn', text: t('contacts.panel.testTooSoon', { n: Math.ceil(seconds / 60) }) });
      } else {
        const message = (error as ApiError | undefined)?.error?.message ?? `HTTP ${response.status}`;
        setNote({ kind: 'error', text: t('app.error', { message }) });
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="test-message" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('contacts.panel.testTitle')}</h3>
      <p className="muted">{t('contacts.panel.testHelp')}</p>
      <div className="button-row">
        <label htmlFor={`${id}-type`}>{t('contacts.panel.testType')}</label>
        <select id={`${id}-type`} value={type} onChange={(e) => setType(e.target.value as ContactType)}>
          {contact.types.map((k) => (
            <option key={k} value={k}>
              {t(`contactTypes.${k}`)}
            </option>
          ))}
        </select>
        <button type="button" className="primary" disabled={busy} onClick={() => void send()}>
          {t('contacts.panel.testSend')}
        </button>
      </div>
      <div role="status">{note && note.kind !== 'error' && <p className={`note ${note.kind}`}>{note.text}</p>}</div>
      {note?.kind === 'error' && (
        <p role="alert" className="note error">
          {note.text}
        </p>
      )}
    </section>
  );
}
