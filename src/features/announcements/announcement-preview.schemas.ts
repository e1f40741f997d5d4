import { Type } from '@sinclair/typebox';
import { Uuid } from '../../platform/http/common-schemas.js';

const RenderedMail = Type.Object({
  subject: Type.String(),
  html: Type.String({
    description:
      'The whole HTML message (Markdown rendered, raw HTML escaped, unsafe links dropped), footer said for the scope',
  }),
});

export const Preview = Type.Object({
  recipients: Type.Integer(),
  skipped: Type.Integer(),
  opted_out: Type.Integer({
    description: 'Addresses left out because they opted out of the category (none for a mandatory notice)',
  }),
  by_tenant_kind: Type.Record(Type.String(), Type.Integer(), {
    description:
      'The recipients (people, i.e. distinct addresses) by the kind of the tenant whose contact they are; a person named by several tenants counts once, under the highest of them in the tree. Adds up to `recipients`.',
  }),
  sample: Type.Array(
    Type.Object({ email: Type.String(), tenant_id: Uuid, tenant_name: Type.String(), inherited: Type.Boolean() }),
  ),
  by_language: Type.Object(
    { en: Type.Integer(), it: Type.Integer() },
    {
      description:
        'The recipients by the language they read: it, those who all read Italian (English is optional when all do); en, the others',
    },
  ),
  rendered: Type.Object(
    { en: Type.Optional(RenderedMail), it: Type.Optional(RenderedMail) },
    { description: 'The message as the mail shows it, in each language the notice is written in' },
  ),
});
