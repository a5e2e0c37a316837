// Every open customer's hot fields (plan, entitlements, unpaid flag), in memory on each replica, so the
// hot path answers any owner without SQL: an owner absent from a complete projection has no customer
// row, hence the free plan. Kept current by the customer-change notifications (LISTEN/NOTIFY); loaded in
// pages after the listener is up, while requests fall back to the database. Compact: owners map to a
// small integer naming one of the few distinct states (plans × entitlement bases × unpaid flag), in an
// OwnerIndex (typed arrays, off the JS heap); only states with a grace-period end, or beyond the first 255
// distinct ones, are kept per owner. Beyond `maxEntries` owners it stops being complete and owners it does
// not hold are read from the database.
import type { Logger } from 'pino';
import type { BillingOwner } from '../billing-owner.ts';
import { OwnerIndex } from './owner-index.ts';
import { stateFromKey, type CustomerState, type CustomerStateRow, type CustomerStateSource } from './customer-state.ts';

export interface CustomerProjectionOptions {
  /** 0 disables the projection. */
  maxEntries: number;
  pageSize?: number;
  retryDelayMs?: number;
  logger: Logger;
}

export interface CustomerProjectionStatus {
  complete: boolean;
  entries: number;
  sharedStates: number;
  /** Lookups answered (a state or a known absence), and lookups it could not answer. */
  hits: number;
  misses: number;
  /** How long the last full load took; null until one finished. */
  loadMs: number | null;
}

type Kind = BillingOwner['kind'];

/** One kind's owners: most by shared state index; the few in a grace period, or beyond the shared states, with their own. */
class Owners {
  readonly shared = new OwnerIndex();
  readonly own = new Map<string, CustomerState>();

  get size(): number {
    return this.shared.size + this.own.size;
  }

  has(id: string): boolean {
    return this.own.has(id) || this.shared.has(id);
  }

  delete(id: string): void {
    this.shared.delete(id);
    this.own.delete(id);
  }

  clear(): void {
    this.shared.clear();
    this.own.clear();
  }
}

export class CustomerProjection {
  private readonly owners: Record<Kind, Owners> = { user: new Owners(), group: new Owners() };
  private readonly shared: CustomerState[] = [];
  private readonly sharedIndex = new Map<string, number>();
  private complete = false;
  /** Owner keys changed and not yet re-read (with the number of their last change): unknown until read. */
  private readonly dirty = new Map<string, number>();
  /** Owner keys changed since the running load began: its pages may predate the change, the refresh does not. */
  private readonly changedDuringLoad = new Set<string>();
  private changes = 0;
  private generation = 0;
  private loading: Promise<void> | null = null;
  private refreshing: Promise<void> | null = null;
  private stopped = false;
  private loadMs: number | null = null;
  private hits = 0;
  private misses = 0;
  private readonly pageSize: number;
  private readonly retryDelayMs: number;

  constructor(
    private readonly source: CustomerStateSource,
    private readonly options: CustomerProjectionOptions,
  ) {
    // Rows still being received when the young generation is collected twice are promoted: pages of 20,000
    // left 35 MB of garbage in the old generation after a million rows, pages of 5,000 a fraction of it.
    this.pageSize = options.pageSize ?? 5_000;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
  }

  get enabled(): boolean {
    return this.options.maxEntries > 0;
  }

  /** The owner's state; null when it has no customer (the free plan); undefined when not known here. */
  lookup(owner: BillingOwner): CustomerState | null | undefined {
    const owners = this.owners[owner.kind];
    const index = owners.shared.get(owner.id);
    const held = index !== undefined ? this.shared[index] : owners.own.get(owner.id);
    if (held !== undefined) {
      this.hits++;
      return held;
    }
    if (!this.complete || (this.dirty.size > 0 && this.dirty.has(`${owner.kind}:${owner.id}`))) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return null;
  }

  /** Starts loading every customer; resolves when done. Call once the change listener is up. */
  start(): Promise<void> {
    if (!this.enabled || this.stopped) return Promise.resolve();
    const generation = this.generation;
    const loading = this.loadAll(generation).finally(() => {
      if (this.loading !== loading) return;
      this.loading = null;
      this.changedDuringLoad.clear();
    });
    this.loading = loading;
    return loading;
  }

  /** A customer of this owner changed (`user:<id>` or `group:<id>`): forget it until it is read again. */
  changed(ownerKey: string): void {
    if (!this.enabled) return;
    const owner = parseOwnerKey(ownerKey);
    if (!owner) return;
    this.owners[owner.kind].delete(owner.id);
    this.dirty.set(ownerKey, ++this.changes);
    if (this.loading) this.changedDuringLoad.add(ownerKey);
    this.refreshing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.refresh());
  }

  /** Notifications may have been missed: forget everything and load again. */
  reset(): void {
    if (!this.enabled) return;
    this.generation++;
    this.complete = false;
    this.owners.user.clear();
    this.owners.group.clear();
    this.dirty.clear();
    this.changedDuringLoad.clear();
    if (!this.stopped) void this.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    await Promise.allSettled([this.loading, this.refreshing]);
  }

  status(): CustomerProjectionStatus {
    return {
      complete: this.complete,
      entries: this.owners.user.size + this.owners.group.size,
      sharedStates: this.shared.length,
      hits: this.hits,
      misses: this.misses,
      loadMs: this.loadMs,
    };
  }

  private async loadAll(generation: number): Promise<void> {
    const started = performance.now();
    let after: string | null = null;
    for (;;) {
      let page: CustomerStateRow[];
      try {
        page = await this.source.pageOfStates(after, this.pageSize);
      } catch (error) {
        if (generation !== this.generation) return;
        this.options.logger.warn({ err: error }, 'loading the customer projection failed; retrying');
        await delay(this.retryDelayMs);
        if (generation !== this.generation) return;
        continue;
      }
      if (generation !== this.generation) return;
      for (const row of page) {
        const kind: Kind = row.userId !== null ? 'user' : 'group';
        const id = row.userId ?? row.groupId!;
        if (this.changedDuringLoad.size > 0 && this.changedDuringLoad.has(`${kind}:${id}`)) continue;
        if (!this.hold(kind, id, row)) {
          this.options.logger.warn(
            { maxEntries: this.options.maxEntries },
            'the customer projection is full: owners beyond it are read from the database',
          );
          return;
        }
      }
      if (page.length < this.pageSize) break;
      after = page[page.length - 1]!.id;
    }
    this.complete = true;
    this.loadMs = performance.now() - started;
    this.options.logger.info(
      { entries: this.status().entries, loadMs: Math.round(this.loadMs) },
      'customer projection loaded',
    );
  }

  /** Re-reads the changed owners in one query; an owner changed again meanwhile is read once more. */
  private async refresh(): Promise<void> {
    const generation = this.generation;
    const batch = [...this.dirty].slice(0, 1000);
    try {
      const rows = await this.source.statesOfOwnerKeys(batch.map(([key]) => key));
      if (generation !== this.generation) return;
      const byKey = new Map(
        rows.map((row) => [row.userId !== null ? `user:${row.userId}` : `group:${row.groupId}`, row] as const),
      );
      for (const [key, change] of batch) {
        if (this.dirty.get(key) !== change) continue;
        this.dirty.delete(key);
        const row = byKey.get(key);
        const owner = parseOwnerKey(key)!;
        if (row) this.hold(owner.kind, owner.id, row);
      }
    } catch (error) {
      this.options.logger.warn(
        { err: error, owners: batch.length },
        'refreshing the customer projection failed; retrying',
      );
      await delay(this.retryDelayMs);
    } finally {
      this.refreshing = null;
    }
    if (this.dirty.size > 0 && !this.stopped && generation === this.generation) {
      this.refreshing ??= this.refresh();
    }
  }

  /** False when full: the projection then stops claiming completeness, and absent owners are unknown. */
  private hold(kind: Kind, id: string, row: CustomerStateRow): boolean {
    const owners = this.owners[kind];
    if (
      !owners.has(id) &&
      owners.size + this.owners[kind === 'user' ? 'group' : 'user'].size >= this.options.maxEntries
    ) {
      this.complete = false;
      return false;
    }
    const index = row.graceEndsAt === null ? this.sharedStateIndex(row.stateKey) : null;
    if (index !== null) {
      owners.own.delete(id);
      owners.shared.set(id, index);
    } else {
      owners.shared.delete(id);
      owners.own.set(id, stateFromKey(row.stateKey, row.graceEndsAt));
    }
    return true;
  }

  /** Null once the OwnerIndex's values are all taken: a state beyond them is held per owner. */
  private sharedStateIndex(key: string): number | null {
    let index = this.sharedIndex.get(key);
    if (index === undefined) {
      if (this.shared.length >= OwnerIndex.MAX_VALUE + 1) return null;
      index = this.shared.push(Object.freeze(stateFromKey(key, null))) - 1;
      this.sharedIndex.set(key, index);
    }
    return index;
  }
}

function parseOwnerKey(key: string): BillingOwner | null {
  const separator = key.indexOf(':');
  const kind = key.slice(0, separator);
  return separator > 0 && (kind === 'user' || kind === 'group') ? { kind, id: key.slice(separator + 1) } : null;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
