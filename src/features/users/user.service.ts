import { Type, type Static } from '@sinclair/typebox';
import { assertWritable, ownTenant, tenantAccess } from '../../platform/access.js';
import type { Db } from '../../platform/db/database.js';
import type { AfterCommit, UnitOfWork } from '../../platform/db/unit-of-work.js';
import type { AccessPolicyRow, RoleId, UserUpdate } from '../../platform/db/schema.js';
import { AppError, invalidField, notFound, versionMismatch } from '../../platform/errors.js';
import { CursorFields, cursorOf, exactlyOne, paged, parseUuidList } from '../../platform/http/paging.js';
import { ownScope, type Principal } from '../../platform/scope.js';
import * as repo from './user.repository.js';
import { actorOf, recordAudit, type AuditActor } from '../../platform/audit-trail.js';
import { Login, UserOrders, type AccessPolicy, type AccessPolicyInput, type CreateUserInput, type ListUsersInput, type UpdateUserInput, type User } from './user.schemas.js';

/** Where each role may be granted: admin roles fit the kind of tenant they administer. */
const roleKinds: Record<RoleId, string[]> = {
  partner_admin: ['root', 'partner', 'folder'],
  company_admin: ['customer', 'unit'],
  readonly_admin: ['root', 'partner', 'folder', 'customer', 'unit'],
  user: ['root', 'partner', 'folder', 'customer', 'unit'],
};

const userNotFound = () => notFound('User');
const loginPattern = new RegExp(Login.pattern!);

/** The first call's filter (exactly one of ids, tenant, subtree), its order, and the last row seen. */
const cursor = cursorOf({
  ids: Type.Optional(CursorFields.Uuids), tenantId: Type.Optional(CursorFields.Uuid), subtreeRootId: Type.Optional(CursorFields.Uuid),
  updatedSince: Type.Optional(CursorFields.Timestamp), withPolicies: Type.Boolean(),
  order: Type.Optional(Type.Union(UserOrders.map((o) => Type.Literal(o)))),
  afterId: CursorFields.Uuid, afterKey: Type.Optional(CursorFields.Text),
}, (c) => exactlyOne(c.ids, c.tenantId, c.subtreeRootId));

function toPolicy(row: AccessPolicyRow): Static<typeof AccessPolicy> {
  return {
    id: row.id, version: row.version, trustee_id: row.user_id, trustee_type: 'user', issuer_id: row.issuer_id,
    tenant_id: row.tenant_id, role_id: row.role_id, created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString(), deleted_at: null,
  };
}

export function toUser(row: repo.UserRecord, policies?: AccessPolicyRow[]): Static<typeof User> {
  return {
    id: row.id, version: row.version, tenant_id: row.tenant_id, login: row.login,
    contact: { email: row.email, firstname: row.firstname, lastname: row.lastname, phone: row.phone, title: row.title, language: row.language, types: row.contact_types },
    activated: row.activated, enabled: row.enabled, language: row.language, personal_tenant_id: null,
    business_types: row.business_types, notifications: row.notifications,
    ...(policies ? { access_policies: policies.filter((p) => p.user_id === row.id).map(toPolicy) } : {}),
    created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString(),
    deleted_at: row.deleted_at ? row.deleted_at.toISOString() : null,
  };
}

/**
 * What else shows a user's person (its contact, in the contacts feature above this one): told
 * inside the transaction when the person changes or goes, so it stays true with the user.
 */
export interface PersonListener {
  changed(trx: Db, userId: string, change: { emailChanged: boolean }): Promise<void>;
  deleted(trx: Db, principal: Principal, userId: string): Promise<void>;
}

/**
 * A person's new address: the rules that span users, contacts and confirmation links live in
 * use-cases/change-person-email.ts, given to this feature (and to contacts) at composition.
 */
export interface EmailChanges {
  /** Inside the caller's transaction; answers what the caller must write ('pending': a link went to the new address). */
  request(trx: Db, after: AfterCommit, actor: AuditActor, userId: string, newEmail: string): Promise<'unchanged' | 'changed' | 'pending'>;
  cancel(principal: Principal, userId: string): Promise<void>;
  resend(principal: Principal, userId: string): Promise<void>;
}

export interface UserServiceDeps {
  emailChanges: EmailChanges;
  person: PersonListener;
}

export class UserService {
  /** `deps` is read on use: the features that provide them are built after this one (src/app.ts). */
  constructor(private readonly uow: UnitOfWork, private readonly deps: () => UserServiceDeps) {}

  /** A user the caller can see, or undefined (for a feature acting on it in its own transaction). */
  find(trx: Db, principal: Principal, id: string) {
    return repo.findUser(trx, principal.read, id);
  }

  /** A user the caller may change: 404 when it cannot see it, 403 when its role there is read-only. */
  async writable(trx: Db, principal: Principal, id: string) {
    const user = await repo.findUser(trx, principal.read, id);
    if (!user) throw userNotFound();
    await assertWritable(trx, principal, user.tenant_id);
    return user;
  }

  /** A write whose cause already checked scope and version (a contact edit, a confirmed link). */
  patchPerson(trx: Db, id: string, patch: UserUpdate) {
    return repo.patchUser(trx, id, patch);
  }

  private get db() {
    return this.uow.db;
  }

  async get(principal: Principal, id: string) {
    const row = await repo.findUser(this.db, principal.read, id);
    if (!row) throw userNotFound();
    return toUser(row);
  }

  /** The caller itself, whatever its roles: every signed-in user may read its own record. */
  async me(principal: Principal) {
    if (principal.kind !== 'user') throw new AppError('not_found', 'An API client is not a user; read its tenant instead', { domain: 'AccountServer' });
    const row = await repo.findUser(this.db, ownScope(principal), principal.id);
    if (!row) throw userNotFound();
    const tenant = await ownTenant(this.db, principal);
    return { ...toUser(row), tenant_kind: tenant.kind };
  }

  async list(principal: Principal, query: ListUsersInput) {
    let filter: Omit<repo.UserFilter, 'limit'> & { withPolicies: boolean };
    if (query.after) {
      filter = cursor.decode(query.after);
    } else {
      const choices = ['uuids', 'tenant_id', 'subtree_root_tenant_id'] as const;
      const given = choices.filter((k) => query[k] !== undefined);
      if (given.length !== 1) {
        const fields = given.length ? [...given] : [...choices];
        throw new AppError('validation_failed', `${fields.join(', ')}: give exactly one of ${choices.join(', ')}`, { domain: 'validation', info: fields.join(','), context: { fields } });
      }
      filter = {
        ids: query.uuids !== undefined ? parseUuidList('uuids', query.uuids) : undefined,
        tenantId: query.tenant_id, subtreeRootId: query.subtree_root_tenant_id,
        updatedSince: query.updated_since, withPolicies: query.with_access_policies ?? false, order: query.order,
      };
    }
    const limit = query.limit ?? 2000;
    const rows = await repo.findUsers(this.db, principal.read, { ...filter, limit });
    const policies = filter.withPolicies ? await repo.findPolicies(this.db, principal.read, rows.map((r) => r.id)) : undefined;
    const keyOf = new Map(rows.map((r) => [r.id, r.sort_key]));
    return paged(rows.map((r) => toUser(r, policies)), limit, (last) => cursor.encode({ ...filter, afterId: last.id, afterKey: keyOf.get(last.id) }));
  }

  async idsOfTenant(principal: Principal, tenantId: string, includeGrandChildren: boolean) {
    await tenantAccess(this.db, principal, tenantId, 'read');
    return repo.findUserIdsOfTenant(this.db, principal.read, tenantId, { includeGrandChildren });
  }

  /** Logins are unique platform-wide, so this answer is the same for every caller. */
  async assertLoginFree(login: string, db: Db = this.db) {
    if (await repo.isLoginTaken(db, login)) throw new AppError('login_taken', 'This login is already taken', { domain: 'AccountServer', info: 'login' });
  }

  async create(principal: Principal, input: CreateUserInput) {
    return this.uow.run(async (trx) => {
      const tenant = await tenantAccess(trx, principal, input.tenant_id, 'write', { field: 'tenant_id' });
      // Without a login the email serves as one, but only if it is a valid login too.
      if (input.login === undefined && !loginPattern.test(input.contact.email)) {
        throw invalidField('login', 'give a login: the email contains characters a login cannot have');
      }
      const login = input.login ?? input.contact.email;
      await this.assertLoginFree(login, trx);
      const language = input.contact.language ?? input.language ?? tenant.language;
      const id = await repo.insertUser(trx, {
        tenant_id: input.tenant_id, login, email: input.contact.email,
        firstname: input.contact.firstname ?? '', lastname: input.contact.lastname ?? '',
        phone: input.contact.phone ?? null, title: input.contact.title ?? null, language,
        enabled: input.enabled ?? true, activated: false, password_hash: null,
        business_types: input.business_types ?? [], notifications: input.notifications ?? [],
      });
      const created = toUser((await repo.findUser(trx, principal.read, id))!);
      await recordAudit(trx, actorOf(principal), { tenantId: input.tenant_id, objectType: 'user', objectId: id, action: 'create', after: created });
      return created;
    });
  }

  async update(principal: Principal, id: string, input: UpdateUserInput) {
    return this.uow.run(async (trx, afterCommit) => {
      const current = await repo.findUser(trx, principal.read, id);
      if (!current) throw userNotFound();
      await assertWritable(trx, principal, current.tenant_id);
      if (current.version !== input.version) throw versionMismatch(current.version);
      if (input.enabled === false && principal.kind === 'user' && principal.id === id) {
        throw new AppError(1002, 'You cannot disable yourself', { domain: 'AccountServer' });
      }
      const patch: UserUpdate = {};
      if (input.login !== undefined && input.login.toLowerCase() !== current.login.toLowerCase()) {
        await this.assertLoginFree(input.login, trx);
      }
      if (input.login !== undefined) patch.login = input.login;
      const c = input.contact ?? {};
      let pending = false;
      if (c.email !== undefined) {
        // An activated user's new address waits for its confirmation (DESIGN.md §1, Contacts).
        const outcome = await this.deps().emailChanges.request(trx, afterCommit, actorOf(principal), id, c.email);
        if (outcome === 'changed') patch.email = c.email;
        pending = outcome === 'pending';
      }
      if (c.firstname !== undefined) patch.firstname = c.firstname;
      if (c.lastname !== undefined) patch.lastname = c.lastname;
      if (c.phone !== undefined) patch.phone = c.phone;
      if (c.title !== undefined) patch.title = c.title;
      const language = c.language ?? input.language;
      if (language !== undefined) patch.language = language;
      if (input.enabled !== undefined) patch.enabled = input.enabled;
      if (input.notifications !== undefined) patch.notifications = input.notifications;
      if (input.business_types !== undefined) patch.business_types = input.business_types;
      if (!(await repo.updateUser(trx, principal.write, id, input.version, patch))) throw versionMismatch();
      if (input.enabled === false) await repo.deleteTokensOf(trx, id);
      // What the contact shows changed with the user: its version moves too.
      if (pending || ['email', 'firstname', 'lastname', 'phone', 'title', 'language'].some((f) => f in patch)) {
        await this.deps().person.changed(trx, id, { emailChanged: 'email' in patch });
      }
      const after = toUser((await repo.findUser(trx, principal.read, id))!);
      await recordAudit(trx, actorOf(principal), { tenantId: current.tenant_id, objectType: 'user', objectId: id, action: 'update', before: toUser(current), after });
      return after;
    });
  }

  async remove(principal: Principal, id: string, version: number) {
    await this.uow.run(async (trx) => {
      const current = await repo.findUser(trx, principal.read, id);
      if (!current) throw userNotFound();
      await assertWritable(trx, principal, current.tenant_id);
      if (principal.kind === 'user' && principal.id === id) throw new AppError(1002, 'You cannot delete yourself', { domain: 'AccountServer' });
      if (current.version !== version) throw versionMismatch(current.version);
      if (!(await repo.updateUser(trx, principal.write, id, version, { deleted_at: new Date() }))) throw versionMismatch();
      await repo.deletePolicies(trx, principal.write, id, []);
      await repo.deleteTokensOf(trx, id);
      await this.deps().person.deleted(trx, principal, id);
      await recordAudit(trx, actorOf(principal), { tenantId: current.tenant_id, objectType: 'user', objectId: id, action: 'delete', before: toUser(current) });
    });
  }

  /** Inside the deletion of their tenant (see use-cases/delete-tenant.ts): nothing of it may keep acting. */
  async deleteAllOfTenant(trx: Db, principal: Principal, tenantId: string) {
    for (const userId of await repo.deleteUsersOfTenant(trx, principal.write, tenantId)) {
      await recordAudit(trx, actorOf(principal), { tenantId, objectType: 'user', objectId: userId, action: 'delete' });
    }
  }

  async policies(principal: Principal, userId: string) {
    if (!(await repo.findUser(this.db, principal.read, userId))) throw userNotFound();
    return (await repo.findPolicies(this.db, principal.read, [userId])).map(toPolicy);
  }

  /**
   * Replaces every policy of the user; unchanged ones keep their id and version. Two
   * replacements of one user run one after the other (the user's row is locked first), so
   * one wins whole instead of both adding their roles.
   */
  async replacePolicies(principal: Principal, userId: string, items: AccessPolicyInput[]) {
    return this.uow.run(async (trx) => {
      if (!(await repo.lockUser(trx, principal.read, userId))) throw userNotFound();
      const user = await repo.findUser(trx, principal.read, userId);
      if (!user) throw userNotFound();
      await assertWritable(trx, principal, user.tenant_id);
      items.forEach((item, i) => {
        if (item.trustee_id !== undefined && item.trustee_id !== userId) throw invalidField(`items.${i}.trustee_id`, 'must be this user\'s id');
      });
      const tenantIds = [...new Set(items.map((i) => i.tenant_id))];
      const tenants = tenantIds.length ? await repo.findTenantsBelow(trx, principal.write, user.tenant_id, tenantIds) : [];
      const kindOf = new Map(tenants.map((t) => [t.id, t.kind]));
      items.forEach((item, i) => {
        const kind = kindOf.get(item.tenant_id);
        if (!kind) throw invalidField(`items.${i}.tenant_id`, 'must be the user\'s tenant or a tenant below it that you administer');
        if (!roleKinds[item.role_id as RoleId].includes(kind)) throw invalidField(`items.${i}.role_id`, `${item.role_id} cannot be granted on a ${kind} tenant`);
      });
      const key = (p: { tenant_id: string; role_id: string }) => `${p.tenant_id}/${p.role_id}`;
      const existing = await repo.findPolicies(trx, principal.read, [userId]);
      const wanted = new Set(items.map(key));
      const kept = existing.filter((p) => wanted.has(key(p)));
      const have = new Set(kept.map(key));
      await repo.deletePolicies(trx, principal.write, userId, kept.map((p) => p.id));
      const fresh = [...wanted].filter((k) => !have.has(k)).map((k) => {
        const [tenant_id, role_id] = k.split('/');
        return { user_id: userId, tenant_id, role_id: role_id as RoleId, issuer_id: principal.tenantId };
      });
      await repo.insertPolicies(trx, fresh);
      const after = (await repo.findPolicies(trx, principal.read, [userId])).map(toPolicy);
      await recordAudit(trx, actorOf(principal), {
        tenantId: user.tenant_id, objectType: 'access_policies', objectId: userId, action: 'update',
        before: existing.map((p) => ({ tenant_id: p.tenant_id, role_id: p.role_id })), after: after.map((p) => ({ tenant_id: p.tenant_id, role_id: p.role_id })),
      });
      return after;
    });
  }
}
