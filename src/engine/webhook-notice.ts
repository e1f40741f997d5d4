import type { Db } from '../platform/db/database.js';
import { enqueueMail } from '../platform/mail/outbox.repository.js';
import { pickLanguage, renderMail } from '../platform/mail/render.js';

/**
 * Tells the admins of each endpoint's tenant that Liaison turned it off after days of failures,
 * through the mail outbox (sent after commit by the mail worker, like any message).
 */
export async function tellFailingEndpoints(db: Db, endpoints: { id: string; tenant_id: string; url: string }[]) {
  for (const endpoint of endpoints) {
    const admins = await db
      .selectFrom('users as u')
      .innerJoin('access_policies as ap', 'ap.user_id', 'u.id')
      .select(['u.email', 'u.language'])
      .distinct()
      .where('ap.tenant_id', '=', endpoint.tenant_id)
      .where('ap.role_id', 'in', ['partner_admin', 'company_admin'])
      .where('u.enabled', '=', true)
      .where('u.deleted_at', 'is', null)
      .execute();
    for (const admin of admins) {
      const mail = renderMail(
        {
          subject: 'A webhook was disabled after failing for 5 days',
          greeting: 'Hello,',
          paragraphs: [
            `Liaison could not deliver events to ${endpoint.url} for 5 days, so the webhook ${endpoint.id} is now disabled.`,
            'Events are kept: once the endpoint answers again, enable the webhook and its pending deliveries resume.',
          ],
          footer: 'Liaison webhooks',
        },
        pickLanguage(admin.language),
      );
      await enqueueMail(db, { tenantId: endpoint.tenant_id, kind: 'webhook_disabled', to: admin.email, ...mail });
    }
  }
}
