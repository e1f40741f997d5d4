import { sql, type RawBuilder } from 'kysely';
import { eventSteps } from '../../platform/events.js';
import { contactJson } from '../contacts/contact.event-data.js';

/** A contact a permanent bounce turned invalid. */
export interface InvalidatedContact {
  id: string;
  tenant_id: string;
  /** The webhook deliveries the statement wrote (the same on every row): for wakeIfFanned. */
  fanned: number;
}

/**
 * The one rule for what a permanent bounce does to contacts, whether the relay refused the
 * address in our own SMTP session (the engine's recorded outcomes) or reported it later in a
 * DSN: the contacts behind the delivery (`contact_ids`) that still use the bounced address
 * (`email`, lower-cased) become invalid, each with an audit entry by the system naming the
 * delivery, the status and the diagnostic. An address corrected since the message was sent is
 * not blamed; each one's contact.invalid event for webhooks (the contact as the API shows it,
 * with the bounce's status and diagnostic) is written too. `steps` are the statement's first
 * common table expressions (the write that records the bounce); `bounced` is a row source over
 * them with the columns delivery_id, email, contact_ids, status and diagnostic. One statement:
 * it answers the contacts it changed.
 */
export function invalidateBouncedContacts(
  steps: RawBuilder<unknown>,
  bounced: RawBuilder<unknown>,
): RawBuilder<InvalidatedContact> {
  return sql<InvalidatedContact>`WITH ${steps},
    invalidated AS (
      UPDATE contacts c SET validation_state = 'invalid', updated_at = now(), version = c.version + 1
      FROM ${bounced} r
      WHERE c.id = ANY (r.contact_ids) AND c.validation_state = 'valid'
        AND lower(CASE WHEN c.user_id IS NULL THEN c.email ELSE (SELECT u.email FROM users u WHERE u.id = c.user_id) END) = r.email
      RETURNING c.id, c.tenant_id, r.delivery_id, r.status, r.diagnostic,
        ${contactJson('c')} || jsonb_build_object('bounce', jsonb_build_object('status', r.status, 'diagnostic', r.diagnostic)) AS data),
    audited AS (
      INSERT INTO audit_events (tenant_id, object_type, object_id, action, actor_type, before, after)
      SELECT tenant_id, 'contact', id, 'bounce', 'system', '{"validation_state": "valid"}'::jsonb,
        jsonb_build_object('validation_state', 'invalid', 'delivery_id', delivery_id, 'status', status, 'diagnostic', diagnostic)
      FROM invalidated),
    invalid_contacts AS (SELECT tenant_id, id::text AS object_id, data FROM invalidated),
    ${eventSteps('contact.invalid', 'invalid_contacts')}
    SELECT id, tenant_id, (SELECT count(*)::int FROM event_deliveries) AS fanned FROM invalidated`;
}
