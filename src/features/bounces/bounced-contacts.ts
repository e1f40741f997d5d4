import { sql, type RawBuilder } from 'kysely';

/** A contact a permanent bounce turned invalid. */
export interface InvalidatedContact {
  id: string;
  tenant_id: string;
}

/**
 * The one rule for what a permanent bounce does to contacts, whether the relay refused the
 * address in our own SMTP session (the engine's recorded outcomes) or reported it later in a
 * DSN: the contacts behind the delivery (`contact_ids`) that still use the bounced address
 * (`email`, lower-cased) become invalid. An address corrected since the message was sent is
 * not blamed. `bounced` is a row source with those two columns (a CTE, a subquery); the
 * statement answers the contacts it changed.
 */
export function invalidateBouncedContacts(bounced: RawBuilder<unknown>): RawBuilder<InvalidatedContact> {
  return sql<InvalidatedContact>`UPDATE contacts c SET validation_state = 'invalid', updated_at = now(), version = c.version + 1
    FROM ${bounced} r
    WHERE c.id = ANY (r.contact_ids) AND c.validation_state = 'valid'
      AND lower(CASE WHEN c.user_id IS NULL THEN c.email ELSE (SELECT u.email FROM users u WHERE u.id = c.user_id) END) = r.email
    RETURNING c.id, c.tenant_id`;
}
