/** What services need of the mail worker: a nudge after a transaction that wrote mail committed. */
export interface MailKick { kick(): void }

export const noKick: MailKick = { kick: () => {} };
