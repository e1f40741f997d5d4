import { assertWritable, tenantAccess } from '../../platform/access.js';
import { actorOf, recordAudit } from '../../platform/audit-trail.js';
import type { Db } from '../../platform/db/database.js';
import { recordEvent } from '../../platform/events.js';
import type { AfterCommit, UnitOfWork } from '../../platform/db/unit-of-work.js';
import { assertThat, fail, versionMismatch } from '../../platform/errors.js';
import type { Principal } from '../../platform/scope.js';
import type { EmailChanges, PersonListener } from '../users/user.ports.js';
import type { UserService } from '../users/user.service.js';
import { lockContactsOf } from './contact.addresses.js';
import { contactByEmail, contactPage, contactsOfTenants, listContacts, type ContactPage } from './contact.list.js';
import { normalizeTypes, toContact } from './contact.mapping.js';
import { assertAsStored } from '../../platform/http/contact-card.js';
import * as repo from './contact.repository.js';
import type { CreateContactInput, ListContactsInput, UpdateContactInput } from './contact.schemas.js';
import { writeUpdate } from './contact.update.js';
import { newContactRow } from './contact.create.js';
import { applyMoves, assertNotNeededAsPrimary, planPrimaries, promoteOldest } from './contact.primaries.js';

export class ContactService {
  /** `emailChanges` is read on use: the use case that answers it is built after this feature (src/app.ts). */
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserService,
    private readonly emailChanges: () => EmailChanges,
  ) {}

  private get db() {
    return this.uow.db;
  }

  async get(principal: Principal, id: string, db: Db = this.db) {
    const row = await repo.findContact(db, principal.read, id);
    if (!row) throw fail('contact_not_found');
    return toContact(row);
  }

  /** The contacts of these ids the caller may see (others are left out). */
  async byIds(principal: Principal, ids: string[]) {
    if (ids.length === 0) return [];
    return (await repo.findContacts(this.db, principal.read, { ids, limit: ids.length })).map(toContact);
  }

  list(principal: Principal, query: ListContactsInput) {
    return listContacts(this.db, principal, query);
  }

  /** The contacts of several tenants at once (for `with_contacts`), grouped by tenant. */
  ofTenants(principal: Principal, tenantIds: string[]) {
    return contactsOfTenants(this.db, principal, tenantIds);
  }

  /** A keyset page of a tenant's (or its subtree's) contacts by id (an export reads them page by page). */
  readonly pageBelow = (principal: Principal, page: ContactPage) => contactPage(this.db, principal, page);
  /** The tenant's contact of this address, case-insensitive, in the caller's transaction (an import matches rows by it). */
  readonly findByEmail = (db: Db, principal: Principal, tenantId: string, email: string) =>
    contactByEmail(db, principal, tenantId, email);

  async idsOfTenant(principal: Principal, tenantId: string) {
    await tenantAccess(this.db, principal, tenantId, 'read');
    return repo.findContactIdsOfTenant(this.db, principal.read, tenantId);
  }

  create(principal: Principal, input: CreateContactInput) {
    return this.uow.run((trx) => this.createIn(trx, principal, input));
  }

  /** Creates a contact in the caller's transaction (a use case that writes more beside it). */
  async createIn(trx: Db, principal: Principal, input: CreateContactInput) {
    const tenant = await tenantAccess(trx, principal, input.tenant_id, 'write', { field: 'tenant_id' });
    await lockContactsOf(trx, tenant.id);
    const row = await newContactRow(trx, principal, this.users, tenant.id, input);
    const plan = await planPrimaries(trx, {
      tenantId: tenant.id,
      types: row.types,
      had: [],
      wanted: input.primary_types && normalizeTypes(input.primary_types),
    });
    await applyMoves(trx, principal, plan.moves);
    const id = await repo.insertContact(trx, principal.write, { ...row, primary_types: plan.primaryTypes });
    // The repository writes only inside the caller's write scope, which tenantAccess checked above.
    assertThat(id, 'read_only');
    const created = toContact((await repo.findContact(trx, principal.read, id))!);
    assertAsStored('email_confirmed', input.email_confirmed, created.email_confirmed); // rolls the insert back
    await recordAudit(trx, actorOf(principal), {
      tenantId: tenant.id,
      objectType: 'contact',
      objectId: id,
      action: 'create',
      after: created,
    });
    await recordEvent(trx, { type: 'contact.created', tenantId: tenant.id, data: created });
    return created;
  }

  update(principal: Principal, id: string, input: UpdateContactInput) {
    return this.uow.run((trx, afterCommit) => this.updateIn(trx, afterCommit, principal, id, input));
  }

  /** Updates a contact in the caller's transaction (an import writes many in one). */
  async updateIn(trx: Db, afterCommit: AfterCommit, principal: Principal, id: string, input: UpdateContactInput) {
    const current = await repo.findContact(trx, principal.read, id);
    if (!current) throw fail('contact_not_found');
    await assertWritable(trx, principal, current.tenant_id);
    await lockContactsOf(trx, current.tenant_id);
    if (current.version !== input.version) throw versionMismatch(current.version);
    const before = toContact(current);
    const plan = await planPrimaries(trx, {
      tenantId: current.tenant_id,
      contactId: id,
      types: input.types ? normalizeTypes(input.types) : current.types,
      had: current.primary_types,
      was: current.types,
      wanted: input.primary_types && normalizeTypes(input.primary_types),
    });
    await applyMoves(trx, principal, plan.moves);
    await writeUpdate({ trx, afterCommit, principal, users: this.users, emailChanges: this.emailChanges() }, current, {
      ...input,
      primary_types: plan.primaryTypes,
    });
    const after = toContact((await repo.findContact(trx, principal.read, id))!);
    await recordAudit(trx, actorOf(principal), {
      tenantId: current.tenant_id,
      objectType: 'contact',
      objectId: id,
      action: 'update',
      before,
      after,
    });
    await recordEvent(trx, { type: 'contact.updated', tenantId: current.tenant_id, data: after, before });
    return after;
  }

  /** A linked user stays: it only stops being a contact (its contact types become []). */
  async remove(principal: Principal, id: string, version: number) {
    await this.uow.run(async (trx) => {
      const current = await repo.findContact(trx, principal.read, id);
      if (!current) throw fail('contact_not_found');
      await assertWritable(trx, principal, current.tenant_id);
      if (current.version !== version) throw versionMismatch(current.version);
      await lockContactsOf(trx, current.tenant_id);
      await assertNotNeededAsPrimary(trx, current);
      if (!(await repo.deleteContact(trx, principal.write, id, version))) throw versionMismatch();
      await recordAudit(trx, actorOf(principal), {
        tenantId: current.tenant_id,
        objectType: 'contact',
        objectId: id,
        action: 'delete',
        before: toContact(current),
      });
      await recordEvent(trx, { type: 'contact.deleted', tenantId: current.tenant_id, data: toContact(current) });
    });
  }

  /** Inside the deletion of their tenant (see use-cases/delete-tenant.ts). */
  async deleteAllOfTenant(trx: Db, principal: Principal, tenantId: string) {
    await this.deleteWhere(trx, principal, { tenantId });
  }

  /** What the users feature tells its contact (see PersonListener in user.service.ts). */
  readonly personListener: PersonListener = {
    // A change shown through the contact (its user's fields) still moves its version; a new address starts out valid.
    changed: (trx, scope, userId, { emailChanged }) =>
      repo.touchContactOfUser(trx, scope, userId, emailChanged ? { validation_state: 'valid' } : {}),
    // A deleted user is nobody's contact any more.
    deleted: (trx, principal, userId) => this.deleteWhere(trx, principal, { userId }),
  };

  private async deleteWhere(trx: Db, principal: Principal, where: { tenantId?: string; userId?: string }) {
    const deleted = await repo.deleteContactsOf(trx, principal.write, where);
    for (const contact of deleted) {
      await recordAudit(trx, actorOf(principal), {
        tenantId: contact.tenant_id,
        objectType: 'contact',
        objectId: contact.id,
        action: 'delete',
        before: contact,
      });
      await recordEvent(trx, { type: 'contact.deleted', tenantId: contact.tenant_id, data: contact });
    }
    // A user's deletion leaves no choice: the oldest remaining contact of each type it was primary of takes over.
    if (where.userId) {
      for (const { tenant_id, primary_types } of deleted) await promoteOldest(trx, principal, tenant_id, primary_types);
    }
  }

  async cancelPendingEmail(principal: Principal, id: string) {
    const contact = await this.get(principal, id);
    if (!contact.user_id) throw fail('nothing_pending');
    await this.emailChanges().cancel(principal, contact.user_id);
  }

  async resendPendingEmail(principal: Principal, id: string) {
    const contact = await this.get(principal, id);
    if (!contact.user_id) throw fail('nothing_pending');
    await this.emailChanges().resend(principal, contact.user_id);
  }
}
