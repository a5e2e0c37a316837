import { parameterInvalid } from '../stripe-error.ts';

/** Entries the emulator keeps for inspection, oldest first; past `capacity` the oldest are dropped. */
export class BoundedLog<T extends { id: string }> {
  readonly entries: T[] = [];

  constructor(private readonly capacity: number) {}

  add(entry: T): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  /** One page, oldest first: `limit` (1..1000, default 1000) entries after `startingAfter`. */
  page(
    limit: number | undefined,
    after: string | undefined,
    url: string,
  ): { object: 'list'; data: T[]; has_more: boolean; url: string } {
    limit ??= 1000;
    if (limit < 1 || limit > 1000) throw parameterInvalid('limit', 'Invalid limit: must be between 1 and 1000');
    const start = after ? this.entries.findIndex((entry) => entry.id === after) + 1 : 0;
    const data = this.entries.slice(start, start + limit);
    return { object: 'list', data, has_more: start + limit < this.entries.length, url };
  }

  clear(): void {
    this.entries.length = 0;
  }
}
