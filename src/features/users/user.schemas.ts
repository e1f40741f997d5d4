import { Type, type Static } from '@sinclair/typebox';
import { Language, NullableTimestamp, Timestamp, Uuid, Version } from '../../platform/http/common-schemas.js';
import { Lod, lodItem } from '../../platform/http/lod.js';
import { CreateUserContact, UpdateUserContact, UserContact } from './user.card.js';

export const Login = Type.String({
  minLength: 1,
  maxLength: 255,
  pattern: '^[A-Za-z0-9._@+-]+$',
  description: 'Letters, digits and . _ @ + -; unique platform-wide, case-insensitive',
});

const NotificationKind = Type.Union(
  [
    'maintenance',
    'quota',
    'reports',
    'backup_error',
    'backup_warning',
    'backup_info',
    'backup_daily_report',
    'backup_critical',
  ].map((k) => Type.Literal(k)),
);
const Notifications = Type.Array(NotificationKind, { maxItems: 20, uniqueItems: true });
const BusinessTypes = Type.Array(Type.Literal('buyer'), { maxItems: 1, uniqueItems: true });
/** The roles Liaison acts on (what each may do: README, Access). */
const liaisonRoles = ['partner_admin', 'company_admin', 'readonly_admin', 'user'] as const;
/** Any role of the platform's products: Liaison's own, or another's kept as given (e.g. backup_user). */
export const RoleId = Type.String({
  maxLength: 64,
  pattern: '^[a-z][a-z0-9_]{0,63}$',
  description: `${liaisonRoles.join(', ')} act in Liaison; other products' roles are kept and grant nothing here`,
});
export const ResourceNamespace = Type.String({ maxLength: 64, pattern: '^[a-z][a-z0-9_.-]{0,63}$' });

export const AccessPolicy = Type.Object(
  {
    id: Uuid,
    version: Type.Integer(),
    trustee_id: Uuid,
    trustee_type: Type.Literal('user'),
    issuer_id: Uuid,
    tenant_id: Uuid,
    role_id: RoleId,
    resource_namespace: Type.Union([ResourceNamespace, Type.Null()], { description: "A product role's namespace" }),
    created_at: Timestamp,
    updated_at: Timestamp,
    deleted_at: Type.Null(),
  },
  { $id: 'AccessPolicy' },
);

export const User = Type.Object(
  {
    id: Uuid,
    version: Type.Integer(),
    tenant_id: Uuid,
    login: Type.String(),
    contact: UserContact,
    activated: Type.Boolean(),
    enabled: Type.Boolean(),
    language: Type.String(),
    personal_tenant_id: Type.Null(),
    business_types: Type.Array(Type.String()),
    notifications: Type.Array(Type.String()),
    access_policies: Type.Optional(Type.Array(AccessPolicy)),
    created_at: Timestamp,
    updated_at: Timestamp,
    deleted_at: NullableTimestamp,
  },
  { $id: 'User' },
);

/** What lod=basic leaves out of a user: the contact card. */
export const USER_HEAVY = ['contact'];
export const UserListItem = lodItem(User, USER_HEAVY, 'User');

export const Me = Type.Intersect([User, Type.Object({ tenant_kind: Type.String() })]);

export const CreateUserBody = Type.Object(
  {
    tenant_id: Uuid,
    login: Type.Optional(Login),
    contact: CreateUserContact,
    enabled: Type.Optional(Type.Boolean()),
    language: Type.Optional(Language),
    notifications: Type.Optional(Notifications),
    business_types: Type.Optional(BusinessTypes),
  },
  { additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  {
    version: Version,
    login: Type.Optional(Login),
    contact: Type.Optional(UpdateUserContact),
    enabled: Type.Optional(Type.Boolean()),
    language: Type.Optional(Language),
    notifications: Type.Optional(Notifications),
    business_types: Type.Optional(BusinessTypes),
  },
  { additionalProperties: false },
);

export const UserOrders = [
  'login',
  '-login',
  'name',
  '-name',
  'contact_types',
  '-contact_types',
  'status',
  '-status',
] as const;
export type UserOrder = (typeof UserOrders)[number];

export const ListUsersQuery = Type.Object(
  {
    uuids: Type.Optional(Type.String({ maxLength: 3800, description: 'Comma-separated ids (≤ 100)' })),
    tenant_id: Type.Optional(Uuid),
    subtree_root_tenant_id: Type.Optional(Uuid),
    updated_since: Type.Optional(Timestamp),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000, default: 2000 })),
    after: Type.Optional(Type.String({ maxLength: 2000 })),
    with_access_policies: Type.Optional(Type.Boolean({ default: false })),
    lod: Type.Optional(Lod),
    order: Type.Optional(
      Type.Union(
        UserOrders.map((o) => Type.Literal(o)),
        { description: 'Sort key; `-` reverses. Default: id' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const TenantUsersQuery = Type.Object(
  {
    include_grand_children: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);

export const CheckLoginQuery = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 255 }) },
  { additionalProperties: false },
);

export type CreateUserInput = Static<typeof CreateUserBody>;
export type UpdateUserInput = Static<typeof UpdateUserBody>;
export type ListUsersInput = Static<typeof ListUsersQuery>;
