import { Type, type Static } from '@sinclair/typebox';
import { NullableTimestamp, Timestamp, Uuid } from '../../platform/http/common-schemas.js';

const AuthMethod = Type.Union([Type.Literal('client_secret_basic'), Type.Literal('client_secret_post')]);
const Status = Type.Union([Type.Literal('enabled'), Type.Literal('disabled')]);
const ClientData = Type.Object(
  { client_name: Type.String({ minLength: 1, maxLength: 255 }) },
  { additionalProperties: false },
);

export const CreateClientBody = Type.Object(
  {
    type: Type.Literal('api_client'),
    tenant_id: Uuid,
    token_endpoint_auth_method: Type.Optional(AuthMethod),
    data: ClientData,
    // Established scripts send `redirect_uris: []`; API clients use client_credentials and
    // have no redirects, so any URI is refused rather than silently dropped.
    redirect_uris: Type.Optional(Type.Array(Type.String({ maxLength: 2048 }), { maxItems: 0 })),
  },
  { additionalProperties: false },
);

export const UpdateClientBody = Type.Object(
  {
    data: Type.Optional(ClientData),
    status: Type.Optional(Status),
  },
  { additionalProperties: false },
);

export const ClientParams = Type.Object({ id: Uuid });

const common = {
  client_id: Uuid,
  tenant_id: Uuid,
  type: Type.Literal('api_client'),
  token_endpoint_auth_method: AuthMethod,
  status: Status,
  created_at: Timestamp,
  created_by: Type.Union([Uuid, Type.Null()]),
  data: ClientData,
};

/** Answer of the create call: the only time the secret is ever shown. */
export const CreatedClient = Type.Object({
  ...common,
  client_secret: Type.String(),
  client_secret_expires_at: Type.Integer(),
});
export const Client = Type.Object({
  ...common,
  last_access_at: NullableTimestamp,
  last_access_from_ip: Type.Union([Type.String(), Type.Null()]),
});

export type CreateClientInput = Static<typeof CreateClientBody>;
export type UpdateClientInput = Static<typeof UpdateClientBody>;
