import { ownTenant, tenantAccess } from '../../platform/access.js';
import type { Db } from '../../platform/db/database.js';
import { fail } from '../../platform/errors.js';
import type { Principal } from '../../platform/scope.js';
import { assertMayMandate, sendTime } from './announcement.rules.js';
import { assertEnglishNotNeeded, checkWritten } from './announcement.languages.js';
import type { AnnouncementInput } from './announcement.schemas.js';
import {
  countRecipients,
  findFallbackCeiling,
  sampleRecipients,
  subtreeOf,
  type RecipientQuery,
} from './recipients.repository.js';

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

async function recipientQuery(
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

/**
 * A notice checked in full, as it would be accepted: its time, languages, mandatory, scope and
 * recipients (counted; with `sample`, that many of them read beside the count).
 */
export async function checkNotice(db: Db, principal: Principal, input: AnnouncementInput, sample = 0) {
  const sendAt = sendTime(input.send_at);
  const written = checkWritten(input);
  if (input.mandatory) await assertMayMandate(db, principal);
  const query = await recipientQuery(db, principal, input);
  const [counts, sampled] = await Promise.all([
    countRecipients(db, query),
    sample ? sampleRecipients(db, query, sample) : [],
  ]);
  assertEnglishNotNeeded(written, counts.englishReaders);
  return { sendAt, query, counts, recipients: counts.recipients, sample: sampled };
}
