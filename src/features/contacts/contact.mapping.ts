import type { ContactType } from '../../platform/db/schema.js';
import type { CardValues, ContactRecord } from './contact.repository.js';
import { cardAnswersOf, givenCardFields } from '../../platform/http/contact-card.js';
import type { ContactView, CreateContactInput, UpdateContactInput } from './contact.schemas.js';

/** Types in the order every answer lists them. */
export const typeOrder: ContactType[] = ['billing', 'management', 'technical'];
export const normalizeTypes = (types: ContactType[]) => typeOrder.filter((t) => types.includes(t));

/** The fields of a person: a linked contact's come from its user and cannot be sent. */
export const personFields = ['firstname', 'lastname', 'email', 'phone', 'title', 'language'] as const;

/** The card fields a body sets (those it leaves out stay as they are). */
export const cardOf = (input: CreateContactInput | UpdateContactInput): CardValues =>
  givenCardFields(input) as CardValues;

export function toContact(row: ContactRecord): ContactView {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    user_id: row.user_id,
    types: row.types,
    primary_types: row.primary_types,
    firstname: row.firstname ?? '',
    lastname: row.lastname ?? '',
    email: row.email ?? '',
    phone: row.phone,
    title: row.title,
    language: row.language,
    pending_email: row.pending_email ?? null,
    validation_state: row.validation_state,
    // Only a linked user's address was ever proven: by activating the account through the
    // link mailed to it, or by confirming the change to it (its one way to change once active).
    email_confirmed: row.user_id !== null && row.user_activated,
    ...cardAnswersOf(row),
    attested_at: row.attested_at?.toISOString() ?? null,
    attestation_state: row.attestation_state,
    version: row.version,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
