import { assertWritable, ownTenant, tenantAccess } from '../../platform/access.js';
import { actorOf, recordAudit } from '../../platform/audit-trail.js';
import { recordEvent } from '../../platform/events.js';
import type { Db } from '../../platform/db/database.js';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import type { UserUpdate } from '../../platform/db/schema.js';
import { fail, invalidField, versionMismatch } from '../../platform/errors.js';
import { ownScope, type Principal, type Scope } from '../../platform/scope.js';
import { listUsers } from './user.list.js';
import { toUser } from './user.mapping.js';
import type { UserServiceDeps } from './user.ports.js';
import { deletePolicies } from './access-policy.repository.js';
import * as repo from './user.repository.js';
import { assertEchoesAsStored, cardAfter } from './user.card.js';
import { Login, type CreateUserInput, type ListUsersInput, type UpdateUserInput } from './user.schemas.js';
const loginPattern = new RegExp(Login.pattern!);

export class UserService {
  /** `deps` is read on use: the features that provide them are built after this one (src/app.ts). */
  constructor(
    private readonly uow: UnitOfWork,
    private readonly deps: () => UserServiceDeps,
  ) {}

  /** A user the caller can see, or undefined (for a feature acting on it in its own transaction). */
  find(trx: Db, principal: Principal, id: string) {
    return repo.findUser(trx, principal.read, id);
  }

  /** A user the caller may change: 404 when it cannot see it, 403 when its role there is read-only. */
  async writable(trx: Db, principal: Principal, id: string) {
    const user = await repo.findUser(trx, principal.read, id);
    if (!user) throw fail('user_not_found');
    await assertWritable(trx, principal, user.tenant_id);
    return user;
  }

  /** A write whose cause already checked scope and version (a contact edit, a confirmed link). */
  patchPerson(trx: Db, scope: Scope, id: string, patch: UserUpdate) {
    return repo.patchUser(trx, scope, id, patch);
  }

  private get db() {
    return this.uow.db;
  }

  async get(principal: Principal, id: string) {
    const row = await repo.findUser(this.db, principal.read, id);
    if (!row) throw fail('user_not_found');
    return toUser(row);
  }

  /** The caller itself, whatever its roles: every signed-in user may read its own record. */
  async me(principal: Principal) {
    if (principal.kind !== 'user') throw fail('client_not_user');
    const row = await repo.findUser(this.db, ownScope(principal), principal.id);
    if (!row) throw fail('user_not_found');
    const tenant = await ownTenant(this.db, principal);
    return { ...toUser(row), tenant_kind: tenant.kind };
  }

  list(principal: Principal, query: ListUsersInput) {
    return listUsers(this.db, principal, query);
  }

  async idsOfTenant(principal: Principal, tenantId: string, includeGrandChildren: boolean) {
    await tenantAccess(this.db, principal, tenantId, 'read');
    return repo.findUserIdsOfTenant(this.db, principal.read, tenantId, { includeGrandChildren });
  }

  /** Logins are unique platform-wide, so this answer is the same for every caller. */
  async assertLoginFree(login: string, db: Db = this.db) {
    if (await repo.isLoginTaken(db, login)) throw fail('login_taken', { info: 'login' });
  }

  async create(principal: Principal, input: CreateUserInput) {
    return this.uow.run(async (trx) => {
      const tenant = await tenantAccess(trx, principal, input.tenant_id, 'write', { field: 'tenant_id' });
      // Without a login the email serves as one, but only if it is a valid login too.
      if (input.login === undefined && !loginPattern.test(input.contact.email)) {
        throw invalidField('login', 'give a login: the email contains characters a login cannot have');
      }
      const login = input.login ?? input.contact.email;
      assertEchoesAsStored(input.contact, { types: [], activated: false });
      await this.assertLoginFree(login, trx);
      const language = input.contact.language ?? input.language ?? tenant.language;
      const id = await repo.insertUser(trx, {
        tenant_id: input.tenant_id,
        login,
        email: input.contact.email,
        firstname: input.contact.firstname ?? '',
        lastname: input.contact.lastname ?? '',
        phone: input.contact.phone ?? null,
        title: input.contact.title ?? null,
        language,
        enabled: input.enabled ?? true,
        activated: false,
        password_hash: null,
        business_types: input.business_types ?? [],
        notifications: input.notifications ?? [],
        card: cardAfter({}, input.contact) ?? '{}',
      });
      const created = toUser((await repo.findUser(trx, principal.read, id))!);
      await recordAudit(trx, actorOf(principal), {
        tenantId: input.tenant_id,
        objectType: 'user',
        objectId: id,
        action: 'create',
        after: created,
      });
      await recordEvent(trx, { type: 'user.created', tenantId: input.tenant_id, data: created });
      return created;
    });
  }

  async update(principal: Principal, id: string, input: UpdateUserInput) {
    return this.uow.run(async (trx, afterCommit) => {
      const current = await repo.findUser(trx, principal.read, id);
      if (!current) throw fail('user_not_found');
      await assertWritable(trx, principal, current.tenant_id);
      if (current.version !== input.version) throw versionMismatch(current.version);
      if (input.enabled === false && principal.kind === 'user' && principal.id === id) {
        throw fail('self_disable');
      }
      const patch: UserUpdate = {};
      if (input.login !== undefined && input.login.toLowerCase() !== current.login.toLowerCase()) {
        await this.assertLoginFree(input.login, trx);
      }
      if (input.login !== undefined) patch.login = input.login;
      const c = input.contact ?? {};
      assertEchoesAsStored(c, { types: current.contact_types, activated: current.activated });
      patch.card = cardAfter(current.card, c); // undefined (no card field given): not written
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
        await this.deps().person.changed(trx, principal.write, id, { emailChanged: 'email' in patch });
      }
      const [before, after] = [toUser(current), toUser((await repo.findUser(trx, principal.read, id))!)];
      await recordAudit(trx, actorOf(principal), {
        tenantId: current.tenant_id,
        objectType: 'user',
        objectId: id,
        action: 'update',
        before,
        after,
      });
      await recordEvent(trx, { type: 'user.updated', tenantId: current.tenant_id, data: after, before });
      return after;
    });
  }

  async remove(principal: Principal, id: string, version: number) {
    await this.uow.run(async (trx) => {
      const current = await repo.findUser(trx, principal.read, id);
      if (!current) throw fail('user_not_found');
      await assertWritable(trx, principal, current.tenant_id);
      if (principal.kind === 'user' && principal.id === id) throw fail('self_delete');
      if (current.version !== version) throw versionMismatch(current.version);
      if (!(await repo.updateUser(trx, principal.write, id, version, { deleted_at: new Date() })))
        throw versionMismatch();
      await deletePolicies(trx, principal.write, id, []);
      await repo.deleteTokensOf(trx, id);
      await this.deps().person.deleted(trx, principal, id);
      await recordAudit(trx, actorOf(principal), {
        tenantId: current.tenant_id,
        objectType: 'user',
        objectId: id,
        action: 'delete',
        before: toUser(current),
      });
      await recordEvent(trx, { type: 'user.deleted', tenantId: current.tenant_id, data: toUser(current) });
    });
  }

  /** Inside the deletion of their tenant (see use-cases/delete-tenant.ts): nothing of it may keep acting. */
  async deleteAllOfTenant(trx: Db, principal: Principal, tenantId: string) {
    for (const userId of await repo.deleteUsersOfTenant(trx, principal.write, tenantId)) {
      await recordAudit(trx, actorOf(principal), { tenantId, objectType: 'user', objectId: userId, action: 'delete' });
      await recordEvent(trx, { type: 'user.deleted', tenantId, data: { id: userId } });
    }
  }
}
