// A per-replica cache of whole customer rows: the fields beyond the projection's hot ones, and the owners the
// projection does not know (still loading, full, just changed). Kept correct across replicas by the database: a trigger NOTIFYs every change of a customer
// row, and every replica drops that owner's entry. A TTL bounds staleness should a notification be
// lost without the listener noticing; when it does notice (connection dropped), the cache is emptied.
import type { Customer } from './customer.ts';

export interface CustomerCacheOptions {
  /** 0 disables the cache. */
  maxEntries: number;
  ttlMs: number;
  now?: () => number;
}

interface Entry {
  value: Customer | null;
  expiresAt: number;
}

export class CustomerCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every invalidation: a read that overlapped one must not be cached (it may be stale). */
  private epoch = 0;
  private readonly now: () => number;

  constructor(private readonly options: CustomerCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.options.maxEntries > 0;
  }

  /** `undefined` is a miss; `null` is a cached "this owner has no customer row". */
  get(key: string): Customer | null | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    // Re-inserting keeps the Map in least-recently-used order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Call before reading the database; pass the result to `set` with what was read. */
  startRead(): number {
    return this.epoch;
  }

  set(key: string, value: Customer | null, readEpoch: number): void {
    if (!this.enabled || readEpoch !== this.epoch) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.options.ttlMs });
    if (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  invalidate(key: string): void {
    this.epoch++;
    this.entries.delete(key);
  }

  clear(): void {
    this.epoch++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
