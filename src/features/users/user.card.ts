import { Type } from '@sinclair/typebox';
import { invalidField } from '../../platform/errors.js';
import { Email, Language, Nullable, Phone } from '../../platform/http/common-schemas.js';
import {
  cardAnswers,
  cardBodyFields,
  assertAsStored,
  EmailConfirmedEcho,
  givenCardFields,
  type CardField,
} from '../../platform/http/contact-card.js';

// A user's `contact`: the person (the user's own columns) and the rest of the established
// API's card (kept with the user), plus two read-only fields answers show.

const Name = Type.String({ maxLength: 100 });
const Title = Nullable(Type.String({ maxLength: 100 }));
const ContactTypes = Type.Array(Type.String({ maxLength: 30 }), {
  maxItems: 10,
  description: 'Read-only: the types of the contact linked to this user ([] when none)',
});

export const UserContact = Type.Object({
  email: Type.String(),
  firstname: Type.String(),
  lastname: Type.String(),
  phone: Type.Union([Type.String(), Type.Null()]),
  title: Type.Union([Type.String(), Type.Null()]),
  language: Type.String(),
  types: ContactTypes,
  email_confirmed: Type.Boolean({ description: 'Read-only: the user proved the address (activated the account)' }),
  ...cardAnswers,
});

// Sent back as read: accepted (types only when they are what is stored), never written.
const echoes = { types: Type.Optional(ContactTypes), email_confirmed: EmailConfirmedEcho };
const person = {
  firstname: Type.Optional(Name),
  lastname: Type.Optional(Name),
  phone: Type.Optional(Phone),
  title: Type.Optional(Title),
  language: Type.Optional(Language),
};

export const CreateUserContact = Type.Object(
  { email: Email, ...person, ...cardBodyFields, ...echoes },
  { additionalProperties: false },
);
export const UpdateUserContact = Type.Object(
  { email: Type.Optional(Email), ...person, ...cardBodyFields, ...echoes },
  { additionalProperties: false },
);

export type StoredCard = Partial<Record<CardField, string | null>>;

/**
 * The read-only fields of a body's contact: email_confirmed (the user activated) and types (the
 * linked contact's) may be sent back as read, not changed.
 */
export function assertEchoesAsStored(
  given: { types?: string[]; email_confirmed?: boolean },
  stored: { types: string[]; activated: boolean },
) {
  assertAsStored('contact.email_confirmed', given.email_confirmed, stored.activated);
  assertTypesAsStored(given.types, stored.types);
}

function assertTypesAsStored(given: string[] | undefined, stored: string[]) {
  if (given === undefined) return;
  const same = given.every((t) => stored.includes(t)) && stored.every((t) => given.includes(t));
  if (!same) {
    throw invalidField(
      'contact.types',
      `is read-only: the types of the contact linked to this user (${stored.join(', ') || 'none'}); change them on the contact`,
    );
  }
}

/** The card to store after a body: the fields it gives over the stored ones (undefined: none given). */
export function cardAfter(stored: StoredCard, given: Partial<Record<CardField, unknown>>): string | undefined {
  const changes = givenCardFields(given);
  return Object.keys(changes).length ? JSON.stringify({ ...stored, ...changes }) : undefined;
}
