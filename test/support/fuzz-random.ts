/**
 * A small seeded generator (mulberry32): the fuzz suite's only source of randomness, so a
 * run is reproduced by its seed (FUZZ_SEED) and every failure can be replayed.
 */
export class Rng {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }

  /** Up to n distinct elements of the list, in the list's order. */
  sample<T>(list: readonly T[], n: number): T[] {
    if (n >= list.length) return [...list];
    const chosen = new Set<number>();
    while (chosen.size < n) chosen.add(this.int(list.length));
    return [...chosen].sort((a, b) => a - b).map((i) => list[i]);
  }

  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.int(16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
  }
}

/** The seed of this run: FUZZ_SEED when given (to replay a failure), else a fixed one so CI is deterministic. */
export function fuzzSeed(): number {
  const given = Number(process.env.FUZZ_SEED);
  return Number.isInteger(given) && given > 0 ? given : 20261207;
}
