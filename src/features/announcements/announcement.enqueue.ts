import type { RawBuilder } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { ContactType } from '../../platform/db/schema.js';
import { dropOptedOut, insertDeliveries } from './recipients.repository.js';

export interface EnqueuedAnnouncement {
  id: string;
  scope_tenant_id: string;
  fallback_ceiling_id: string | null;
  category: ContactType;
  fallback: string;
  /** Reaches addresses that opted out of the category too. */
  mandatory: boolean;
  recipient_rule: 'all' | 'primary';
}

/**
 * One chunk of an announcement's tenants turned into its deliveries, inside the engine's enqueue
 * transaction: who receives it is this feature's rule (the type's contacts, else, with fallback,
 * the nearest ancestor's, never above the ceiling the announcer could reach). Answers how many
 * tenants had nobody to receive it. Addresses that opted out of the category are left out
 * (unless the notice is mandatory).
 */
export function enqueueChunk(trx: Db, announcement: EnqueuedAnnouncement, tenants: RawBuilder<unknown>) {
  return insertDeliveries(trx, announcement.id, {
    ceilingId: announcement.fallback_ceiling_id ?? announcement.scope_tenant_id,
    category: announcement.category,
    fallback: announcement.fallback === 'ancestor',
    mandatory: announcement.mandatory,
    primaryOnly: announcement.recipient_rule === 'primary',
    tenants,
  });
}

/** Once every chunk is enqueued: counts the addresses left out because they opted out (announcements.opted_out). */
export function finishOptOuts(trx: Db, announcementId: string) {
  return dropOptedOut(trx, announcementId);
}
