import { recordAudit, type AuditActor } from '../../platform/audit-trail.js';
import type { Db } from '../../platform/db/database.js';
import type { ContactType } from '../../platform/db/schema.js';
import { recordEvent } from '../../platform/events.js';
import { systemPrincipal } from '../../platform/scope.js';
import { lockContactsOf } from './contact.addresses.js';
import { toContact } from './contact.mapping.js';
import { promoteOldest } from './contact.primaries.js';
import * as repo from './contact.repository.js';

/**
 * The person gave up some of its types (it declined a re-attestation), in the caller's
 * transaction: they go, with the primaries among them, which pass to the oldest remaining
 * contact of each type (the person's answer is not refused for being primary). A contact left
 * with no type is deleted; a linked user stays. Answers the contact before, or undefined when
 * it is gone already.
 */
export async function withdrawTypes(
  trx: Db,
  actor: AuditActor,
  contact: { id: string; tenantId: string },
  types: ContactType[],
) {
  const { id, tenantId } = contact;
  const principal = systemPrincipal(tenantId, actor.id ?? id);
  const scope = principal.read;
  await lockContactsOf(trx, tenantId);
  const current = await repo.findContact(trx, scope, id);
  if (!current) return undefined;
  const before = toContact(current);
  // Types dropped meanwhile by an admin: nothing left to withdraw.
  if (!current.types.some((t) => types.includes(t))) return { before, deleted: false };
  const remaining = current.types.filter((t) => !types.includes(t));
  const entry = { tenantId, objectType: 'contact', objectId: id } as const;
  if (remaining.length === 0) {
    await repo.deleteContact(trx, scope, id, current.version);
    await recordAudit(trx, actor, { ...entry, action: 'delete', before });
    await recordEvent(trx, { type: 'contact.deleted', tenantId, data: before });
  } else {
    const primaries = current.primary_types.filter((t) => remaining.includes(t));
    await repo.updateContact(trx, scope, id, current.version, { types: remaining, primary_types: primaries });
    const after = toContact((await repo.findContact(trx, scope, id))!);
    await recordAudit(trx, actor, { ...entry, action: 'update', before, after });
    await recordEvent(trx, { type: 'contact.updated', tenantId, data: after, before });
  }
  const lost = current.primary_types.filter((t) => types.includes(t));
  await promoteOldest(trx, principal, tenantId, lost, actor);
  return { before, deleted: remaining.length === 0 };
}
