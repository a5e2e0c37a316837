import { resourceMissing } from './stripe-error.ts';

/**
 * One kind of stored object, kept in creation order (lists answer newest first, as Stripe does). With a
 * `capacity` (events), the oldest are forgotten past it.
 */
export class Collection<T extends { id: string }> {
  private readonly items = new Map<string, T>();

  constructor(
    private readonly kind: string,
    private readonly capacity = Infinity,
  ) {}

  get(id: string): T | undefined {
    return this.items.get(id);
  }

  require(id: string, param = 'id'): T {
    const item = this.items.get(id);
    if (!item) throw resourceMissing(this.kind, id, param);
    return item;
  }

  add(item: T): T {
    this.items.set(item.id, item);
    if (this.items.size > this.capacity) this.items.delete(this.items.keys().next().value as string);
    return item;
  }

  delete(id: string): void {
    this.items.delete(id);
  }

  newestFirst(): T[] {
    return [...this.items.values()].reverse();
  }

  all(): T[] {
    return [...this.items.values()];
  }

  clear(): void {
    this.items.clear();
  }

  /** Replaces the contents with `items`, in their order (a restored state file). */
  restore(items: T[]): void {
    this.items.clear();
    for (const item of items) this.items.set(item.id, item);
  }
}
