import { Type } from '@sinclair/typebox';
import { ContactTypeSchema, NullableTimestamp, Timestamp, Uuid } from '../../platform/http/common-schemas.js';

/** An unsubscribe token as mailed in List-Unsubscribe (d<delivery id>-<32 hex>); anything else is a 404. */
export const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 100 }) });

export const UnsubscribePage = Type.Object(
  {
    email: Type.String(),
    category: ContactTypeSchema,
    tenants: Type.Array(Type.Object({ name: Type.String() }), {
      description: 'The tenants the message was sent for: an opt-out applies to each of them',
    }),
    opted_out: Type.Boolean({ description: 'Opted out of the category for every one of those tenants' }),
    since: NullableTimestamp,
  },
  { $id: 'UnsubscribePage' },
);

export const SubscriptionBody = Type.Object(
  {
    subscribed: Type.Boolean({
      description: 'false: no more notices of this category for these tenants; true: receive them again',
    }),
  },
  { additionalProperties: false },
);

export const ContactOptOut = Type.Object({
  category: ContactTypeSchema,
  tenant_id: Uuid,
  source: Type.Union([Type.Literal('unsubscribe'), Type.Literal('mailto'), Type.Literal('complaint')], {
    description:
      'unsubscribe: the link or one-click button; mailto: a mail to the unsubscribe address; complaint: the person reported a notice as spam',
  }),
  created_at: Timestamp,
});

export const AskAgainBody = Type.Object(
  { category: Type.Optional(ContactTypeSchema) },
  { additionalProperties: false, description: 'Without a category: every opt-out of the contact' },
);
