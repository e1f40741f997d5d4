import type { Tenant } from '../../api/loading';

export type LegalCard = Tenant['contact'];

/** The legal card's fields the console shows and edits, in the order shown, with the API's limits. */
export const profileFields = [
  { name: 'address1', max: 255 },
  { name: 'address2', max: 255 },
  { name: 'city', max: 100 },
  { name: 'state', max: 100 },
  { name: 'zipcode', max: 20 },
  { name: 'country', max: 100 },
  { name: 'phone', max: 25, type: 'tel' },
  { name: 'fax', max: 25, type: 'tel' },
  { name: 'website', max: 255, type: 'url' },
  { name: 'email', max: 254, type: 'email' },
] as const;
export type ProfileField = (typeof profileFields)[number]['name'];
export const profileFieldNames: ProfileField[] = profileFields.map((f) => f.name);

/** Every key PUT /tenants/{id} takes in `contact` (email_confirmed is read-only and left out). */
const accepted = [
  'types',
  'email',
  'firstname',
  'lastname',
  'phone',
  'title',
  'language',
  'address1',
  'address2',
  'city',
  'state',
  'zipcode',
  'country',
  'website',
  'industry',
  'organization_size',
  'fax',
  'aan',
] as const;

export type ProfileValues = Record<ProfileField, string>;

export const valuesOf = (card: LegalCard): ProfileValues =>
  Object.fromEntries(profileFieldNames.map((f) => [f, card[f] ?? ''])) as ProfileValues;

/**
 * The card to send: the PUT replaces the whole card, so every accepted field read stays as it was;
 * the shown fields take the form's values, an emptied one is left out.
 */
export function cardToSend(read: LegalCard, values: ProfileValues): LegalCard {
  const card: Record<string, unknown> = {};
  for (const key of accepted) if (read[key] !== undefined) card[key] = read[key];
  for (const f of profileFieldNames) {
    const value = values[f].trim();
    if (value) card[f] = value;
    else delete card[f];
  }
  return card as LegalCard;
}

/** The shown fields whose values differ between two reads of the card. */
export const changedFields = (before: LegalCard, after: LegalCard) =>
  profileFieldNames.filter((f) => (before[f] ?? '') !== (after[f] ?? ''));
