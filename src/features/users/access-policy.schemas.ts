import { Type, type Static } from '@sinclair/typebox';
import { Timestamp, Uuid } from '../../platform/http/common-schemas.js';
import { Nullable } from '../../platform/http/common-schemas.js';
import { ResourceNamespace, RoleId } from './user.schemas.js';

export const PutAccessPoliciesBody = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          tenant_id: Uuid,
          role_id: RoleId,
          resource_namespace: Type.Optional(Nullable(ResourceNamespace)),
          // Echoed fields of a policy read before; the server owns them.
          id: Type.Optional(Uuid),
          version: Type.Optional(Type.Integer()),
          trustee_id: Type.Optional(Uuid),
          trustee_type: Type.Optional(Type.Literal('user')),
          issuer_id: Type.Optional(Uuid),
          created_at: Type.Optional(Timestamp),
          updated_at: Type.Optional(Timestamp),
          deleted_at: Type.Optional(Type.Null()),
        },
        { additionalProperties: false },
      ),
      { maxItems: 50 },
    ),
  },
  { additionalProperties: false },
);

export type AccessPolicyInput = Static<typeof PutAccessPoliciesBody>['items'][number];
