import { sql } from 'kysely';
import { actorOf, recordAudit, type AuditActor } from '../../platform/audit-trail.js';
import type { Db } from '../../platform/db/database.js';
import type { ContactType } from '../../platform/db/schema.js';
import { contactTypes } from '../../platform/db/schema.people.js';
import { fail, invalidField } from '../../platform/errors.js';
import { recordEvent } from '../../platform/events.js';
import type { Principal } from '../../platform/scope.js';
import { toContact } from './contact.mapping.js';
import * as repo from './contact.repository.js';

// For each type a tenant has contacts of, exactly one of them is its primary contact of that
// type: the first one becomes it, making another primary moves it, and it is never dropped
// while others of the type remain (the database holds "at most one", migration 0009).

interface TypeState {
  /** The tenant's primary contact of the type, if any. */
  primaryId: string | null;
  /** Whether contacts other than the one written hold the type. */
  others: boolean;
}

/** Of each type: the tenant's primary contact and whether others hold it, in one statement (under the contacts lock). */
async function typeStates(trx: Db, tenantId: string, contactId: string | undefined) {
  const notThis = contactId ? sql`AND c.id <> ${contactId}` : sql``;
  const columns = contactTypes.map(
    (
      type,
    ) => sql`(SELECT c.id FROM contacts c WHERE c.tenant_id = ${tenantId} AND ${sql.lit(type)} = ANY (c.primary_types)) AS ${sql.ref(`p_${type}`)},
      EXISTS (SELECT 1 FROM contacts c WHERE c.tenant_id = ${tenantId} ${notThis} AND ${sql.lit(type)} = ANY (c.types)) AS ${sql.ref(`o_${type}`)}`,
  );
  const { rows } = await sql<Record<string, string | boolean | null>>`SELECT ${sql.join(columns)}`.execute(trx);
  const row = rows[0];
  return Object.fromEntries(
    contactTypes.map((type) => [
      type,
      { primaryId: row[`p_${type}`] as string | null, others: row[`o_${type}`] === true },
    ]),
  ) as Record<ContactType, TypeState>;
}

const required = (type: ContactType) =>
  fail('primary_contact_required', {
    info: 'primary_types',
    context: { type },
    message: `This is the tenant's primary ${type} contact and other ${type} contacts remain: make one of them primary first (PUT /contacts/{id} with primary_types including ${type})`,
  });

export interface PrimaryPlan {
  /** The contact's primary types once written. */
  primaryTypes: ContactType[];
  /** The other contacts that stop being primary of a type it takes over. */
  moves: { from: string; type: ContactType }[];
}

/**
 * What writing a contact with `types` does to the primaries: `had` its primary types until now
 * ([] for a new contact), `was` its types until now, `wanted` the primary_types of the body
 * (undefined: keep them). A write that changes neither costs no statement.
 */
export async function planPrimaries(
  trx: Db,
  write: {
    tenantId: string;
    contactId?: string;
    types: ContactType[];
    had: ContactType[];
    was?: ContactType[];
    wanted?: ContactType[];
  },
): Promise<PrimaryPlan> {
  const { types, had, wanted } = write;
  if (!wanted && write.was?.join() === types.join()) return { primaryTypes: had, moves: [] };
  const outside = wanted?.find((type) => !types.includes(type));
  if (outside) throw invalidField('primary_types', `${outside} is not one of the contact's types`);
  const states = await typeStates(trx, write.tenantId, write.contactId);
  const result = new Set(wanted ?? had.filter((type) => types.includes(type)));
  for (const type of had) {
    // Kept the type but gave up being its primary, or dropped it while others hold it.
    if (!result.has(type) && (types.includes(type) || states[type].others)) throw required(type);
  }
  for (const type of types) if (!states[type].primaryId) result.add(type);
  const moves = [...result]
    .filter((type) => !had.includes(type) && states[type].primaryId && states[type].primaryId !== write.contactId)
    .map((type) => ({ from: states[type].primaryId!, type }));
  return { primaryTypes: contactTypes.filter((type) => result.has(type)), moves };
}

/** Deleting a contact: refused while it is the primary of a type others hold. */
export async function assertNotNeededAsPrimary(
  trx: Db,
  contact: { id: string; tenant_id: string; primary_types: ContactType[] },
) {
  if (!contact.primary_types.length) return;
  const states = await typeStates(trx, contact.tenant_id, contact.id);
  const needed = contact.primary_types.find((type) => states[type].others);
  if (needed) throw required(needed);
}

/** The other contacts stop being primary of the types moved away from them, each in the audit trail and the outbox. */
export async function applyMoves(trx: Db, principal: Principal, moves: PrimaryPlan['moves']) {
  for (const { from, type } of moves) {
    await setPrimaryTypes(trx, principal, from, (had) => had.filter((t) => t !== type));
  }
}

/** Another contact's primary types change (a move, a promotion): its version moves, the audit trail and the outbox say so. */
async function setPrimaryTypes(
  trx: Db,
  principal: Principal,
  id: string,
  to: (had: ContactType[]) => ContactType[],
  actor = actorOf(principal),
) {
  const before = await repo.findContact(trx, principal.read, id);
  if (!before) return;
  await repo.updateContact(trx, principal.write, id, before.version, { primary_types: to(before.primary_types) });
  const after = toContact((await repo.findContact(trx, principal.read, id))!);
  const entry = { tenantId: before.tenant_id, objectType: 'contact', objectId: id } as const;
  await recordAudit(trx, actor, { ...entry, action: 'update', before: toContact(before), after });
  await recordEvent(trx, {
    type: 'contact.updated',
    tenantId: before.tenant_id,
    data: after,
    before: toContact(before),
  });
}

/**
 * After contacts went without a choice (their user was deleted, the person declined), the oldest
 * remaining contact of each type they were primary of becomes its primary.
 */
export async function promoteOldest(
  trx: Db,
  principal: Principal,
  tenantId: string,
  types: ContactType[],
  actor?: AuditActor,
) {
  for (const type of types) {
    const next = await trx
      .selectFrom('contacts')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where(sql<boolean>`${type} = ANY (types)`)
      .orderBy('created_at')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    if (next)
      await setPrimaryTypes(
        trx,
        principal,
        next.id,
        (had) => contactTypes.filter((t) => t === type || had.includes(t)),
        actor,
      );
  }
}
