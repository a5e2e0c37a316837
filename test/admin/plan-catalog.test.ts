import { BillingHarness } from '../support/billing-harness';
import { startTestApp, type TestApp } from '../support/test-app';

const RESULT = `__typename ... on PlanSaved { plan { id name driveStorage parallelDownloads monthlyPrice { amount currency } yearlyPrice { amount currency } } } ... on BillingError { code message }`;

describe('the plan catalog, managed by admins and mirrored to the Stripe emulator', () => {
  let t: TestApp;
  let h: BillingHarness;
  let admin: { token: string };

  beforeAll(async () => {
    t = await startTestApp('pglite');
    h = new BillingHarness(t);
    admin = { token: await t.token({ sub: 'alice-admin', roles: ['admin'] }) };
  });
  afterAll(() => t.close());

  const profileOf = async (userId: string) =>
    (
      await h.mutate(
        admin,
        `{ billingProfile(owner: { userId: "${userId}" }) { plan { id } entitlements { driveStorage parallelDownloads basis } subscription { status price { amount currency } } } }`,
      )
    ).billingProfile;
  const productOf = async (planId: string) =>
    (await h.stripe.products.list({ limit: 100 })).data.find((p) => p.metadata.plan_id === planId);

  it('creates a plan on sale, with its product and prices at the provider', async () => {
    const { createPlan } = await h.mutate(
      admin,
      `mutation { createPlan(input: { id: "team", name: "Team", driveStorage: "2000000000000", parallelDownloads: 48,
        prices: [{ interval: MONTH, amount: 4800, currency: "EUR" }, { interval: YEAR, amount: 48000, currency: "EUR" }] }) { ${RESULT} } }`,
    );
    expect(createPlan).toEqual({
      __typename: 'PlanSaved',
      plan: {
        id: 'team',
        name: 'Team',
        driveStorage: '2000000000000',
        parallelDownloads: 48,
        monthlyPrice: { amount: 4800, currency: 'EUR' },
        yearlyPrice: { amount: 48000, currency: 'EUR' },
      },
    });
    const { plans } = await h.mutate(admin, '{ plans { id } }');
    expect(plans.map((p: { id: string }) => p.id)).toEqual(['free', 'lite', 'pro', 'ultra', 'team']);

    const product = await productOf('team');
    expect(product).toMatchObject({ name: 'Team', active: true });
    const rows = await t.db.prisma.planPrice.findMany({ where: { planId: 'team' }, orderBy: { amount: 'asc' } });
    const prices = await Promise.all(rows.map((row) => h.stripe.prices.retrieve(row.providerPriceId!)));
    expect(prices.map((p) => [p.product, p.unit_amount, p.currency, p.recurring?.interval, p.lookup_key])).toEqual([
      [product!.id, 4800, 'eur', 'month', rows[0]!.id],
      [product!.id, 48000, 'eur', 'year', rows[1]!.id],
    ]);
  });

  it('refuses a taken id as a result, bad input as BAD_USER_INPUT, and anyone but an admin', async () => {
    const taken = await h.mutate(
      admin,
      `mutation { createPlan(input: { id: "pro", name: "Pro 2", driveStorage: "1", parallelDownloads: 1 }) { ${RESULT} } }`,
    );
    expect(taken.createPlan).toMatchObject({ __typename: 'CatalogChangeRefused', code: 'PLAN_EXISTS' });
    for (const [input, field] of [
      ['id: "Bad Id", name: "X", driveStorage: "1", parallelDownloads: 1', 'id'],
      ['id: "x", name: "X", driveStorage: "0", parallelDownloads: 1', 'driveStorage'],
      [
        'id: "x", name: "X", driveStorage: "1", parallelDownloads: 1, prices: [{ interval: MONTH, amount: -5, currency: "EUR" }]',
        'amount',
      ],
      [
        'id: "x", name: "X", driveStorage: "1", parallelDownloads: 1, prices: [{ interval: MONTH, amount: 5, currency: "eur" }]',
        'currency',
      ],
    ]) {
      const res = await t.graphql(`mutation { createPlan(input: { ${input} }) { __typename } }`, {
        token: admin.token,
      });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await t.db.prisma.plan.count({ where: { id: 'x' } })).toBe(0);
    for (const claims of [{ sub: 'ada' }, { sub: 'drive', roles: ['service'] as const }]) {
      const res = await t.graphql(`mutation { archivePlan(id: "pro") { __typename } }`, {
        token: await t.token({ ...claims, roles: [...(claims.roles ?? [])] }),
      });
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('sets a new price as a new provider price; the subscriber keeps the price it bought', async () => {
    const carol = { token: await t.token({ sub: 'carol' }) };
    await h.savePaymentMethod(carol, 'pm_card_visa');
    expect(await h.subscribe(carol, 'team')).toMatchObject({ __typename: 'Subscribed' });
    const old = await t.db.prisma.planPrice.findFirstOrThrow({ where: { planId: 'team', interval: 'MONTH' } });

    const { setPlanPrice } = await h.mutate(
      admin,
      `mutation { setPlanPrice(planId: "team", price: { interval: MONTH, amount: 5400, currency: "EUR" }) {
        __typename ... on PlanPriceSet { plan { monthlyPrice { amount } } price { id price { amount } } previousPrice { id price { amount } } subscribersOnPreviousPrice } } }`,
    );
    expect(setPlanPrice).toMatchObject({
      __typename: 'PlanPriceSet',
      plan: { monthlyPrice: { amount: 5400 } },
      price: { price: { amount: 5400 } },
      previousPrice: { id: old.id, price: { amount: 4800 } },
      subscribersOnPreviousPrice: 1,
    });
    const created = await t.db.prisma.planPrice.findUniqueOrThrow({ where: { id: setPlanPrice.price.id } });
    expect(created.providerPriceId).not.toBe(old.providerPriceId);
    expect(await h.stripe.prices.retrieve(created.providerPriceId!)).toMatchObject({
      unit_amount: 5400,
      product: (await productOf('team'))!.id,
    });

    const profile = await profileOf('carol');
    expect(profile.subscription).toMatchObject({ status: 'ACTIVE', price: { amount: 4800, currency: 'EUR' } });
    const providerSubscription = (
      await h.stripe.subscriptions.list({ customer: await h.providerCustomerId({ userId: 'carol' }) })
    ).data[0]!;
    expect(providerSubscription.items.data[0]!.price.id).toBe(old.providerPriceId);

    const again = await h.mutate(
      admin,
      `mutation { setPlanPrice(planId: "team", price: { interval: MONTH, amount: 5400, currency: "EUR" }) { ... on PlanPriceSet { price { id } } } }`,
    );
    expect(again.setPlanPrice.price.id).toBe(setPlanPrice.price.id);
  });

  it('keeps exactly one active price per interval and currency when two admins set one at once', async () => {
    const set = (amount: number) =>
      h.mutate(
        admin,
        `mutation { setPlanPrice(planId: "team", price: { interval: YEAR, amount: ${amount}, currency: "EUR" }) { __typename ... on BillingError { code } } }`,
      );
    const results = await Promise.all([set(50000), set(52000)]);
    expect(results.map((r) => r.setPlanPrice.__typename)).toContain('PlanPriceSet');
    for (const r of results) expect(['PlanPriceSet', 'CatalogChangeRefused']).toContain(r.setPlanPrice.__typename);
    for (const r of results.filter((x) => x.setPlanPrice.__typename === 'CatalogChangeRefused'))
      expect(r.setPlanPrice.code).toBe('CONFLICT');
    expect(
      await t.db.prisma.planPrice.count({ where: { planId: 'team', interval: 'YEAR', currency: 'EUR', active: true } }),
    ).toBe(1);
  });

  it('changes limits, and the entitlements of the customers on the plan follow at once; a rename reaches the product', async () => {
    const { updatePlan } = await h.mutate(
      admin,
      `mutation { updatePlan(id: "team", input: { name: "Team XL", driveStorage: "3000000000000" }) { ${RESULT} } }`,
    );
    expect(updatePlan.plan).toMatchObject({ name: 'Team XL', driveStorage: '3000000000000', parallelDownloads: 48 });
    const profile = await profileOf('carol');
    expect(profile.entitlements).toMatchObject({
      driveStorage: '3000000000000',
      parallelDownloads: 48,
      basis: 'SUBSCRIPTION',
    });
    expect(await productOf('team')).toMatchObject({ name: 'Team XL' });
    const unknown = await t.graphql(`mutation { updatePlan(id: "nope", input: { name: "N" }) { __typename } }`, {
      token: admin.token,
    });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('archives a plan: off sale, its product archived, existing subscriptions continue; never the free plan', async () => {
    const { archivePlan } = await h.mutate(admin, `mutation { archivePlan(id: "team") { ${RESULT} } }`);
    expect(archivePlan.__typename).toBe('PlanSaved');
    const { plans } = await h.mutate(admin, '{ plans { id } }');
    expect(plans.map((p: { id: string }) => p.id)).not.toContain('team');
    expect(await productOf('team')).toMatchObject({ active: false });
    expect((await h.mutate(admin, '{ plan(id: "team") { onSale } }')).plan).toEqual({ onSale: false });
    const carol = await profileOf('carol');
    expect(carol).toMatchObject({ plan: { id: 'team' }, subscription: { status: 'ACTIVE' } });

    const dave = { token: await t.token({ sub: 'dave' }) };
    await h.savePaymentMethod(dave, 'pm_card_visa');
    const refused = await t.graphql(`mutation { subscribe(planId: "team", interval: MONTH) { __typename } }`, {
      token: dave.token,
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const price = await h.mutate(
      admin,
      `mutation { setPlanPrice(planId: "team", price: { interval: MONTH, amount: 1, currency: "EUR" }) { ... on BillingError { code } } }`,
    );
    expect(price.setPlanPrice.code).toBe('PLAN_ARCHIVED');
    const free = await h.mutate(admin, `mutation { archivePlan(id: "free") { ... on BillingError { code } } }`);
    expect(free.archivePlan.code).toBe('DEFAULT_PLAN');
  });

  it('leaves each change in the audit log', async () => {
    const { auditLog } = await h.mutate(
      admin,
      '{ auditLog(first: 100) { edges { node { operation outcome actorSub targetOwner { __typename } } } } }',
    );
    const catalogOps = auditLog.edges
      .map((e: any) => e.node)
      .filter((n: any) => /Plan/.test(n.operation) && n.actorSub === 'alice-admin');
    expect(catalogOps.map((n: any) => `${n.operation}:${n.outcome}`)).toEqual(
      expect.arrayContaining([
        'createPlan:OK',
        'createPlan:PLAN_EXISTS',
        'createPlan:BAD_USER_INPUT',
        'setPlanPrice:OK',
        'updatePlan:OK',
        'updatePlan:NOT_FOUND',
        'archivePlan:OK',
        'archivePlan:DEFAULT_PLAN',
        'setPlanPrice:PLAN_ARCHIVED',
      ]),
    );
    expect(catalogOps.every((n: any) => n.targetOwner === null)).toBe(true);
  });
});
