/**
 * The events a webhook may subscribe to, by kind: those of src/platform/events.ts (the browser
 * test holds the two lists equal). `<kind>.*` subscribes to all of a kind, later ones included.
 */
export const eventGroups = {
  contact: [
    'contact.created',
    'contact.updated',
    'contact.deleted',
    'contact.email_change_requested',
    'contact.email_confirmed',
    'contact.invalid',
    'contact.opted_out',
    'contact.attestation_confirmed',
    'contact.attestation_declined',
    'contact.attestation_stale',
  ],
  user: ['user.created', 'user.updated', 'user.deleted'],
  tenant: ['tenant.created', 'tenant.updated', 'tenant.deleted'],
  announcement: ['announcement.done'],
} as const;
export type EventKind = keyof typeof eventGroups;
export const eventKinds = Object.keys(eventGroups) as EventKind[];
/** What an event says happened (its part after the dot). */
export type EventAction = (typeof eventGroups)[EventKind][number] extends `${string}.${infer A}` ? A : never;
