import { useTranslation } from 'react-i18next';
import { contactTypes, type ContactType } from './load';

/** Contact types as labelled chips, always in the same order, those it is primary of marked; "None" when there is none. */
export function TypeChips({ types, primary = [] }: { types: readonly string[]; primary?: readonly string[] }) {
  const { t } = useTranslation();
  const shown = contactTypes.filter((type) => types.includes(type));
  if (!shown.length) return <span className="muted">{t('app.none')}</span>;
  return (
    <ul className="chips">
      {shown.map((type: ContactType) => (
        <li key={type} className={`chip ${type}`}>
          {t(`contactTypes.${type}`)}
          {primary.includes(type) && <span className="primary-mark"> · {t('contacts.primaryMark')}</span>}
        </li>
      ))}
    </ul>
  );
}
