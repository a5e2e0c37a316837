// The customer projection on PostgreSQL with two replicas of the app on one database: what one writes,
// the other's projection learns through LISTEN/NOTIFY, and it answers the hot path without SQL.
import { eventually, waitUntil } from '../support/eventually';
import { customerFor } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

const HOT_PATH = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { unpaidInvoice billing { plan { name } entitlements { driveStorage basis } } } } }`;
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;

onPostgres('the customer projection across two replicas on PostgreSQL', () => {
  let first: TestApp;
  let second: TestApp;
  let token: string;

  const read = async (t: TestApp, userId: string) => {
    const res = await t.graphql<{ _entities: any[] }>(HOT_PATH, {
      token,
      variables: { reps: [{ __typename: 'User', id: userId }] },
    });
    expect(res.errors).toBeUndefined();
    return res.data!._entities[0];
  };
  const complete = (t: TestApp) =>
    waitUntil('the projection is complete', () => t.app.domain.customerProjection.status().complete);

  beforeAll(async () => {
    first = await startTestApp('postgres');
    await customerFor(
      first.db.prisma,
      { userId: 'early' },
      {
        planId: 'pro',
        driveStorageBytes: 400_000_000_000n,
        parallelDownloads: 16,
        entitlementBasis: 'SUBSCRIPTION',
        hasUnpaidInvoice: true,
      },
    );
    // Configured for PostgreSQL, the second replica checks the schema rather than migrating it again.
    second = await startTestApp('postgres', {}, { replicaOf: first });
    token = await first.token({ sub: 'gateway', roles: ['service'] });
    await Promise.all([complete(first), complete(second)]);
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('answers owners with and without a customer from memory, without SQL', async () => {
    await read(second, 'warming-the-plan-catalog');
    second.resetQueries();
    expect(await read(second, 'early')).toEqual({
      unpaidInvoice: true,
      billing: { plan: { name: 'Pro' }, entitlements: { driveStorage: '400000000000', basis: 'SUBSCRIPTION' } },
    });
    expect(await read(second, 'never-paid')).toEqual({
      unpaidInvoice: false,
      billing: { plan: { name: 'Free' }, entitlements: { driveStorage: '100000000', basis: 'FREE_PLAN' } },
    });
    expect(second.queries).toEqual([]);
  });

  it("sees a customer created through one replica in the other's projection", async () => {
    const service = await first.token({ sub: 'accounts', roles: ['service'] });
    const created = await first.graphql(`mutation { createCustomer(owner: { userId: "newcomer" }) { id } }`, {
      token: service,
    });
    expect(created.errors).toBeUndefined();
    await eventually(
      () => second.app.domain.customerProjection.lookup({ kind: 'user', id: 'newcomer' }),
      (state) => state !== undefined && state !== null,
      3000,
    );
    second.resetQueries();
    expect(await read(second, 'newcomer')).toMatchObject({ unpaidInvoice: false, billing: { plan: { name: 'Free' } } });
    expect(second.queries).toEqual([]);
  });

  it("sees a change of plan and unpaid flag written by one replica in the other's projection", async () => {
    await customerFor(first.db.prisma, { userId: 'upgrading' });
    await eventually(
      () => read(second, 'upgrading'),
      (entity) => entity.billing.plan.name === 'Free',
      3000,
    );
    await first.app.database.executeSql(
      `UPDATE customers SET plan_id = 'ultra', drive_storage_bytes = 1000000000000, parallel_downloads = 32, entitlement_basis = 'SUBSCRIPTION', has_unpaid_invoice = true WHERE user_id = 'upgrading'`,
    );
    const seen = await eventually(
      () => read(second, 'upgrading'),
      (entity) => entity.billing.plan.name === 'Ultra',
      3000,
    );
    expect(seen).toEqual({
      unpaidInvoice: true,
      billing: { plan: { name: 'Ultra' }, entitlements: { driveStorage: '1000000000000', basis: 'SUBSCRIPTION' } },
    });
    second.resetQueries();
    await read(second, 'upgrading');
    expect(second.queries).toEqual([]);
  });

  it('reads a closed customer as free on the other replica', async () => {
    const service = await first.token({ sub: 'accounts', roles: ['service'] });
    const closed = await first.graphql(`mutation { closeCustomer(owner: { userId: "early" }) }`, { token: service });
    expect(closed.errors).toBeUndefined();
    const seen = await eventually(
      () => read(second, 'early'),
      (entity) => entity.billing.plan.name === 'Free',
      3000,
    );
    expect(seen).toMatchObject({ unpaidInvoice: false });
  });
});

onPostgres('a customer projection beyond its size bound', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('postgres', { CUSTOMER_PROJECTION_SIZE: '1' });
  });
  afterAll(() => t?.close());

  it('holds what fits and reads the other owners from the database, answering the same', async () => {
    await customerFor(t.db.prisma, { userId: 'one' }, { hasUnpaidInvoice: true });
    await customerFor(t.db.prisma, { userId: 'two' }, { hasUnpaidInvoice: true });
    await waitUntil('the projection is full', () => !t.app.domain.customerProjection.status().complete);
    expect(t.app.domain.customerProjection.status().entries).toBe(1);
    const token = await t.token({ sub: 'gateway', roles: ['service'] });
    const res = await t.graphql<{ _entities: any[] }>(
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { unpaidInvoice } } }`,
      {
        token,
        variables: { reps: ['one', 'two', 'nobody'].map((id) => ({ __typename: 'User', id })) },
      },
    );
    expect(res.data!._entities).toEqual([{ unpaidInvoice: true }, { unpaidInvoice: true }, { unpaidInvoice: false }]);
  });
});
