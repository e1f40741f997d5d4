import { Type, type Static } from '@sinclair/typebox';
import { Language, Nullable, NullableTimestamp, Timestamp, Uuid, Version } from '../../platform/http/common-schemas.js';
import { BillingContactCard, Contact } from '../contacts/contact.schemas.js';
import { Lod, lodItem } from '../../platform/http/lod.js';
import { cardBodyFields, CardTypes, EmailConfirmedEcho } from '../../platform/http/contact-card.js';
import { phoneMaxLength, phonePattern } from '../../platform/http/phone.js';

const text = (max: number) => Type.String({ maxLength: max });

const TenantName = Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' });
const CreatableKind = Type.Union([
  Type.Literal('partner'),
  Type.Literal('folder'),
  Type.Literal('customer'),
  Type.Literal('unit'),
]);
const TenantKind = Type.Union([Type.Literal('root'), CreatableKind]);

/** The tenant's legal contact card: the established API's one card (types legal, primary, …), kept as sent. */
const TenantContactCard = Type.Object(
  {
    types: Type.Optional(CardTypes),
    email: Type.Optional(Type.Union([Type.Literal(''), Type.String({ format: 'email', maxLength: 254 })])),
    firstname: Type.Optional(text(100)),
    lastname: Type.Optional(text(100)),
    phone: Type.Optional(Type.String({ maxLength: phoneMaxLength, pattern: phonePattern })),
    title: Type.Optional(text(100)),
    language: Type.Optional(Language),
    ...cardBodyFields,
    email_confirmed: EmailConfirmedEcho,
  },
  { additionalProperties: false },
);

export const Tenant = Type.Object(
  {
    id: Uuid,
    version: Type.Integer(),
    name: Type.String(),
    kind: TenantKind,
    parent_id: Uuid,
    enabled: Type.Boolean(),
    language: Type.String(),
    has_children: Type.Boolean(),
    customer_type: Type.Literal('default'),
    customer_id: Type.Union([Type.String(), Type.Null()]),
    internal_tag: Type.Union([Type.String(), Type.Null()]),
    owner_id: Type.Null(),
    ancestral_access: Type.Boolean(),
    update_lock: Type.Object({ enabled: Type.Boolean(), owner_id: Type.Null() }),
    contact: TenantContactCard,
    contacts: Type.Array(Contact, { description: "The tenant's contacts ([] unless with_contacts)" }),
    contact_counts: Type.Optional(
      Type.Object(
        { billing: Type.Integer(), technical: Type.Integer(), management: Type.Integer() },
        { description: "Only with with_contact_counts: the tenant's own valid contacts of each type" },
      ),
    ),
    created_at: Timestamp,
    updated_at: Timestamp,
    deleted_at: NullableTimestamp,
  },
  { $id: 'Tenant' },
);

export const CreateTenantBody = Type.Object(
  {
    name: TenantName,
    parent_id: Uuid,
    kind: CreatableKind,
    language: Type.Optional(Language),
    enabled: Type.Optional(Type.Boolean()),
    contact: Type.Optional(TenantContactCard),
    company_billing_contact: Type.Optional(BillingContactCard),
    customer_id: Type.Optional(Nullable(text(255))),
    internal_tag: Type.Optional(Nullable(text(255))),
  },
  { additionalProperties: false },
);

export const UpdateTenantBody = Type.Object(
  {
    version: Version,
    name: Type.Optional(TenantName),
    kind: Type.Optional(Type.Union([Type.Literal('partner'), Type.Literal('folder')])),
    language: Type.Optional(Language),
    enabled: Type.Optional(Type.Boolean()),
    contact: Type.Optional(TenantContactCard),
    customer_id: Type.Optional(Nullable(text(255))),
    internal_tag: Type.Optional(Nullable(text(255))),
  },
  { additionalProperties: false },
);

export const ListTenantsQuery = Type.Object(
  {
    uuids: Type.Optional(Type.String({ maxLength: 3800, description: 'Comma-separated ids (≤ 100)' })),
    parent_id: Type.Optional(Uuid),
    subtree_root_id: Type.Optional(Uuid),
    updated_since: Type.Optional(Timestamp),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 5000 })),
    after: Type.Optional(Type.String({ maxLength: 2000 })),
    allow_deleted: Type.Optional(Type.Boolean({ default: false })),
    with_contacts: Type.Optional(Type.Boolean({ default: false })),
    with_contact_counts: Type.Optional(
      Type.Boolean({ default: false, description: 'Add contact_counts: the valid contacts of each type' }),
    ),
    lod: Type.Optional(Lod),
  },
  { additionalProperties: false },
);

/** What lod=basic leaves out of a tenant. */
export const TENANT_HEAVY = ['contact', 'contacts'];
export const TenantListItem = lodItem(Tenant, TENANT_HEAVY, 'Tenant');

export const ChildrenQuery = Type.Object(
  {
    order: Type.Optional(
      Type.Union(['name', '-name', 'status', '-status', 'created_at', '-created_at'].map((o) => Type.Literal(o))),
    ),
    allow_deleted: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);

export const AllowDeletedQuery = Type.Object(
  { allow_deleted: Type.Optional(Type.Boolean({ default: false })) },
  { additionalProperties: false },
);

export type CreateTenantInput = Static<typeof CreateTenantBody>;
export type UpdateTenantInput = Static<typeof UpdateTenantBody>;
export type ListTenantsInput = Static<typeof ListTenantsQuery>;
export type ChildOrder = NonNullable<Static<typeof ChildrenQuery>['order']>;
