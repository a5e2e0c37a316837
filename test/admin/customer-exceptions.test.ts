import { GRACE_EXPIRY_JOB } from '../../src/jobs/billing-jobs';
import { customerFor, subscriptionFor } from '../support/factories';
import { runScheduledJob } from '../support/scheduled-jobs';
import { startTestApp, type TestApp } from '../support/test-app';
import { databaseKinds } from '../support/test-database';

const DAY = 86_400_000;
const ENTITLEMENTS = `customer { entitlements { driveStorage parallelDownloads basis graceEndsAt grantedUntil } }`;
const EXTEND = `mutation($owner: BillingOwnerInput!, $until: DateTime!) { extendGracePeriod(owner: $owner, until: $until) {
  __typename ... on GracePeriodExtended { ${ENTITLEMENTS} } ... on BillingError { code } } }`;
const GRANT = `mutation($owner: BillingOwnerInput!, $planId: ID!, $until: DateTime!) { grantPlan(owner: $owner, planId: $planId, until: $until) {
  __typename ... on PlanGranted { ${ENTITLEMENTS} } ... on BillingError { code } } }`;

describe.each(databaseKinds)('admin exceptions to the payment rules on %s', (kind) => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await t.token({ sub: 'alice-admin', roles: ['admin'] });
  });
  afterAll(() => t.close());

  /** The app's time: a test may have moved it. */
  const now = () => t.clock.now().getTime();
  const run = async (query: string, variables: Record<string, unknown>) => {
    const res = await t.graphql<any>(query, { token: admin, variables });
    return res;
  };
  const entitlementsOf = async (userId: string) =>
    (
      await t.graphql<any>(
        `{ billingProfile(owner: { userId: "${userId}" }) { entitlements { basis driveStorage graceEndsAt grantedUntil } } }`,
        { token: admin },
      )
    ).data.billingProfile.entitlements;

  it('extends a lapsed grace period: the plan applies again until the new date, and stays so through later payment updates', async () => {
    const customer = await customerFor(t.db.prisma, { userId: 'late' });
    await subscriptionFor(t.db.prisma, customer.id, {
      planId: 'pro',
      status: 'PAST_DUE',
      pastDueSince: new Date(now() - 20 * DAY),
    });
    await t.app.domain.paymentState.refresh(customer.id);
    expect(await entitlementsOf('late')).toMatchObject({ basis: 'PAYMENT_LAPSED', driveStorage: '100000000' });

    const until = new Date(now() + 7 * DAY).toISOString();
    const res = await run(EXTEND, { owner: { userId: 'late' }, until });
    expect(res.data.extendGracePeriod).toEqual({
      __typename: 'GracePeriodExtended',
      customer: {
        entitlements: {
          driveStorage: '400000000000',
          parallelDownloads: 16,
          basis: 'GRACE_PERIOD',
          graceEndsAt: until,
          grantedUntil: null,
        },
      },
    });
    await t.app.domain.paymentState.refresh(customer.id);
    expect(await entitlementsOf('late')).toMatchObject({ basis: 'GRACE_PERIOD', graceEndsAt: until });

    const shorter = await run(EXTEND, { owner: { userId: 'late' }, until: new Date(now() + 3 * DAY).toISOString() });
    expect(shorter.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'until' });
  });

  it('refuses to extend without a failing payment, into the past or too far', async () => {
    const customer = await customerFor(t.db.prisma, { userId: 'payer' });
    await subscriptionFor(t.db.prisma, customer.id, { planId: 'lite', status: 'ACTIVE' });
    const soon = new Date(now() + DAY).toISOString();
    expect((await run(EXTEND, { owner: { userId: 'payer' }, until: soon })).data.extendGracePeriod).toEqual({
      __typename: 'NoPaymentFailure',
      code: 'NO_PAYMENT_FAILURE',
    });
    for (const until of [new Date(now() - DAY), new Date(now() + 200 * DAY)]) {
      const res = await run(EXTEND, { owner: { userId: 'payer' }, until: until.toISOString() });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'until' });
    }
    expect((await run(EXTEND, { owner: { userId: 'nobody' }, until: soon })).errors?.[0]?.extensions?.code).toBe(
      'NOT_FOUND',
    );
  });

  it('grants a plan without payment until a date, as its own basis; it ends with the sweep', async () => {
    const until = new Date(now() + 30 * DAY).toISOString();
    const res = await run(GRANT, { owner: { userId: 'staff' }, planId: 'ultra', until });
    expect(res.data.grantPlan).toEqual({
      __typename: 'PlanGranted',
      customer: {
        entitlements: {
          driveStorage: '1000000000000',
          parallelDownloads: 32,
          basis: 'GRANTED',
          graceEndsAt: null,
          grantedUntil: until,
        },
      },
    });
    const row = await t.db.prisma.customer.findFirstOrThrow({ where: { userId: 'staff' } });
    expect(row.providerCustomerId).toBeNull();

    t.clock.moveTo(new Date(Date.parse(until) + 1000));
    await runScheduledJob(t, GRACE_EXPIRY_JOB);
    expect(await entitlementsOf('staff')).toEqual({
      basis: 'FREE_PLAN',
      driveStorage: '100000000',
      graceEndsAt: null,
      grantedUntil: null,
    });
  });

  it('leaves a paying subscriber on what it pays for', async () => {
    const customer = await customerFor(t.db.prisma, { userId: 'subscriber' });
    await subscriptionFor(t.db.prisma, customer.id, { planId: 'lite', status: 'ACTIVE' });
    const until = new Date(now() + 30 * DAY).toISOString();
    const res = await run(GRANT, { owner: { userId: 'subscriber' }, planId: 'ultra', until });
    expect(res.data.grantPlan.customer.entitlements).toMatchObject({
      basis: 'SUBSCRIPTION',
      driveStorage: '100000000000',
      grantedUntil: null,
    });
  });

  it('refuses an archived plan as a result, the free plan, unknown plans and non-admins', async () => {
    const until = new Date(now() + DAY).toISOString();
    await t.db.prisma.plan.update({ where: { id: 'lite' }, data: { active: false } });
    t.app.domain.services.plans.invalidateCatalog();
    try {
      expect((await run(GRANT, { owner: { userId: 'x' }, planId: 'lite', until })).data.grantPlan).toEqual({
        __typename: 'CatalogChangeRefused',
        code: 'PLAN_ARCHIVED',
      });
    } finally {
      await t.db.prisma.plan.update({ where: { id: 'lite' }, data: { active: true } });
      t.app.domain.services.plans.invalidateCatalog();
    }
    expect((await run(GRANT, { owner: { userId: 'x' }, planId: 'free', until })).errors?.[0]?.extensions).toMatchObject(
      { code: 'BAD_USER_INPUT', field: 'planId' },
    );
    expect((await run(GRANT, { owner: { userId: 'x' }, planId: 'nope', until })).errors?.[0]?.extensions?.code).toBe(
      'NOT_FOUND',
    );
    const user = await t.graphql(GRANT, {
      token: await t.token({ sub: 'x' }),
      variables: { owner: { userId: 'x' }, planId: 'ultra', until },
    });
    expect(user.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await t.db.prisma.customer.count({ where: { userId: 'x' } })).toBe(0);
  });
});
