import { Type, type TOptional } from '@sinclair/typebox';
import { invalidField } from '../errors.js';
import { Nullable, Phone } from './common-schemas.js';

// The established API's contact card, declared once: a contact's card fields, a user's
// `contact`, a tenant's legal `contact` and POST /tenants' `company_billing_contact`.

const text = (maxLength: number, options: { pattern?: string; description?: string } = {}) =>
  Nullable(Type.String({ maxLength, ...options }));

const organizationSizes = ['1-10', '11-100', '101-500', '501-1000', '5000+'] as const;

/** Every card type of the established API (writable ones); contacts hold billing, technical, management. */
export const cardTypes = ['legal', 'primary', 'billing', 'technical', 'management'] as const;
export const CardTypes = Type.Array(Type.Unsafe<(typeof cardTypes)[number]>({ type: 'string', enum: [...cardTypes] }), {
  maxItems: 5,
  uniqueItems: true,
});

/**
 * The card's fields beyond the person (name, email, phone, job title, language), all optional
 * and nullable; an empty string is kept as sent.
 */
export const cardSchemas = {
  address1: text(255),
  address2: text(255),
  city: text(100),
  state: text(100),
  zipcode: text(20, { pattern: '^[A-Za-z0-9 \\-]*$', description: 'Letters, digits, spaces and hyphens' }),
  // A letter first, then letters of any script and the punctuation of country names.
  country: text(100, {
    pattern: "^(?:\\p{L}[\\p{L}\\p{M} .,'’()&\\-]+)?$",
    description: 'An ISO 3166 code (IT) or a name (Italy); at least 2 letters',
  }),
  website: text(255, { pattern: '^(?:https?://[^\\s/?#]+(?:[/?#]\\S*)?)?$', description: 'An http(s) URL, or empty' }),
  industry: text(100),
  organization_size: Type.Unsafe<(typeof organizationSizes)[number] | null>({
    type: ['string', 'null'],
    enum: [...organizationSizes, null],
  }),
  fax: Phone,
  aan: text(100, { description: 'The account number the platform knows the organization by' }),
};
export type CardField = keyof typeof cardSchemas;
export const cardFields = Object.keys(cardSchemas) as CardField[];

/** The card fields as a body takes them (each optional). */
export const cardBodyFields = Object.fromEntries(cardFields.map((f) => [f, Type.Optional(cardSchemas[f])])) as {
  [K in CardField]: TOptional<(typeof cardSchemas)[K]>;
};

const NullableString = Type.Union([Type.String(), Type.Null()]);
/** The card fields as an answer shows them (null when never set). */
export const cardAnswers = Object.fromEntries(cardFields.map((f) => [f, NullableString])) as {
  [K in CardField]: typeof NullableString;
};

/** Every card field of a stored card (a contact's columns, a user's document) as answers show it: null when never set. */
export const cardAnswersOf = (stored: Partial<Record<CardField, string | null>>) =>
  Object.fromEntries(cardFields.map((f) => [f, stored[f] ?? null])) as Record<CardField, string | null>;

/** Read-only in every body: accepted when it is what the object shows (a client sends back what it read). */
export const EmailConfirmedEcho = Type.Optional(
  Type.Boolean({
    description: 'Read-only: may be sent back as read, never changed (the address is proven by its owner)',
  }),
);

/** A read-only field sent back: accepted when it equals what is stored, else a 400 naming it. */
export function assertAsStored(field: string, given: boolean | undefined, stored: boolean) {
  if (given !== undefined && given !== stored) throw invalidField(field, `is read-only (it is ${stored} here)`);
}

/** The card fields of `input` that were given, for storing. */
export function givenCardFields(input: Partial<Record<CardField, unknown>>) {
  return Object.fromEntries(cardFields.filter((f) => input[f] !== undefined).map((f) => [f, input[f]])) as Partial<
    Record<CardField, string | null>
  >;
}
