import { customerFor } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { databaseKinds } from '../support/test-database';

const HOT_PATH = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { unpaidInvoice billing { plan { name driveStorage } } } } }`;
const users = (count: number) => Array.from({ length: count }, (_, i) => ({ __typename: 'User', id: `user-${i}` }));

describe.each(databaseKinds)('resolving User entities in batches on %s', (kind) => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    // The customer cache and projection are off here so every request reads the database: this measures batching.
    t = await startTestApp(kind, { CUSTOMER_CACHE_SIZE: '0', CUSTOMER_PROJECTION_SIZE: '0' });
    token = await t.token({ sub: 'gateway', roles: ['service'] });
    // Half the users have a profile (some with an unpaid invoice), half read as the free plan.
    for (let i = 0; i < 100; i += 2) {
      await customerFor(t.db.prisma, { userId: `user-${i}` }, { planId: 'pro', driveStorageBytes: 400_000_000_000n, parallelDownloads: 16, hasUnpaidInvoice: i % 4 === 0 });
    }
  });
  afterAll(() => t.close());

  async function roundTrips(count: number): Promise<{ statements: number; entities: any[] }> {
    t.resetQueries();
    const res = await t.graphql<{ _entities: any[] }>(HOT_PATH, { token, variables: { reps: users(count) } });
    expect(res.errors).toBeUndefined();
    return { statements: t.queries.length, entities: res.data!._entities };
  }

  it('costs the same SQL round trips for 1 and for 100 representations: one, once the plan catalog is cached', async () => {
    const coldOne = await roundTrips(1);
    expect(coldOne.statements).toBe(3); // customers, plans, prices
    const one = await roundTrips(1);
    const hundred = await roundTrips(100);
    expect(one.statements).toBe(1);
    expect(hundred.statements).toBe(1);
    expect(hundred.entities).toHaveLength(100);
  });

  it('answers each representation with its own profile, in order', async () => {
    const { entities } = await roundTrips(100);
    entities.forEach((entity, i) => {
      const hasProfile = i % 2 === 0;
      expect(entity).toEqual({
        unpaidInvoice: hasProfile && i % 4 === 0,
        billing: { plan: hasProfile ? { name: 'Pro', driveStorage: '400000000000' } : { name: 'Free', driveStorage: '100000000' } },
      });
    });
  });

  it('reads the unpaid flag alone in one round trip', async () => {
    t.resetQueries();
    const res = await t.graphql(`query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { unpaidInvoice } } }`, {
      token,
      variables: { reps: users(100) },
    });
    expect(res.errors).toBeUndefined();
    expect(t.queries).toHaveLength(1);
  });
});
