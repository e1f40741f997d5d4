import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { AttestationState, ContactType } from '../db/schema.js';
import { phoneMaxLength, phonePattern } from './phone.js';

export const Uuid = Type.String({ format: 'uuid', maxLength: 36 });
export const Timestamp = Type.String({ format: 'date-time', maxLength: 40 });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
export const Language = Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$', maxLength: 5, description: 'e.g. en, it' });
/**
 * `T | null` for request fields. A `Type.Union([T, Type.Null()])` is an anyOf, and Ajv's
 * type coercion turns a sent `null` into `""` in its first branch; a type list keeps it null.
 */
export const Nullable = <T extends TSchema>(schema: T) =>
  Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] });
/** Versions arrive as numbers or, from established clients, as strings; Ajv coerces them. */
export const Version = Type.Integer({ minimum: 1 });

// The vocabulary of people, shared by users, contacts and tenants' contact cards.
export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
/** A phone (or fax) number: the one rule for users, contacts and the console (see phone.ts). */
export const Phone = Nullable(
  Type.String({
    maxLength: phoneMaxLength,
    pattern: phonePattern,
    description:
      'Digits, spaces and + ( ) - . with at least one digit, optionally an extension (x123, ext. 123); at most 25 characters',
  }),
);
/** Where a contact's re-attestation stands (an enum: one clear error for an unknown value). */
export const AttestationStateSchema = Type.Unsafe<AttestationState>({
  type: 'string',
  enum: ['confirmed', 'declined', 'pending', 'stale'],
});

export const ContactTypeSchema = Type.Unsafe<ContactType>({
  type: 'string',
  enum: ['billing', 'technical', 'management'],
  description:
    'billing: usage reporting and billing changes; technical: technical platform changes; management ("Business"): business changes',
});

export const IdParams = Type.Object({ id: Uuid });
export const VersionQuery = Type.Object({ version: Version }, { additionalProperties: false });

export const IdList = Type.Object({ items: Type.Array(Uuid) });
export const ItemsOf = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item) });
export const PagedItemsOf = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    paging: Type.Object({ cursors: Type.Object({ after: Type.Optional(Type.String()) }) }),
    timestamp: Timestamp,
  });

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.Union([Type.Integer(), Type.String()]),
      domain: Type.Union([Type.String(), Type.Null()]),
      message: Type.String(),
      details: Type.Object({ info: Type.Union([Type.String(), Type.Null()]) }),
      context: Type.Object({}, { additionalProperties: true }),
      data: Type.Array(Type.Unknown()),
    }),
  },
  { $id: 'Error' },
);

/** Error answers every authenticated route may give, for the OpenAPI document. */
export const standardErrors = {
  400: Type.Ref(ErrorResponse),
  401: Type.Ref(ErrorResponse),
  403: Type.Ref(ErrorResponse),
  404: Type.Ref(ErrorResponse),
  409: Type.Ref(ErrorResponse),
  429: Type.Ref(ErrorResponse),
};
