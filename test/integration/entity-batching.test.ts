import { customerFor, invoiceFor } from '../support/factories';
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
      await customerFor(
        t.db.prisma,
        { userId: `user-${i}` },
        { planId: 'pro', driveStorageBytes: 400_000_000_000n, parallelDownloads: 16, hasUnpaidInvoice: i % 4 === 0 },
      );
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
        billing: {
          plan: hasProfile
            ? { name: 'Pro', driveStorage: '400000000000' }
            : { name: 'Free', driveStorage: '100000000' },
        },
      });
    });
  });

  it("reads the invoices of 1 and of 20 profiles in the same statements: the owners, then every owner's page at once", async () => {
    const admin = await t.token({ sub: 'auditor', roles: ['admin'] });
    const customers = await t.db.prisma.customer.findMany({
      where: { userId: { in: ['user-0', 'user-2', 'user-4'] } },
    });
    const invoiced = new Map<string, string[]>();
    for (const [n, customer] of customers.entries()) {
      const made = [];
      for (let i = 0; i <= n + 1; i++)
        made.push((await invoiceFor(t.db.prisma, customer.id, { createdAt: new Date(Date.UTC(2026, 0, 1 + i)) })).id);
      invoiced.set(customer.userId!, made.reverse());
    }
    const INVOICES = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { billing { invoices(first: 2) { edges { node { id } } pageInfo { hasNextPage } } } } } }`;
    const read = async (count: number) => {
      t.resetQueries();
      const res = await t.graphql<{ _entities: any[] }>(INVOICES, { token: admin, variables: { reps: users(count) } });
      expect(res.errors).toBeUndefined();
      return { statements: t.queries.length, pages: res.data!._entities.map((entity) => entity.billing.invoices) };
    };
    await read(1); // the plan catalog, once
    const one = await read(1);
    const twenty = await read(20);
    expect(one.statements).toBe(2);
    expect(twenty.statements).toBe(2);
    twenty.pages.forEach((page, i) => {
      const own = invoiced.get(`user-${i}`) ?? [];
      expect(page.edges.map((edge: any) => edge.node.id)).toEqual(own.slice(0, 2));
      expect(page.pageInfo.hasNextPage).toBe(own.length > 2);
    });
  });

  it('reads the unpaid flag alone in one round trip', async () => {
    t.resetQueries();
    const res = await t.graphql(
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { unpaidInvoice } } }`,
      {
        token,
        variables: { reps: users(100) },
      },
    );
    expect(res.errors).toBeUndefined();
    expect(t.queries).toHaveLength(1);
  });
});
