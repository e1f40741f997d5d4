import { Type, type Static } from '@sinclair/typebox';
import { ContactTypeSchema, Timestamp, Uuid } from '../../platform/http/common-schemas.js';

const Types = Type.Array(ContactTypeSchema, {
  minItems: 1,
  maxItems: 3,
  description: 'The types asked about (default: all); a contact is asked about those of its own',
});
const OlderThanDays = Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()], {
  description: 'Only contacts not confirmed (or created) within this many days',
});

export const CampaignBody = Type.Object(
  { scope_tenant_id: Uuid, types: Type.Optional(Types), older_than_days: Type.Optional(OlderThanDays) },
  { additionalProperties: false },
);

const RequestStateSchema = Type.Union(
  ['pending', 'confirmed', 'declined', 'expired', 'withdrawn'].map((s) => Type.Literal(s)),
);

export const Campaign = Type.Object({
  id: Uuid,
  scope_tenant_id: Uuid,
  types: Type.Array(ContactTypeSchema),
  older_than_days: Type.Union([Type.Integer(), Type.Null()]),
  created_by: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
  created_at: Timestamp,
  expires_at: Timestamp,
  counts: Type.Object(
    {
      pending: Type.Integer(),
      confirmed: Type.Integer(),
      declined: Type.Integer(),
      expired: Type.Integer(),
      withdrawn: Type.Integer(),
      total: Type.Integer(),
    },
    { description: 'The questions by state: withdrawn, the contact was removed before it answered' },
  ),
});

export const ListQuery = Type.Object({ tenant_id: Uuid }, { additionalProperties: false });

const Token = Type.String({ minLength: 1, maxLength: 200 });
export const TokenParams = Type.Object({ token: Token });
export const AnswerBody = Type.Object(
  { token: Token, answer: Type.Union([Type.Literal('yes'), Type.Literal('no')]) },
  { additionalProperties: false },
);

export const Question = Type.Object({
  state: RequestStateSchema,
  tenant_name: Type.String(),
  types: Type.Array(ContactTypeSchema),
  expires_at: Timestamp,
});

export const ScheduleBody = Type.Object(
  {
    types: Type.Optional(Types),
    older_than_days: Type.Optional(OlderThanDays),
    next_run_at: Type.String({
      format: 'date-time',
      maxLength: 40,
      description: 'The first run; then every year on that day',
    }),
  },
  { additionalProperties: false },
);

export const Schedule = Type.Object({
  tenant_id: Uuid,
  types: Type.Array(ContactTypeSchema),
  older_than_days: Type.Union([Type.Integer(), Type.Null()]),
  next_run_at: Timestamp,
  updated_at: Timestamp,
});

export type CampaignInput = Static<typeof CampaignBody>;
export type ScheduleInput = Static<typeof ScheduleBody>;
export type Answer = Static<typeof AnswerBody>['answer'];
