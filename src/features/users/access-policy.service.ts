import { assertWritable } from '../../platform/access.js';
import { actorOf, recordAudit } from '../../platform/audit-trail.js';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import type { RoleId } from '../../platform/db/schema.js';
import { fail, invalidField } from '../../platform/errors.js';
import type { Principal } from '../../platform/scope.js';
import { toPolicy } from './user.mapping.js';
import * as repo from './user.repository.js';
import type { AccessPolicyInput } from './access-policy.schemas.js';
import * as policies from './access-policy.repository.js';

/** Where each role may be granted: admin roles fit the kind of tenant they administer. */
const roleKinds: Record<RoleId | 'root_admin' | 'unit_admin', string[]> = {
  partner_admin: ['root', 'partner', 'folder'],
  company_admin: ['customer', 'unit'],
  readonly_admin: ['root', 'partner', 'folder', 'customer', 'unit'],
  user: ['root', 'partner', 'folder', 'customer', 'unit'],
  // The established API's other administration roles: Liaison grants neither (company_admin serves units).
  root_admin: [],
  unit_admin: [],
};

/** The roles that change things: a user holding one may not give up its last one itself. */
const writerRoles: readonly string[] = ['partner_admin', 'company_admin'];
const writes = (p: { role_id: string }) => writerRoles.includes(p.role_id);

/** What the audit trail keeps of a policy: the grant itself. */
const grant = (p: { tenant_id: string; role_id: string; resource_namespace: string | null }) => ({
  tenant_id: p.tenant_id,
  role_id: p.role_id,
  resource_namespace: p.resource_namespace,
});

/** The roles of a user: which tenants it administers or reads, and how. */
export class AccessPolicyService {
  constructor(private readonly uow: UnitOfWork) {}

  private get db() {
    return this.uow.db;
  }

  async policies(principal: Principal, userId: string) {
    if (!(await repo.findUser(this.db, principal.read, userId))) throw fail('user_not_found');
    return (await policies.findPolicies(this.db, principal.read, [userId])).map(toPolicy);
  }

  /**
   * Replaces every policy of the user; unchanged ones keep their id and version. Two
   * replacements of one user run one after the other (the user's row is locked first), so
   * one wins whole instead of both adding their roles.
   */
  async replacePolicies(principal: Principal, userId: string, items: AccessPolicyInput[]) {
    return this.uow.run(async (trx) => {
      if (!(await repo.lockUser(trx, principal.read, userId))) throw fail('user_not_found');
      const user = await repo.findUser(trx, principal.read, userId);
      if (!user) throw fail('user_not_found');
      await assertWritable(trx, principal, user.tenant_id);
      items.forEach((item, i) => {
        if (item.trustee_id !== undefined && item.trustee_id !== userId)
          throw invalidField(`items.${i}.trustee_id`, "must be this user's id");
      });
      const tenantIds = [...new Set(items.map((i) => i.tenant_id))];
      const tenants = tenantIds.length
        ? await policies.findTenantsBelow(trx, principal.write, user.tenant_id, tenantIds)
        : [];
      const kindOf = new Map(tenants.map((t) => [t.id, t.kind]));
      items.forEach((item, i) => {
        const kind = kindOf.get(item.tenant_id);
        if (!kind)
          throw invalidField(
            `items.${i}.tenant_id`,
            "must be the user's tenant or a tenant below it that you administer",
          );
        // Another product's role is kept as given: it grants nothing in Liaison, so any tenant here may hold it.
        const kinds = roleKinds[item.role_id as keyof typeof roleKinds] as string[] | undefined;
        if (kinds?.length === 0)
          throw invalidField(`items.${i}.role_id`, `${item.role_id} is not granted through the API`);
        if (kinds && !kinds.includes(kind))
          throw invalidField(`items.${i}.role_id`, `${item.role_id} cannot be granted on a ${kind} tenant`);
        if (kinds && item.resource_namespace)
          throw invalidField(
            `items.${i}.resource_namespace`,
            `${item.role_id} is a role of Liaison, which has no namespaces`,
          );
      });
      const key = (p: { tenant_id: string; role_id: string; resource_namespace?: string | null }) =>
        JSON.stringify([p.tenant_id, p.role_id, p.resource_namespace ?? null]);
      const existing = await policies.findPolicies(trx, principal.read, [userId]);
      const wanted = new Set(items.map(key));
      const kept = existing.filter((p) => wanted.has(key(p)));
      const have = new Set(kept.map(key));
      await policies.deletePolicies(
        trx,
        principal.write,
        userId,
        kept.map((p) => p.id),
      );
      const fresh = [...wanted]
        .filter((k) => !have.has(k))
        .map((k) => {
          const [tenant_id, role_id, resource_namespace] = JSON.parse(k) as [string, string, string | null];
          return { user_id: userId, tenant_id, role_id, resource_namespace, issuer_id: principal.tenantId };
        });
      await policies.insertPolicies(trx, fresh);
      const after = (await policies.findPolicies(trx, principal.read, [userId])).map(toPolicy);
      // Checked on what the database now holds, so roles outside the caller's reach count too; throwing rolls it back.
      const self = principal.kind === 'user' && principal.id === userId;
      if (self && existing.some(writes) && !after.some(writes))
        throw fail('own_admin_role_required', { info: 'items' });
      await recordAudit(trx, actorOf(principal), {
        tenantId: user.tenant_id,
        objectType: 'access_policies',
        objectId: userId,
        action: 'update',
        before: existing.map(grant),
        after: after.map(grant),
      });
      return after;
    });
  }
}
