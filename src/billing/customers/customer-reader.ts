import type { Customer } from './customer.ts';
import { ownerKey, ownerOf, type BillingOwner } from '../billing-owner.ts';
import type { CustomerCache } from './customer-cache.ts';
import type { CustomerRepository } from './customer-repository.ts';

/** Batch reads of customers by owner through the cache: only the misses reach the database, in one query. */
export class CustomerReader {
  constructor(
    private readonly customers: CustomerRepository,
    private readonly cache: CustomerCache,
  ) {}

  async findManyByOwners(owners: readonly BillingOwner[]): Promise<(Customer | null)[]> {
    const keys = owners.map(ownerKey);
    const found = new Map<string, Customer | null>();
    const misses: BillingOwner[] = [];
    owners.forEach((owner, i) => {
      const cached = this.cache.get(keys[i]!);
      if (cached === undefined) misses.push(owner);
      else found.set(keys[i]!, cached);
    });
    if (misses.length > 0) {
      const epoch = this.cache.startRead();
      const rows = await this.customers.findManyByOwners(misses);
      // Rows are looked up by owner, so none of them is closed.
      const byKey = new Map(rows.map((row) => [ownerKey(ownerOf(row)!), row] as const));
      for (const owner of misses) {
        const key = ownerKey(owner);
        const row = byKey.get(key) ?? null;
        found.set(key, row);
        this.cache.set(key, row, epoch);
      }
    }
    return keys.map((key) => found.get(key) ?? null);
  }
}
