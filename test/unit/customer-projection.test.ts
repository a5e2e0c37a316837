import pino from 'pino';
import { CustomerProjection } from '../../src/billing/customers/customer-projection';
import {
  stateKey,
  type CustomerState,
  type CustomerStateRow,
  type CustomerStateSource,
} from '../../src/billing/customers/customer-state';
import { waitUntil } from '../support/eventually';

const state = (userId: string, overrides: Partial<CustomerState> = {}): CustomerStateRow => {
  const fields: CustomerState = {
    planId: 'pro',
    driveStorageBytes: 400n,
    parallelDownloads: 16,
    entitlementBasis: 'SUBSCRIPTION',
    graceEndsAt: null,
    hasUnpaidInvoice: false,
    ...overrides,
  };
  return {
    id: `00000000-0000-0000-0000-${userId.padStart(12, '0')}`,
    userId,
    groupId: null,
    stateKey: stateKey(fields),
    graceEndsAt: fields.graceEndsAt,
  };
};

/** A table of customers the test edits, read in pages of `pageSize`; `hold` pauses page reads until released. */
class FakeSource implements CustomerStateSource {
  rows = new Map<string, CustomerStateRow>();
  pageReads = 0;
  private gate: Promise<void> | null = null;
  private release: (() => void) | null = null;

  hold(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }

  open(): void {
    this.release?.();
    this.gate = null;
  }

  put(row: CustomerStateRow): void {
    this.rows.set(`user:${row.userId}`, row);
  }

  async pageOfStates(afterId: string | null, limit: number): Promise<CustomerStateRow[]> {
    this.pageReads++;
    // The page is read now (its snapshot), and delivered when the gate opens: as a slow query would be.
    const page = [...this.rows.values()]
      .filter((row) => afterId === null || row.id > afterId)
      .sort((a, b) => a.id.localeCompare(b.id))
      .slice(0, limit);
    await this.gate;
    return page;
  }

  async statesOfOwnerKeys(keys: readonly string[]): Promise<CustomerStateRow[]> {
    return keys.flatMap((key) => (this.rows.has(key) ? [this.rows.get(key)!] : []));
  }
}

const user = (id: string) => ({ kind: 'user' as const, id });

describe('the customer projection', () => {
  const logger = pino({ level: 'silent' });
  let source: FakeSource;
  beforeEach(() => {
    source = new FakeSource();
    for (let i = 0; i < 5; i++) source.put(state(String(i), { hasUnpaidInvoice: i === 3 }));
  });

  it('knows nothing until loaded, then every customer, and that an absent owner has none', async () => {
    const projection = new CustomerProjection(source, { maxEntries: 100, pageSize: 2, logger });
    expect(projection.lookup(user('3'))).toBeUndefined();
    expect(projection.lookup(user('nobody'))).toBeUndefined();
    await projection.start();
    expect(source.pageReads).toBe(3);
    expect(projection.lookup(user('3'))).toMatchObject({ planId: 'pro', hasUnpaidInvoice: true });
    expect(projection.lookup(user('nobody'))).toBeNull();
    expect(projection.status()).toMatchObject({ complete: true, entries: 5, sharedStates: 2 });
  });

  it('shares one state object among customers alike, and keeps a grace period per customer', async () => {
    const graceEndsAt = new Date('2026-12-01T00:00:00Z');
    source.put(state('9', { entitlementBasis: 'GRACE_PERIOD', graceEndsAt }));
    const projection = new CustomerProjection(source, { maxEntries: 100, logger });
    await projection.start();
    expect(projection.lookup(user('0'))).toBe(projection.lookup(user('1')));
    expect(projection.lookup(user('9'))).toMatchObject({ entitlementBasis: 'GRACE_PERIOD', graceEndsAt });
  });

  it('holds every customer right when they have more distinct states than it can share', async () => {
    for (let i = 0; i < 300; i++) source.put(state(`many-${i}`, { driveStorageBytes: BigInt(i) }));
    const projection = new CustomerProjection(source, { maxEntries: 1000, logger });
    await projection.start();
    for (let i = 0; i < 300; i++) expect(projection.lookup(user(`many-${i}`))?.driveStorageBytes).toBe(BigInt(i));
    expect(projection.lookup(user('3'))).toMatchObject({
      planId: 'pro',
      driveStorageBytes: 400n,
      hasUnpaidInvoice: true,
    });
  });

  it('forgets a changed owner until it is read again, then holds its new state', async () => {
    const projection = new CustomerProjection(source, { maxEntries: 100, logger });
    await projection.start();
    source.put(state('1', { hasUnpaidInvoice: true }));
    projection.changed('user:1');
    expect(projection.lookup(user('1'))).toBeUndefined();
    await waitUntil('user 1 is read again', () => projection.lookup(user('1')) !== undefined);
    expect(projection.lookup(user('1'))).toMatchObject({ hasUnpaidInvoice: true });

    source.rows.delete('user:1');
    projection.changed('user:1');
    await waitUntil('user 1 is read again', () => projection.lookup(user('1')) !== undefined);
    expect(projection.lookup(user('1'))).toBeNull();
  });

  it('does not let a page read before a change overwrite the change', async () => {
    const projection = new CustomerProjection(source, { maxEntries: 100, logger });
    source.hold();
    const loading = projection.start();
    await waitUntil('the first page is read', () => source.pageReads === 1);
    // The page holding user 2 was read; user 2 changes, and the change is re-read before the page arrives.
    source.put(state('2', { planId: 'ultra' }));
    projection.changed('user:2');
    await waitUntil('the change is re-read', () => projection.lookup(user('2')) !== undefined);
    source.open();
    await loading;
    expect(projection.lookup(user('2'))).toMatchObject({ planId: 'ultra' });
  });

  it('beyond its size bound, stops claiming to know absent owners', async () => {
    const projection = new CustomerProjection(source, { maxEntries: 3, logger });
    await projection.start();
    expect(projection.status()).toMatchObject({ complete: false, entries: 3 });
    expect(projection.lookup(user('0'))).toMatchObject({ planId: 'pro' });
    expect(projection.lookup(user('4'))).toBeUndefined();
    expect(projection.lookup(user('nobody'))).toBeUndefined();
  });

  it('after a gap in notifications, forgets everything and loads again', async () => {
    const projection = new CustomerProjection(source, { maxEntries: 100, logger });
    await projection.start();
    source.put(state('0', { planId: 'lite' }));
    projection.reset();
    expect(projection.lookup(user('0'))).toBeUndefined();
    await waitUntil('the projection is loaded again', () => projection.lookup(user('0')) !== undefined);
    expect(projection.lookup(user('0'))).toMatchObject({ planId: 'lite' });
    await projection.stop();
  });

  it('is off with a size of 0: it knows nobody', async () => {
    const projection = new CustomerProjection(source, { maxEntries: 0, logger });
    await projection.start();
    expect(source.pageReads).toBe(0);
    expect(projection.lookup(user('0'))).toBeUndefined();
  });
});
