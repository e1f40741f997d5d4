import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import { generatePassword, hashPassword } from '../../platform/secrets.js';
import { createRootTenant } from '../tenants/tenant.service.js';
import { createRootAdmin } from '../users/root-admin.js';
import { fail } from '../../platform/errors.js';

export interface BootstrapResult {
  created: boolean;
  /** Set only when the admin password was generated: it must be shown to the operator once. */
  generatedPassword?: string;
}

/**
 * On an empty database: the root tenant and its `admin` user (partner_admin on the root).
 * An advisory lock makes concurrent first starts of several processes safe.
 */
export async function ensureRoot(
  db: Db,
  options: { adminPassword?: string; rootName?: string },
): Promise<BootstrapResult> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('liaison.bootstrap'))`.execute(trx);
    const rootId = await createRootTenant(trx, options.rootName ?? 'Liaison');
    if (!rootId) return { created: false };
    const password = options.adminPassword ?? generatePassword();
    await createRootAdmin(trx, rootId, await hashPassword(password));
    return { created: true, generatedPassword: options.adminPassword ? undefined : password };
  });
}

/** Operator's way back in: sets a user's password by login and signs it out everywhere. */
export async function setPassword(db: Db, login: string, password: string): Promise<void> {
  const hash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    const user = await trx
      .updateTable('users')
      .set({ password_hash: hash, activated: true, updated_at: new Date(), version: sql`version + 1` })
      .where(sql`lower(login)`, '=', login.toLowerCase())
      .where('deleted_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!user) throw fail('login_not_found', { message: `No user with login "${login}"` });
    await trx
      .deleteFrom('access_tokens')
      .where('subject_type', '=', 'user')
      .where('subject_id', '=', user.id)
      .execute();
  });
}
