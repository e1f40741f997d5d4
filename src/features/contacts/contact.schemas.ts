import { Type, type Static } from '@sinclair/typebox';
import { cardAnswers, cardBodyFields, CardTypes, EmailConfirmedEcho } from '../../platform/http/contact-card.js';
import {
  AttestationStateSchema,
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
/** Of its types, those it is made the primary contact of (taking it over from another); [] is a valid answer only where no other holds them. */
const PrimaryTypes = Type.Array(ContactTypeSchema, { maxItems: 10 });
const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
const Title = Nullable(Type.String({ maxLength: 100 }));
export const Contact = Type.Object(
  {
    id: Uuid,
    tenant_id: Uuid,
    user_id: Type.Union([Uuid, Type.Null()]),
    types: Type.Array(ContactTypeSchema),
    primary_types: Type.Array(ContactTypeSchema, {
      description: "The types of which it is its tenant's primary contact (one per type the tenant has contacts of)",
    }),
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
    attested_at: Type.Union([Timestamp, Type.Null()], {
      description: 'When the person last confirmed holding its types',
    }),
    attestation_state: Type.Union([AttestationStateSchema, Type.Null()], {
      description:
        'confirmed, declined, pending (asked), stale (not confirmed for a year); null: never asked and younger than that',
    }),
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
export const CreateContactBody = Type.Object(
  {
    tenant_id: Uuid,
    types: Types,
    primary_types: Type.Optional(PrimaryTypes),
    user_id: Type.Optional(Uuid),
    ...personFields,
    ...cardBodyFields,
    email_confirmed: EmailConfirmedEcho,
  },
  { additionalProperties: false },
);

/**
 * POST /tenants' `company_billing_contact`: the one card, as the established API sends it, for
 * the new tenant's billing contact (a person without access: first name, last name and email).
 */
export const BillingContactCard = Type.Object(
  {
    types: Type.Optional(CardTypes),
    ...personFields,
    firstname: Name,
    lastname: Name,
    email: Email,
    ...cardBodyFields,
    email_confirmed: EmailConfirmedEcho,
  },
  { additionalProperties: false },
);

export const UpdateContactBody = Type.Object(
  {
    version: Version,
    types: Type.Optional(Types),
    primary_types: Type.Optional(PrimaryTypes),
    ...personFields,
    ...cardBodyFields,
    email_confirmed: EmailConfirmedEcho,
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
export type BillingContactInput = Static<typeof BillingContactCard>;
export type UpdateContactInput = Static<typeof UpdateContactBody>;
export type ListContactsInput = Static<typeof ListContactsQuery>;
export type ContactView = Static<typeof Contact>;
