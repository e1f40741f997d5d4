import { Type, type Static, type TOptional } from '@sinclair/typebox';
import {
  ContactTypeSchema,
  Email,
  Language,
  Nullable,
  Phone,
  Timestamp,
  Uuid,
  Version,
} from '../../platform/http/common-schemas.js';

// An enum, not a union of literals: one clear error for an unknown type instead of one per literal.
// A set: a type sent twice is one type (the service normalizes order and duplicates).
const Types = Type.Array(ContactTypeSchema, { minItems: 1, maxItems: 10 });
const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
const Title = Nullable(Type.String({ maxLength: 100 }));
const text = (maxLength: number, options: { pattern?: string; description?: string } = {}) =>
  Nullable(Type.String({ maxLength, ...options }));

export const organizationSizes = ['1-10', '11-100', '101-500', '501-1000', '5000+'] as const;

/**
 * The card fields of the established API's contact, all optional and nullable; an empty
 * string is kept as sent. They are the contact's own, linked to a user or not (the user
 * holds the person: name, email, phone, job title, language).
 */
const cardSchemas = {
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
};
export type CardField = keyof typeof cardSchemas;
export const cardFields = Object.keys(cardSchemas) as CardField[];
const NullableString = Type.Union([Type.String(), Type.Null()]);
const cardAnswers = Object.fromEntries(cardFields.map((f) => [f, NullableString])) as {
  [K in CardField]: typeof NullableString;
};

export const Contact = Type.Object(
  {
    id: Uuid,
    tenant_id: Uuid,
    user_id: Type.Union([Uuid, Type.Null()]),
    types: Type.Array(ContactTypeSchema),
    firstname: Type.String(),
    lastname: Type.String(),
    email: Type.String(),
    phone: Type.Union([Type.String(), Type.Null()]),
    title: Type.Union([Type.String(), Type.Null()]),
    language: Type.Union([Type.String(), Type.Null()]),
    pending_email: Type.Union([Type.String(), Type.Null()], {
      description: "The new address waiting for the person's confirmation",
    }),
    validation_state: Type.Union([Type.Literal('valid'), Type.Literal('invalid')]),
    email_confirmed: Type.Boolean({
      description:
        'Read-only: the address was proven by its owner (the linked user activated the account or confirmed the change from it)',
    }),
    ...cardAnswers,
    version: Type.Integer(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Contact' },
);

/** The person's fields, all optional in a body (a new contact requires the first three). */
const personFields = {
  firstname: Type.Optional(Name),
  lastname: Type.Optional(Name),
  email: Type.Optional(Email),
  phone: Type.Optional(Phone),
  title: Type.Optional(Title),
  language: Type.Optional(Language),
};
const cardBodyFields = Object.fromEntries(cardFields.map((f) => [f, Type.Optional(cardSchemas[f])])) as {
  [K in CardField]: TOptional<(typeof cardSchemas)[K]>;
};

export const CreateContactBody = Type.Object(
  {
    tenant_id: Uuid,
    types: Types,
    user_id: Type.Optional(Uuid),
    ...personFields,
    ...cardBodyFields,
  },
  { additionalProperties: false },
);

export const UpdateContactBody = Type.Object(
  {
    version: Version,
    types: Type.Optional(Types),
    ...personFields,
    ...cardBodyFields,
  },
  { additionalProperties: false },
);

export const ListContactsQuery = Type.Object(
  {
    uuids: Type.Optional(Type.String({ maxLength: 3800, description: 'Comma-separated ids (≤ 100)' })),
    tenant_id: Type.Optional(Uuid),
    types: Type.Optional(
      Type.String({
        maxLength: 40,
        pattern: '^(billing|technical|management)(,(billing|technical|management))*$',
        description: 'Contacts holding any of these types',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 1000 })),
    after: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export type CreateContactInput = Static<typeof CreateContactBody>;
export type UpdateContactInput = Static<typeof UpdateContactBody>;
export type ListContactsInput = Static<typeof ListContactsQuery>;
export type ContactView = Static<typeof Contact>;
