import type { Db } from '../../platform/db/database.js';
import { fail, invalidField } from '../../platform/errors.js';
import { inScope, type Principal } from '../../platform/scope.js';

/** How far ahead a notice may be scheduled: a typo in the year should not park it for a decade. */
const maxScheduleMs = 366 * 24 * 60 * 60 * 1000;

/** A scheduled notice's time: in the future and at most a year ahead (undefined: at once). */
export function sendTime(sendAt: string | undefined): Date | undefined {
  if (sendAt === undefined) return undefined;
  const at = new Date(sendAt);
  if (at.getTime() <= Date.now()) throw invalidField('send_at', 'must be in the future');
  if (at.getTime() > Date.now() + maxScheduleMs) throw invalidField('send_at', 'must be at most a year ahead');
  return at;
}

/**
 * Only the platform operator's administrators (those who may change the root tenant) make a
 * notice mandatory: it reaches addresses that opted out, so it must not become a way around them.
 */
export async function assertMayMandate(db: Db, principal: Principal) {
  const root = await db
    .selectFrom('tenants')
    .select('id')
    .where('kind', '=', 'root')
    .where(inScope('tenants.id', principal.write))
    .executeTakeFirst();
  if (!root) throw fail('mandatory_root_only', { info: 'mandatory' });
}
