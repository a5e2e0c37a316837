import { CustomerCache } from '../../src/billing/customers/customer-cache';
import type { Customer } from '../../src/billing/customers/customer';

const row = (id: string) => ({ id }) as Customer;

describe('the customer cache', () => {
  let clock = 0;
  const cache = (maxEntries = 3, ttlMs = 1000) => new CustomerCache({ maxEntries, ttlMs, now: () => clock });
  beforeEach(() => {
    clock = 0;
  });

  it('keeps rows and known absences until their TTL', () => {
    const c = cache();
    c.set('user:a', row('a'), c.startRead());
    c.set('user:b', null, c.startRead());
    expect(c.get('user:a')).toEqual(row('a'));
    expect(c.get('user:b')).toBeNull();
    expect(c.get('user:c')).toBeUndefined();
    clock = 1000;
    expect(c.get('user:a')).toBeUndefined();
  });

  it('evicts the least recently used entry beyond its size', () => {
    const c = cache(2);
    c.set('user:a', row('a'), c.startRead());
    c.set('user:b', row('b'), c.startRead());
    c.get('user:a');
    c.set('user:c', row('c'), c.startRead());
    expect(c.get('user:b')).toBeUndefined();
    expect(c.get('user:a')).toEqual(row('a'));
    expect(c.size).toBe(2);
  });

  it('does not keep a read that overlapped an invalidation, which may be stale', () => {
    const c = cache();
    const epoch = c.startRead();
    c.invalidate('user:a');
    c.set('user:a', row('old'), epoch);
    expect(c.get('user:a')).toBeUndefined();
  });

  it('forgets everything when notifications may have been missed', () => {
    const c = cache();
    c.set('user:a', row('a'), c.startRead());
    c.clear();
    expect(c.get('user:a')).toBeUndefined();
  });

  it('stores nothing when disabled', () => {
    const c = cache(0);
    c.set('user:a', row('a'), c.startRead());
    expect(c.get('user:a')).toBeUndefined();
  });
});
