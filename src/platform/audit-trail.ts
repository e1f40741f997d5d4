import type { Db } from './db/database.js';
import type { Principal } from './scope.js';

// The audit trail is written by every feature, inside the transaction of each change, like a
// log line that cannot disagree with the data; the audit feature only reads it (GET /audit).

/** Who did it: a signed-in user or API client, or a person acting through a mailed link. */
export interface AuditActor {
  type: 'user' | 'client' | 'person' | 'system';
  id: string | null;
}

export const actorOf = (principal: Principal): AuditActor => ({ type: principal.kind, id: principal.id });

export interface AuditEntry {
  tenantId: string;
  objectType: 'tenant' | 'user' | 'contact' | 'access_policies' | 'announcement' | 'webhook' | 'attestation_campaign';
  objectId: string;
  action: string;
  before?: unknown;
  after?: unknown;
}

/** Written inside the transaction of the change, so the trail and the data never disagree. */
export async function recordAudit(db: Db, actor: AuditActor, entry: AuditEntry) {
  await db
    .insertInto('audit_events')
    .values({
      tenant_id: entry.tenantId,
      object_type: entry.objectType,
      object_id: entry.objectId,
      action: entry.action,
      actor_type: actor.type,
      actor_id: actor.id,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
    })
    .execute();
}
