import { isDeepStrictEqual } from 'node:util';
import { eventually } from '../support/eventually';
import { customerFor } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { databaseKinds } from '../support/test-database';

const UNPAID = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { unpaidInvoice billing { plan { name } } } } }`;

/** Polls until the read equals `expected` (a change reaches the cache through a notification). */
async function eventuallyEqual<T>(read: () => Promise<T>, expected: T): Promise<void> {
  const last = await eventually(read, (value) => isDeepStrictEqual(value, expected), 3000).catch(async () => read());
  expect(last).toEqual(expected);
}

describe.each(databaseKinds)('the hot-path caches on %s', (kind) => {
  let t: TestApp;
  let token: string;
  const read = async (userId: string) => {
    const res = await t.graphql<{ _entities: any[] }>(UNPAID, {
      token,
      variables: { reps: [{ __typename: 'User', id: userId }] },
    });
    return res.data!._entities[0];
  };

  beforeAll(async () => {
    t = await startTestApp(kind);
    token = await t.token({ sub: 'gateway', roles: ['service'] });
  });
  afterAll(() => t.close());

  it('answers a repeated hot-path read from memory, without SQL', async () => {
    await customerFor(t.db.prisma, { userId: 'warm' }, { hasUnpaidInvoice: true });
    await read('warm');
    t.resetQueries();
    expect(await read('warm')).toEqual({ unpaidInvoice: true, billing: { plan: { name: 'Free' } } });
    expect(t.queries).toEqual([]);
  });

  it('sees a change written by another replica, through the database notification', async () => {
    const customer = await customerFor(t.db.prisma, { userId: 'paying' }, { hasUnpaidInvoice: true });
    expect(await read('paying')).toMatchObject({ unpaidInvoice: true });
    // A plain SQL write stands for any other replica or job: nothing in this process is told directly.
    await t.app.database.executeSql('UPDATE customers SET has_unpaid_invoice = false WHERE id = $1', [customer.id]);
    await eventuallyEqual(() => read('paying'), { unpaidInvoice: false, billing: { plan: { name: 'Free' } } });
  });

  it('forgets a cached "no profile" once the profile is created', async () => {
    expect(await read('late')).toEqual({ unpaidInvoice: false, billing: { plan: { name: 'Free' } } });
    await customerFor(
      t.db.prisma,
      { userId: 'late' },
      { planId: 'pro', driveStorageBytes: 400_000_000_000n, parallelDownloads: 16, hasUnpaidInvoice: true },
    );
    await eventuallyEqual(() => read('late'), { unpaidInvoice: true, billing: { plan: { name: 'Pro' } } });
  });

  it('reloads the plan catalog when a plan changes', async () => {
    await read('warm');
    await t.app.database.executeSql(`UPDATE plans SET name = 'Free forever' WHERE id = 'free'`);
    await eventuallyEqual(async () => (await read('warm')).billing.plan.name, 'Free forever');
  });
});
