import { Type, type Static } from '@sinclair/typebox';
import { AnnouncementBody } from './announcement.schemas.js';

const { category, subject, body } = AnnouncementBody.properties;

/**
 * What POST /announcements takes: a notice (category, subject and body required, as in
 * AnnouncementBody) or, with draft: true, a draft kept unsent: only scope_tenant_id is required,
 * and it is sent later with POST /announcements/{id}/send, which checks it as a notice.
 */
export const AnnouncementCreate = Type.Object(
  {
    ...AnnouncementBody.properties,
    category: Type.Optional(category),
    subject: Type.Optional(subject),
    body: Type.Optional(body),
    draft: Type.Optional(
      Type.Boolean({
        description:
          'Keep it as a draft (status draft): nothing is sent or counted; category, subject and body may be left out. Edit it with PATCH, send it with POST /announcements/{id}/send, delete it with DELETE',
      }),
    ),
  },
  { additionalProperties: false },
);

export type AnnouncementRequest = Static<typeof AnnouncementCreate>;
