import type { Db } from './database.js';

/** What background work a committed transaction may have given: mail in the outbox, an announcement to send. */
type Wake = 'mail' | 'notices' | 'webhooks' | 'attestation';

/** Who does that work: the delivery engine's loops, or nobody in a process without workers. */
export type Wakers = Partial<Record<Wake, () => void>>;

/** Handed to the work of a transaction: what to do once, and only if, it commits. */
export interface AfterCommit {
  /** Wakes the engine for the work this transaction wrote, instead of waiting for its next poll. */
  wake(what: Wake): void;
}

const openWork = new WeakMap<Db, Set<Wake>>();

/** For platform modules handed only the transaction (events.ts): wake that worker once it commits. */
export function wakeOnCommit(trx: Db, what: Wake) {
  openWork.get(trx)?.add(what);
}

/**
 * The one way a service writes: a transaction that collects what must happen after it
 * commits and runs that only then. Mail is never sent, nor an engine woken, for work that
 * rolled back; and no service carries flags out of its transaction to decide it.
 */
export class UnitOfWork {
  constructor(
    readonly db: Db,
    private readonly wakers: Wakers = {},
  ) {}

  async run<T>(work: (trx: Db, after: AfterCommit) => Promise<T>): Promise<T> {
    const woken = new Set<Wake>();
    const result = await this.db.transaction().execute((trx) => {
      openWork.set(trx, woken);
      return work(trx, { wake: (what) => woken.add(what) });
    });
    for (const what of woken) this.wakers[what]?.();
    return result;
  }
}
