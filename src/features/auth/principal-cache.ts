import { authGeneration } from '../../platform/db/auth-changes.js';
import type { Principal } from '../../platform/scope.js';

/** What is kept of a bearer token: its principal, and an API client's last access (written at most once a minute). */
export interface Cached {
  principal: Principal;
  lastAccessAt: Date | null;
  lastAccessFromIp: string | null;
}

/**
 * Principals by token hash, kept while nothing they were read from has changed (the generation of
 * platform/db/auth-changes.ts: the whole cache goes when it moves), at most `maxAgeMs` and never
 * past the token's expiry. Only what was read whole under one generation is kept.
 */
export class PrincipalCache {
  readonly #entries = new Map<string, Cached & { until: number }>();
  #generation = authGeneration();

  constructor(
    private readonly maxAgeMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(tokenHash: string): Cached | undefined {
    this.#sync();
    const entry = this.#entries.get(tokenHash);
    if (entry && Date.now() < entry.until) return entry;
    if (entry) this.#entries.delete(tokenHash);
    return undefined;
  }

  /** `generation`: taken before the principal was read, so a read that raced a change is not kept. */
  set(tokenHash: string, generation: number, expiresAt: Date | null, cached: Cached) {
    this.#sync();
    if (this.maxAgeMs <= 0 || generation !== this.#generation || !expiresAt) return;
    // The oldest entry makes room (a Map keeps insertion order).
    if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(tokenHash, { ...cached, until: Math.min(Date.now() + this.maxAgeMs, expiresAt.getTime()) });
  }

  #sync() {
    const now = authGeneration();
    if (now === this.#generation) return;
    this.#entries.clear();
    this.#generation = now;
  }
}
