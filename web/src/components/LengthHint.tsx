import { useTranslation } from 'react-i18next';

/** From this share of the limit on, the field shows how many characters it holds. */
const NEAR = 0.8;

/**
 * Says a field's limit as its end nears, and plainly once reached: `maxlength` alone cuts what
 * is typed or pasted without a word. Only the limit reached is announced (a count per key would be noise).
 */
export function LengthHint({ id, length, max }: { id: string; length: number; max: number }) {
  const { t } = useTranslation();
  const full = length >= max;
  return (
    <span id={id} className={full ? 'length-hint full' : 'length-hint muted'}>
      {!full && length >= Math.floor(max * NEAR) && t('app.length', { n: length, max })}
      <span aria-live="polite">{full ? t('app.lengthFull', { max }) : ''}</span>
    </span>
  );
}
