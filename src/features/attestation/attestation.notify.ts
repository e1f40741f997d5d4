import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db/database.js';
import type { ContactType } from '../../platform/db/schema.js';
import { enqueueMail } from '../../platform/mail/outbox.repository.js';
import { pickLanguage } from '../../platform/mail/render.js';
import { declinedMail } from './attestation.mails.js';
import { campaignAuthor } from './attestation.repository.js';

/**
 * A contact declined: whoever started the campaign (a user; an API client learns it from the
 * contact.attestation_declined event) is mailed in its language, in the answer's transaction.
 */
export async function tellDeclined(
  trx: Db,
  config: Config,
  request: { campaign_id: string; tenant_id: string; tenant_name: string; types: ContactType[] },
  contact: { firstname: string; lastname: string; email: string },
) {
  const author = await campaignAuthor(trx, request.campaign_id);
  if (!author) return;
  const language = pickLanguage(author.language, author.tenant_language);
  const mail = declinedMail(language, {
    name: `${contact.firstname} ${contact.lastname}`.trim(),
    email: contact.email,
    tenantName: request.tenant_name,
    types: request.types,
    url: `${config.publicUrl}/clients/${request.tenant_id}`,
  });
  await enqueueMail(trx, { tenantId: author.tenant_id, kind: 'attestation_declined', to: author.email, ...mail });
}
