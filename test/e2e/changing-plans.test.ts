import { BillingHarness, type Actor } from '../support/billing-harness';
import { eventually } from '../support/eventually';
import { startTestApp, type TestApp } from '../support/test-app';
import { describeEachDatabase } from '../support/test-database';

const CHANGE = `mutation($planId: ID!, $interval: BillingInterval!, $v: Int!, $groupId: ID) {
  changePlan(planId: $planId, interval: $interval, expectedVersion: $v, groupId: $groupId) {
    __typename
    ... on PlanChanged { subscription { version plan { id } } }
    ... on VersionConflict { code currentVersion }
    ... on DowngradeRefused { code usedStorage newLimit }
    ... on PaymentFailed { declineCode }
  } }`;

describeEachDatabase('changing, cancelling and resuming a subscription (%s)', (kind) => {
  let t: TestApp;
  let h: BillingHarness;
  let service: string;

  beforeAll(async () => {
    t = await startTestApp(kind);
    h = new BillingHarness(t);
    service = await t.token({ sub: 'drive', roles: ['service'] });
  });
  afterAll(() => t.close());

  async function subscribed(sub: string, planId = 'lite'): Promise<Actor & { version: number }> {
    const actor = { token: await t.token({ sub }) };
    await h.savePaymentMethod(actor, 'pm_card_visa');
    const result = await h.subscribe(actor, planId);
    expect(result.__typename).toBe('Subscribed');
    return { ...actor, version: result.subscription.version };
  }

  it('previews an upgrade: the prorated amount due now, with its lines', async () => {
    const ann = await subscribed('ann');
    const res = await t.graphql<any>(
      `{ previewPlanChange(planId: "pro", interval: MONTH) {
      amountDue { amount currency } subtotal { amount } tax { amount } total { amount } prorationLines { description amount { amount } proration } } }`,
      { token: ann.token },
    );
    expect(res.errors).toBeUndefined();
    const preview = res.data.previewPlanChange;
    // Just after subscribing, almost a whole month of the difference (up to €8.00), plus French VAT.
    expect(preview.amountDue.currency).toBe('EUR');
    expect(preview.subtotal.amount).toBeGreaterThan(700);
    expect(preview.subtotal.amount).toBeLessThanOrEqual(800);
    // Tax is rounded per line (a credit and a charge line), so the sum may differ from 20 % of the net by a cent.
    expect(Math.abs(preview.tax.amount - preview.subtotal.amount * 0.2)).toBeLessThanOrEqual(1);
    expect(preview.amountDue.amount).toBe(preview.subtotal.amount + preview.tax.amount);
    expect(preview.prorationLines.filter((line: any) => line.proration)).toHaveLength(2);
    expect(await t.db.prisma.subscription.findFirstOrThrow({ where: { customer: { userId: 'ann' } } })).toMatchObject({
      planId: 'lite',
    });
  });

  it('upgrades at once with proration: the remaining time invoiced now, the unused time a credit note', async () => {
    const ben = await subscribed('ben');
    const { changePlan } = await h.mutate(ben, CHANGE, { planId: 'pro', interval: 'MONTH', v: ben.version });
    expect(changePlan).toMatchObject({ __typename: 'PlanChanged', subscription: { plan: { id: 'pro' } } });
    const profile = await h.profile(ben, '{ userId: "ben" }');
    expect(profile).toMatchObject({ plan: { id: 'pro' }, entitlements: { driveStorage: '400000000000' } });
    const documents = profile.invoices.edges.map((e: any) => e.node);
    const lite = documents.find((document: any) => document.lines.every((line: any) => !line.proration));
    const prorated = documents.find(
      (document: any) => document.kind === 'INVOICE' && document.lines.some((line: any) => line.proration),
    );
    expect(prorated).toMatchObject({ status: 'PAID' });
    expect(prorated.total.amount).toBeGreaterThan(0);
    expect(prorated.lines.every((line: any) => line.amount.amount > 0)).toBe(true);
    // The unused Lite time is a credit note correcting the Lite invoice, not a negative line of the upgrade's.
    const credit = documents.find((document: any) => document.kind === 'CREDIT_NOTE');
    expect(credit).toMatchObject({ correctsInvoiceNumber: lite.number });
    expect(credit.lines).toEqual([
      expect.objectContaining({ description: expect.stringMatching(/^Unused time/), proration: true }),
    ]);
  });

  it('refuses a downgrade below the storage in use', async () => {
    const cat = await subscribed('cat', 'pro');
    await t.graphql(`mutation { reportStorageUsage(owner: { userId: "cat" }, usedBytes: "150000000000") { id } }`, {
      token: service,
    });
    const { changePlan } = await h.mutate(cat, CHANGE, { planId: 'lite', interval: 'MONTH', v: cat.version });
    expect(changePlan).toEqual({
      __typename: 'DowngradeRefused',
      code: 'DOWNGRADE_REFUSED',
      usedStorage: '150000000000',
      newLimit: '100000000000',
    });
    expect((await h.profile(cat, '{ userId: "cat" }')).plan.id).toBe('pro');
  });

  it('lets one of two concurrent plan changes win; the other gets CONFLICT and nothing is lost', async () => {
    const dan = await subscribed('dan');
    const [first, second] = await Promise.all([
      t.graphql<any>(CHANGE, { token: dan.token, variables: { planId: 'pro', interval: 'MONTH', v: dan.version } }),
      t.graphql<any>(CHANGE, { token: dan.token, variables: { planId: 'ultra', interval: 'MONTH', v: dan.version } }),
    ]);
    const outcomes = [first.data.changePlan, second.data.changePlan];
    const winner = outcomes.find((o) => o.__typename === 'PlanChanged');
    const loser = outcomes.find((o) => o.__typename === 'VersionConflict');
    expect(winner).toBeDefined();
    expect(loser).toMatchObject({ code: 'CONFLICT', currentVersion: expect.any(Number) });
    const profile = await h.profile(dan, '{ userId: "dan" }');
    expect(profile.plan.id).toBe(winner.subscription.plan.id);
    const customer = await h.providerCustomerId({ userId: 'dan' });
    const [providerSubscription] = (await h.stripe.subscriptions.list({ customer })).data;
    const winnerPrice = await t.db.prisma.planPrice.findFirstOrThrow({
      where: { planId: winner.subscription.plan.id, interval: 'MONTH' },
    });
    expect(providerSubscription!.items.data[0]!.price.id).toBe(winnerPrice.providerPriceId);
    expect(profile.subscription.version).toBeGreaterThan(dan.version);
  });

  it('cancels at the end of the period and resumes, at the provider too', async () => {
    const eve = await subscribed('eve');
    const CANCEL = `mutation($v: Int!) { cancelSubscription(expectedVersion: $v) { __typename ... on SubscriptionUpdated { subscription { cancelAtPeriodEnd status version } } } }`;
    const { cancelSubscription } = await h.mutate(eve, CANCEL, { v: eve.version });
    expect(cancelSubscription).toMatchObject({
      __typename: 'SubscriptionUpdated',
      subscription: { cancelAtPeriodEnd: true, status: 'ACTIVE' },
    });
    const customer = await h.providerCustomerId({ userId: 'eve' });
    expect((await h.stripe.subscriptions.list({ customer })).data[0]!.cancel_at_period_end).toBe(true);

    const stale = await h.mutate(eve, `mutation($v: Int!) { resumeSubscription(expectedVersion: $v) { __typename } }`, {
      v: eve.version,
    });
    expect(stale.resumeSubscription.__typename).toBe('VersionConflict');
    const { resumeSubscription } = await h.mutate(
      eve,
      `mutation($v: Int!) { resumeSubscription(expectedVersion: $v) { ... on SubscriptionUpdated { subscription { cancelAtPeriodEnd } } } }`,
      {
        v: cancelSubscription.subscription.version,
      },
    );
    expect(resumeSubscription.subscription.cancelAtPeriodEnd).toBe(false);
    expect((await h.stripe.subscriptions.list({ customer })).data[0]!.cancel_at_period_end).toBe(false);
  });

  it('shows a cancellation date set at the provider (as the Dashboard does), and resume undoes it there too', async () => {
    const gil = await subscribed('gil');
    const customer = await h.providerCustomerId({ userId: 'gil' });
    const [providerSubscription] = (await h.stripe.subscriptions.list({ customer })).data;
    const cancelAt = Math.floor(providerSubscription!.items.data[0]!.current_period_end - 86_400);
    await h.stripe.subscriptions.update(providerSubscription!.id, { cancel_at: cancelAt });

    const QUERY = `{ billingProfile(owner: { userId: "gil" }) { subscription { cancelAt cancelAtPeriodEnd version } } }`;
    const shown = await eventually(
      async () => (await t.graphql<any>(QUERY, { token: gil.token })).data?.billingProfile.subscription,
      (subscription) => subscription?.cancelAt != null,
    );
    expect(shown).toMatchObject({ cancelAt: new Date(cancelAt * 1000).toISOString(), cancelAtPeriodEnd: false });

    const { resumeSubscription } = await h.mutate(
      gil,
      `mutation($v: Int!) { resumeSubscription(expectedVersion: $v) { __typename ... on SubscriptionUpdated { subscription { cancelAt cancelAtPeriodEnd } } } }`,
      { v: shown.version },
    );
    expect(resumeSubscription).toEqual({
      __typename: 'SubscriptionUpdated',
      subscription: { cancelAt: null, cancelAtPeriodEnd: false },
    });
    expect((await h.stripe.subscriptions.retrieve(providerSubscription!.id)).cancel_at).toBeNull();
  });

  it('cancels now when asked: the free plan applies at once', async () => {
    const fin = await subscribed('fin');
    const { cancelSubscription } = await h.mutate(
      fin,
      `mutation($v: Int!) { cancelSubscription(atPeriodEnd: false, expectedVersion: $v) { ... on SubscriptionUpdated { subscription { status } } } }`,
      { v: fin.version },
    );
    expect(cancelSubscription.subscription.status).toBe('CANCELED');
    expect(await h.profile(fin, '{ userId: "fin" }')).toMatchObject({
      subscription: null,
      plan: { id: 'free' },
      entitlements: { basis: 'FREE_PLAN' },
    });
  });

  it('changes the default payment method at the provider: customer and subscription', async () => {
    const gus = await subscribed('gus');
    const second = await h.savePaymentMethod(gus, 'pm_card_mastercard');
    expect(second.paymentMethod.isDefault).toBe(false);
    const { setDefaultPaymentMethod } = await h.mutate(
      gus,
      `mutation($id: ID!) { setDefaultPaymentMethod(paymentMethodId: $id) { id isDefault } }`,
      { id: second.paymentMethod.id },
    );
    expect(setDefaultPaymentMethod.isDefault).toBe(true);
    const customerId = await h.providerCustomerId({ userId: 'gus' });
    const row = await t.db.prisma.paymentMethod.findUniqueOrThrow({ where: { id: second.paymentMethod.id } });
    const customer = (await h.stripe.customers.retrieve(customerId)) as any;
    expect(customer.invoice_settings.default_payment_method).toBe(row.providerPaymentMethodId);
    const [subscription] = (await h.stripe.subscriptions.list({ customer: customerId })).data;
    expect(subscription!.default_payment_method).toBe(row.providerPaymentMethodId);
    // A later re-read of the provider (webhook, reconciliation) keeps the choice.
    const admin = { token: await t.token({ sub: 'ops', roles: ['admin'] }) };
    await h.mutate(admin, `mutation { reconcileCustomer(owner: { userId: "gus" }) { id } }`);
    const methods = (await h.profile(gus, '{ userId: "gus" }')).paymentMethods;
    expect(methods.filter((m: any) => m.isDefault)).toEqual([expect.objectContaining({ id: second.paymentMethod.id })]);

    // A default changed at the provider (its Dashboard) is copied to us by the next re-read.
    const first = await t.db.prisma.paymentMethod.findFirstOrThrow({
      where: { customerId: row.customerId, isDefault: false },
    });
    await h.stripe.customers.update(customerId, {
      invoice_settings: { default_payment_method: first.providerPaymentMethodId },
    });
    await h.mutate(admin, `mutation { reconcileCustomer(owner: { userId: "gus" }) { id } }`);
    const after = (await h.profile(gus, '{ userId: "gus" }')).paymentMethods;
    expect(after.filter((m: any) => m.isDefault)).toEqual([expect.objectContaining({ id: first.id })]);
  });

  it('refuses to remove the last payment method of a paid subscription, and removes others', async () => {
    const hal = await subscribed('hal');
    const [only] = (await h.profile(hal, '{ userId: "hal" }')).paymentMethods;
    const REMOVE = `mutation($id: ID!) { removePaymentMethod(paymentMethodId: $id) { __typename ... on BillingError { code } } }`;
    expect((await h.mutate(hal, REMOVE, { id: only.id })).removePaymentMethod).toEqual({
      __typename: 'LastPaymentMethodRequired',
      code: 'LAST_PAYMENT_METHOD',
    });
    const extra = await h.savePaymentMethod(hal, 'pm_card_mastercard');
    expect((await h.mutate(hal, REMOVE, { id: only.id })).removePaymentMethod.__typename).toBe('PaymentMethodRemoved');
    expect((await h.profile(hal, '{ userId: "hal" }')).paymentMethods).toEqual([
      expect.objectContaining({ id: extra.paymentMethod.id, isDefault: true }),
    ]);
  });

  it('keeps one method when two removals race while a paid subscription is active', async () => {
    const ivy = await subscribed('ivy');
    await h.savePaymentMethod(ivy, 'pm_card_mastercard');
    const methods = (await h.profile(ivy, '{ userId: "ivy" }')).paymentMethods;
    expect(methods).toHaveLength(2);
    const REMOVE = `mutation($id: ID!) { removePaymentMethod(paymentMethodId: $id) { __typename } }`;
    const results = await Promise.all(methods.map((m: any) => h.mutate(ivy, REMOVE, { id: m.id })));
    expect(results.map((r: any) => r.removePaymentMethod.__typename).sort()).toEqual([
      'LastPaymentMethodRequired',
      'PaymentMethodRemoved',
    ]);
    expect((await h.profile(ivy, '{ userId: "ivy" }')).paymentMethods).toEqual([
      expect.objectContaining({ isDefault: true }),
    ]);
  });

  it("answers another user's payment method as NOT_FOUND", async () => {
    const [foreign] = (await h.profile({ token: await t.token({ sub: 'hal' }) }, '{ userId: "hal" }')).paymentMethods;
    const res = await t.graphql(`mutation($id: ID!) { setDefaultPaymentMethod(paymentMethodId: $id) { id } }`, {
      token: await t.token({ sub: 'mallory' }),
      variables: { id: foreign.id },
    });
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
