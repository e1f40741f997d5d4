import { Type, type Static } from '@sinclair/typebox';
import { contactTypes } from '../../platform/db/schema.people.js';
import { ContactTypeSchema, NullableTimestamp, Timestamp, Uuid } from '../../platform/http/common-schemas.js';

const Localized = (max: number) =>
  Type.Object(
    {
      en: Type.Optional(Type.String({ minLength: 1, maxLength: max, pattern: '\\S' })),
      it: Type.Optional(Type.String({ minLength: 1, maxLength: max, pattern: '\\S' })),
    },
    {
      additionalProperties: false,
      description:
        'Per language (subject and body together). English is the fallback: required unless every recipient reads Italian',
    },
  );

/** Without defaults in a PATCH: a field left out there stays as it is. */
const Fallback = (options: { default?: 'none' } = {}) =>
  Type.Union([Type.Literal('none'), Type.Literal('ancestor')], {
    ...options,
    description:
      "ancestor: a tenant without a deliverable contact of the category is covered by its nearest ancestor's that has one, above the scope if need be but never above the announcer's own tenant",
  });

const SendAt = Type.String({
  format: 'date-time',
  maxLength: 40,
  description:
    'RFC 3339; the notice waits (status scheduled) until then. In the future, at most a year ahead; left out: at once',
});

const Mandatory = (options: { default?: false } = {}) =>
  Type.Boolean({
    ...options,
    description:
      'Security, legal or service changes a customer must know: sent to opted-out addresses too, without List-Unsubscribe. Root administrators only',
  });

const Recipients = (options: { default?: string } = {}) =>
  Type.Union([Type.Literal('all'), Type.Literal('primary')], {
    ...options,
    description:
      "all: every contact of the category; primary: each tenant's primary contact of it (with fallback, the nearest ancestor's primary). Shown as recipient_rule",
  });

export const AnnouncementBody = Type.Object(
  {
    category: ContactTypeSchema,
    subject: Localized(200),
    body: Localized(50_000),
    scope_tenant_id: Uuid,
    fallback: Type.Optional(Fallback({ default: 'none' })),
    recipients: Type.Optional(Recipients({ default: 'all' })),
    send_at: Type.Optional(SendAt),
    mandatory: Type.Optional(Mandatory({ default: false })),
  },
  { additionalProperties: false },
);

/** What may change while a notice is scheduled or a draft (PATCH): any of these, nothing else. */
export const AnnouncementPatch = Type.Object(
  {
    category: Type.Optional(ContactTypeSchema),
    subject: Type.Optional(Localized(200)),
    body: Type.Optional(Localized(50_000)),
    fallback: Type.Optional(Fallback()),
    recipients: Type.Optional(Recipients()),
    send_at: Type.Optional(SendAt),
    mandatory: Type.Optional(Mandatory()),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** Cancelling takes no fields (an empty body or none at all). */
export const CancelBody = Type.Object({}, { additionalProperties: false });

const Counts = Type.Object({
  pending: Type.Integer(),
  sent: Type.Integer(),
  failed: Type.Integer({ description: 'All failed deliveries, bounced ones included' }),
  cancelled: Type.Integer({ description: 'Deliveries left unsent because the notice was cancelled' }),
  skipped: Type.Integer({ description: 'Tenants with nobody to receive it' }),
  opted_out: Type.Integer({ description: 'Addresses left out because they opted out of the category' }),
  bounced: Type.Integer({ description: 'Failed deliveries a relay reported later as bounced (a DSN)' }),
  complained: Type.Integer({ description: 'Deliveries whose recipient reported the message as abuse' }),
});

const announcementStatuses = ['draft', 'scheduled', 'enqueuing', 'queued', 'sending', 'done', 'cancelled'] as const;
export type AnnouncementStatus = (typeof announcementStatuses)[number];

export const Announcement = Type.Object({
  id: Uuid,
  scope_tenant_id: Uuid,
  category: Type.String(),
  subject: Type.Object({ en: Type.Optional(Type.String()), it: Type.Optional(Type.String()) }),
  body: Type.Object({ en: Type.Optional(Type.String()), it: Type.Optional(Type.String()) }),
  fallback: Type.String(),
  recipient_rule: Type.Union([Type.Literal('all'), Type.Literal('primary')], {
    description: "The body's recipients: every contact of the category, or each tenant's primary one",
  }),
  test: Type.Boolean({
    description: 'A test message to one contact (POST /contacts/{id}/send-test-message); left out of lists',
  }),
  status: Type.Union(announcementStatuses.map((s) => Type.Literal(s))),
  mandatory: Type.Boolean(),
  send_at: NullableTimestamp,
  cancelled_at: NullableTimestamp,
  recipients: Type.Integer({ description: 'Distinct addresses (known once enqueued; the preview count before)' }),
  counts: Counts,
  created_by: Type.Object({ type: Type.String(), id: Type.Union([Uuid, Type.Null()]) }),
  created_at: Timestamp,
  enqueued_at: NullableTimestamp,
  completed_at: NullableTimestamp,
});

/** What relays and recipients reported later, by mail: a bounce (DSN) or an abuse complaint (ARF). */
const BounceMarks = {
  bounced_at: NullableTimestamp,
  bounce_status: Type.Union([Type.String(), Type.Null()], {
    description: 'The DSN status: 5.x.x permanent, 4.x.x delayed',
  }),
  complained_at: NullableTimestamp,
};

export const Delivery = Type.Object({
  id: Type.String(),
  email: Type.String(),
  language: Type.String(),
  tenants: Type.Array(Type.Object({ id: Uuid, name: Type.String() })),
  contact_ids: Type.Array(Uuid),
  status: Type.String(),
  attempts: Type.Integer(),
  last_error: Type.Union([Type.String(), Type.Null()]),
  sent_at: NullableTimestamp,
  ...BounceMarks,
});

export const ContactDelivery = Type.Object({
  id: Type.String(),
  announcement_id: Uuid,
  category: Type.String(),
  subject: Type.String({ description: 'As sent: in the language the message was written in for this person' }),
  test: Type.Boolean({ description: 'A test message (POST /contacts/{id}/send-test-message)' }),
  email: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  last_error: Type.Union([Type.String(), Type.Null()]),
  sent_at: NullableTimestamp,
  ...BounceMarks,
  created_at: Timestamp,
});

const literals = <T extends string>(values: readonly T[], description: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { description },
  );

/** The first call's filters; a cursor (`after`) carries them to the next pages. */
export const ListAnnouncementsQuery = Type.Object(
  {
    tenant_id: Type.Optional(Uuid),
    status: Type.Optional(literals(announcementStatuses, 'Only announcements in this state (e.g. draft)')),
    category: Type.Optional(literals(contactTypes, 'Only announcements of this contact type')),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'Only announcements whose subject (in any language) contains this text, any case',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    after: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

const deliveryStatuses = ['pending', 'sent', 'failed', 'cancelled'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export const DeliveriesQuery = Type.Object(
  {
    status: Type.Optional(Type.Union(deliveryStatuses.map((s) => Type.Literal(s)))),
    recipient: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 320,
        description: 'Only deliveries whose address contains this text (case-insensitive)',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    after: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { additionalProperties: false },
);

export type AnnouncementInput = Static<typeof AnnouncementBody>;
export type AnnouncementChanges = Static<typeof AnnouncementPatch>;
