import { ownTenant, tenantAccess } from '../../platform/access.js';
import type { Db } from '../../platform/db/database.js';
import { fail } from '../../platform/errors.js';
import type { Principal } from '../../platform/scope.js';
import { assertMayMandate, sendTime } from './announcement.rules.js';
import { assertEnglishNotNeeded, checkWritten } from './announcement.languages.js';
import type { AnnouncementInput } from './announcement.schemas.js';
import { countRecipients, findFallbackCeiling, subtreeOf, type RecipientQuery } from './recipients.repository.js';

// Who may announce to a scope, and whom a notice reaches: shared by POST /announcements, its
// preview, drafts (their scope only) and sending a draft (checked in full, like a POST).

/**
 * Root admins announce platform-wide, a service provider to its own subtree; others may not.
 * The ceiling is the announcer's own tenant: fallback never climbs above it.
 */
export async function announcerScope(db: Db, principal: Principal, scopeTenantId: string) {
  const scope = await tenantAccess(db, principal, scopeTenantId, 'write', { field: 'scope_tenant_id' });
  const own = await ownTenant(db, principal);
  if (!['root', 'partner'].includes(own.kind)) {
    throw fail('announcer_not_provider');
  }
  const ceilingId = (await findFallbackCeiling(db, principal, scope.id)) ?? scope.id;
  return { scope, ceilingId };
}

export async function recipientQuery(
  db: Db,
  principal: Principal,
  input: AnnouncementInput,
): Promise<RecipientQuery & { scopeName: string }> {
  const { scope, ceilingId } = await announcerScope(db, principal, input.scope_tenant_id);
  return {
    scopeName: scope.name,
    ceilingId,
    category: input.category,
    fallback: (input.fallback ?? 'none') === 'ancestor',
    tenants: subtreeOf(scope.id),
    mandatory: input.mandatory ?? false,
    primaryOnly: input.recipients === 'primary',
  };
}

/** A notice about to be accepted, checked in full: its time, languages, mandatory, scope and recipients. */
export async function checkNotice(db: Db, principal: Principal, input: AnnouncementInput) {
  const sendAt = sendTime(input.send_at);
  const written = checkWritten(input);
  if (input.mandatory) await assertMayMandate(db, principal);
  const query = await recipientQuery(db, principal, input);
  const { recipients, englishReaders } = await countRecipients(db, query);
  assertEnglishNotNeeded(written, englishReaders);
  return { sendAt, query, recipients };
}
