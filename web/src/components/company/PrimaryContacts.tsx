import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { contactTypes, fullName, type Contact } from '../contacts/load';
import './company.css';

/** The company's primary contact of each type (name and email, marked when it bounced), or none, shown above its contacts. */
export function PrimaryContacts({ contacts }: { contacts: Contact[] | undefined }) {
  const { t } = useTranslation();
  const headingId = useId();
  if (!contacts) return null;
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t('clients.primaries.title')}</h2>
      <ul className="primaries">
        {contactTypes.map((type) => {
          const primary = contacts.find((c) => c.primary_types.includes(type));
          return (
            <li key={type}>
              <span className="muted">{t(`contactTypes.${type}`)}:</span>{' '}
              {primary ? (
                <>
                  <strong>{fullName(primary) || primary.email}</strong>
                  {fullName(primary) && <> {primary.email}</>}
                  {primary.validation_state === 'invalid' && (
                    <>
                      {' '}
                      <span className="badge invalid" title={t('contacts.table.invalidHelp')}>
                        {t('contacts.table.invalid')}
                      </span>
                    </>
                  )}
                </>
              ) : (
                <em>{t('clients.primaries.none')}</em>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
