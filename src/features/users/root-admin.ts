import type { Db } from '../../platform/db/database.js';
import { insertPolicies } from './access-policy.repository.js';
import { insertUser } from './user.repository.js';

/** The first start's `admin`: a partner_admin of the root, activated with the given password hash. */
export async function createRootAdmin(trx: Db, rootId: string, passwordHash: string) {
  const userId = await insertUser(trx, {
    tenant_id: rootId,
    login: 'admin',
    email: 'admin@localhost',
    firstname: 'Platform',
    lastname: 'Administrator',
    phone: null,
    title: null,
    password_hash: passwordHash,
    activated: true,
  });
  await insertPolicies(trx, [{ user_id: userId, tenant_id: rootId, role_id: 'partner_admin', issuer_id: rootId }]);
}
