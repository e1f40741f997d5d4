import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const Uuid = Type.String({ format: 'uuid', maxLength: 36 });
export const Timestamp = Type.String({ format: 'date-time', maxLength: 40 });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
export const Language = Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$', maxLength: 5, description: 'e.g. en, it' });
/**
 * `T | null` for request fields. A `Type.Union([T, Type.Null()])` is an anyOf, and Ajv's
 * type coercion turns a sent `null` into `""` in its first branch; a type list keeps it null.
 */
export const Nullable = <T extends TSchema>(schema: T) => Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] });
/** Versions arrive as numbers or, from established clients, as strings; Ajv coerces them. */
export const Version = Type.Integer({ minimum: 1 });

export const IdParams = Type.Object({ id: Uuid });
export const VersionQuery = Type.Object({ version: Version }, { additionalProperties: false });

export const IdList = Type.Object({ items: Type.Array(Uuid) });
export const ItemsOf = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item) });
export const PagedItemsOf = <T extends TSchema>(item: T) => Type.Object({
  items: Type.Array(item),
  paging: Type.Object({ cursors: Type.Object({ after: Type.Optional(Type.String()) }) }),
  timestamp: Timestamp,
});

export const ErrorResponse = Type.Object({
  error: Type.Object({
    code: Type.Union([Type.Integer(), Type.String()]),
    domain: Type.Union([Type.String(), Type.Null()]),
    message: Type.String(),
    details: Type.Object({ info: Type.Union([Type.String(), Type.Null()]) }),
    context: Type.Object({}, { additionalProperties: true }),
    data: Type.Array(Type.Unknown()),
  }),
}, { $id: 'Error' });

/** Error answers every authenticated route may give, for the OpenAPI document. */
export const standardErrors = {
  400: Type.Ref(ErrorResponse), 401: Type.Ref(ErrorResponse), 403: Type.Ref(ErrorResponse),
  404: Type.Ref(ErrorResponse), 409: Type.Ref(ErrorResponse), 429: Type.Ref(ErrorResponse),
};
