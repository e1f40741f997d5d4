import { actorOf } from '../../platform/audit-trail.js';
import { recordAudits, recordEvents } from '../../platform/bulk-trail.js';
import type { Db } from '../../platform/db/database.js';
import type { ContactType } from '../../platform/db/schema.js';
import { versionMismatch } from '../../platform/errors.js';
import { cardFields } from '../../platform/http/contact-card.js';
import type { Principal } from '../../platform/scope.js';
import * as bulk from './contact-bulk.repository.js';
import { cardOf, normalizeTypes, toContact } from './contact.mapping.js';
import * as repo from './contact.repository.js';
import type { ContactView, CreateContactInput } from './contact.schemas.js';

/** The order planPrimaries writes primary types in (contact.primaries.ts). */
const primaryOrder: ContactType[] = ['billing', 'technical', 'management'];

/** The columns of a standalone contact a bulk update may set: its person but the address, and its card. */
const updatable = ['firstname', 'lastname', 'phone', 'title', 'language', ...cardFields] as const;
export type BulkPatch = Partial<Record<(typeof updatable)[number], string | null>>;

/** A row of contacts as a standalone contact's view (it has no user, so nothing is pending nor confirmed). */
const viewOf = (row: Record<string, unknown>) =>
  toContact({ ...(row as repo.ContactRecord), user_activated: false, pending_email: null });

/**
 * The contacts service's create and update of standalone contacts, for many at once in the
 * caller's transaction (an import's chunk), with their rules: the tenant writable and its
 * contacts locked, an address free in its tenant, the first contact of a type its primary, one
 * audit entry and one event per change. What it cannot write this way (a linked contact, a change
 * of types or primaries) goes through ContactService one by one; after one such write in a
 * tenant, `refresh` it so its primaries are read again.
 */
export class ContactBulkWriter {
  private readonly locked = new Set<string>();
  private readonly writable = new Set<string>();
  /** Per tenant, the types it has a primary contact of, as written so far. */
  private readonly primaries = new Map<string, Set<ContactType>>();

  constructor(
    private readonly trx: Db,
    private readonly principal: Principal,
  ) {}

  /** Locks these tenants' contacts (once per transaction) and reads what the writes below need of them. */
  async prepare(tenantIds: string[]) {
    const fresh = [...new Set(tenantIds)].filter((id) => !this.locked.has(id));
    await bulk.lockTenantsContacts(this.trx, fresh);
    fresh.forEach((id) => this.locked.add(id));
    for (const id of await bulk.findLiveTenantsIn(this.trx, this.principal.write, fresh)) this.writable.add(id);
    const unknown = [...new Set(tenantIds)].filter((id) => !this.primaries.has(id));
    for (const id of unknown) this.primaries.set(id, new Set());
    for (const row of await bulk.findPrimaryTypesOf(this.trx, this.principal.read, unknown))
      this.primaries.get(row.tenant_id)!.add(row.type);
  }

  /** Whether the caller may write the tenant's contacts (tenantAccess's write check; prepare it first). */
  mayWrite(tenantId: string) {
    return this.writable.has(tenantId);
  }

  /** Their primaries changed by another way (the contacts service, one by one): read them again. */
  async refresh(tenantIds: string[]) {
    tenantIds.forEach((id) => this.primaries.delete(id));
    await this.prepare(tenantIds);
  }

  /**
   * The contacts shown with these addresses in these tenants (case-insensitive), by
   * `tenantId + ' ' + lower(email)`: a standalone contact read by its address's index, a linked one
   * through its user.
   */
  async findByEmails(pairs: { tenantId: string; email: string }[]) {
    const lower = pairs.map((p) => ({ tenantId: p.tenantId, email: p.email.toLowerCase() }));
    const byPair = new Map<string, ContactView>();
    for (const row of await bulk.findStandaloneByEmail(this.trx, this.principal.read, lower))
      byPair.set(`${row.match_tenant_id} ${row.match_email}`, viewOf(row));
    const linked = await bulk.findLinkedByEmail(this.trx, this.principal.read, lower);
    if (linked.length === 0) return byPair;
    const rows = await repo.findContacts(this.trx, this.principal.read, {
      ids: linked.map((f) => f.id),
      limit: linked.length,
    });
    const byId = new Map(rows.map((row) => [row.id, toContact(row)]));
    for (const f of linked) if (byId.has(f.id)) byPair.set(`${f.tenant_id} ${f.email}`, byId.get(f.id)!);
    return byPair;
  }

  /**
   * The primary types of a new contact of these types (those its tenant has no primary of yet),
   * counted as taken: call it in the order the contacts are created, and create them all.
   */
  takePrimaries(tenantId: string, types: ContactType[]) {
    const held = this.primaries.get(tenantId)!;
    const taken = primaryOrder.filter((type) => types.includes(type) && !held.has(type));
    taken.forEach((type) => held.add(type));
    return taken;
  }

  /** New standalone contacts (firstname, lastname and email given, addresses free, tenants writable and prepared). */
  async create(items: { input: CreateContactInput; primaryTypes: ContactType[] }[]) {
    const values = items.map(({ input, primaryTypes }) => ({
      tenant_id: input.tenant_id,
      types: normalizeTypes(input.types),
      ...cardOf(input),
      firstname: input.firstname!.trim(),
      lastname: input.lastname!.trim(),
      email: input.email!,
      phone: input.phone ?? null,
      title: input.title ?? null,
      language: input.language ?? null,
      primary_types: primaryTypes,
    }));
    const rows = await bulk.insertContacts(this.trx, this.principal.write, values);
    if (!rows) throw versionMismatch();
    const created = rows.map(viewOf);
    const entry = (c: ContactView) => ({ tenantId: c.tenant_id, objectType: 'contact' as const, objectId: c.id });
    await recordAudits(
      this.trx,
      actorOf(this.principal),
      created.map((c) => ({ ...entry(c), action: 'create', after: c })),
    );
    await recordEvents(
      this.trx,
      created.map((c) => ({ type: 'contact.created' as const, tenantId: c.tenant_id, data: c })),
    );
    return created;
  }

  /** Standalone contacts' own fields, each from the version read (a moved version throws: the caller goes one by one). */
  async update(items: { current: ContactView; patch: BulkPatch }[]) {
    const patches = items.map(({ current, patch }) => ({ id: current.id, version: current.version, patch }));
    // Only the columns some row of the chunk sets: the others are not rewritten.
    const columns = updatable.filter((column) => items.some(({ patch }) => column in patch));
    const rows = await bulk.updateContacts(this.trx, this.principal.write, patches, columns);
    if (rows.length !== items.length) throw versionMismatch();
    const after = new Map(rows.map((row) => [row.id, viewOf(row)]));
    const changes = items.map(({ current }) => ({ before: current, after: after.get(current.id)! }));
    const entry = (c: ContactView) => ({ tenantId: c.tenant_id, objectType: 'contact' as const, objectId: c.id });
    await recordAudits(
      this.trx,
      actorOf(this.principal),
      changes.map((c) => ({ ...entry(c.after), action: 'update', before: c.before, after: c.after })),
    );
    await recordEvents(
      this.trx,
      changes.map((c) => ({
        type: 'contact.updated' as const,
        tenantId: c.after.tenant_id,
        data: c.after,
        before: c.before,
      })),
    );
    return changes.map((c) => c.after);
  }
}
