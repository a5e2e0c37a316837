import { RECONCILIATION_JOB } from '../../src/jobs/billing-jobs';
import { BillingHarness, type Actor } from '../support/billing-harness';
import { runScheduledJob } from '../support/scheduled-jobs';
import { describeEachDatabase } from '../support/test-database';
import { startTestApp, type TestApp } from '../support/test-app';

const HOUR = 3_600_000;

const RECONCILE = `mutation($owner: BillingOwnerInput!) { reconcileCustomer(owner: $owner) {
  unpaidInvoice plan { id } entitlements { basis graceEndsAt } subscription { status }
  paymentMethods { brand isDefault } invoices(first: 20) { edges { node { status } } } } }`;
const SET_DEFAULT = `mutation($id: ID!) { setDefaultPaymentMethod(paymentMethodId: $id) { id isDefault } }`;

describeEachDatabase('a lost webhook, repaired by reconciliation (%s)', (kind) => {
  let t: TestApp;
  let h: BillingHarness;

  beforeAll(async () => {
    // One delivery attempt: a refused webhook is never sent again, as after Stripe's three days of retries.
    t = await startTestApp(kind, {}, { stripeEmulator: { webhookRetry: { maxAttempts: 1 } } });
    h = new BillingHarness(t);
    await h.watchEvents();
  });
  afterEach(() => t.refuseWebhooks(false));
  afterAll(() => t.close());

  async function subscribedOnClock(
    sub: string,
  ): Promise<{ actor: Actor; customer: string; clock: string; periodEnd: Date }> {
    const actor = { token: await t.token({ sub }) };
    await h.savePaymentMethod(actor, 'pm_card_visa');
    const customer = await h.providerCustomerId({ userId: sub });
    const clock = await h.putOnTestClock(customer, new Date());
    expect(await h.subscribe(actor, 'lite')).toMatchObject({ __typename: 'Subscribed' });
    const [subscription] = (await h.stripe.subscriptions.list({ customer })).data;
    await h.settled();
    return { actor, customer, clock, periodEnd: new Date(subscription!.items.data[0]!.current_period_end * 1000) };
  }

  /** Waits until the webhooks of what just happened were refused, and none reached the inbox. */
  async function lostWhileRefusing(change: () => Promise<void>): Promise<void> {
    const stored = await t.db.prisma.providerEvent.count();
    t.refuseWebhooks(true);
    await change();
    await h.settled();
    t.refuseWebhooks(false);
    expect(await t.db.prisma.providerEvent.count()).toBe(stored);
    const refused = (await h.webhookDeliveries()).filter((d) => d.status === 503);
    expect(refused.length).toBeGreaterThan(0);
  }

  it('repairs a renewal and a Dashboard cancellation in the scheduled sweep', async () => {
    const { actor, customer, clock, periodEnd } = await subscribedOnClock('lost');
    await lostWhileRefusing(async () => {
      await h.advance(clock, new Date(periodEnd.getTime() + HOUR + 60_000));
      const [subscription] = (await h.stripe.subscriptions.list({ customer })).data;
      await h.stripe.subscriptions.cancel(subscription!.id);
    });
    const stale = await h.profile(actor, '{ userId: "lost" }');
    expect(stale).toMatchObject({ subscription: { status: 'ACTIVE' }, plan: { id: 'lite' } });
    expect(stale.invoices.edges).toHaveLength(1);

    await runScheduledJob(t, RECONCILIATION_JOB);

    const repaired = await h.profile(actor, '{ userId: "lost" }');
    expect(repaired).toMatchObject({
      subscription: null,
      plan: { id: 'free' },
      entitlements: { basis: 'FREE_PLAN' },
      unpaidInvoice: false,
    });
    expect(repaired.invoices.edges.map((e: any) => e.node.status)).toEqual(['PAID', 'PAID']);
    const [providerSubscription] = (await h.stripe.subscriptions.list({ customer, status: 'all' })).data;
    expect(
      await t.db.prisma.subscription.findUniqueOrThrow({ where: { providerSubscriptionId: providerSubscription!.id } }),
    ).toMatchObject({
      status: 'CANCELED',
      currentPeriodEnd: new Date(providerSubscription!.items.data[0]!.current_period_end * 1000),
    });
  });

  it("repairs a missed payment failure on an admin's request: past due, the flag, the grace period", async () => {
    const { actor, customer, clock, periodEnd } = await subscribedOnClock('miss');
    await lostWhileRefusing(async () => {
      // An agent adds a card whose charges fail and makes it the default in the Dashboard; the renewal fails.
      const failing = await h.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer });
      await h.stripe.customers.update(customer, { invoice_settings: { default_payment_method: failing.id } });
      const [subscription] = (await h.stripe.subscriptions.list({ customer })).data;
      await h.stripe.subscriptions.update(subscription!.id, { default_payment_method: failing.id });
      await h.advance(clock, new Date(periodEnd.getTime() + HOUR + 60_000));
    });
    expect(await h.profile(actor, '{ userId: "miss" }')).toMatchObject({
      subscription: { status: 'ACTIVE' },
      unpaidInvoice: false,
    });

    const owner = { userId: 'miss' };
    const denied = await t.graphql(RECONCILE, { token: actor.token, variables: { owner } });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const admin = { token: await t.token({ sub: 'ops', roles: ['admin'] }) };
    const { reconcileCustomer } = await h.mutate(admin, RECONCILE, { owner });
    expect(reconcileCustomer).toMatchObject({
      subscription: { status: 'PAST_DUE' },
      unpaidInvoice: true,
      plan: { id: 'lite' },
      entitlements: { basis: 'GRACE_PERIOD', graceEndsAt: expect.any(String) },
    });
    expect(reconcileCustomer.invoices.edges.map((e: any) => e.node.status).sort()).toEqual(['OPEN', 'PAID']);
    expect(reconcileCustomer.paymentMethods.map((m: any) => m.brand).sort()).toEqual(['visa', 'visa']);
  });

  it('activates a subscription authenticated with 3-D Secure in the browser only through its webhook, or the sweep', async () => {
    const actor = { token: await t.token({ sub: 'tds' }) };
    const setup = await h.savePaymentMethod(actor, 'pm_card_authenticationRequired');
    await h.authenticate(setup.clientSecret);
    const { completePaymentMethodSetup } = await h.mutate(
      actor,
      `mutation($id: ID!) { completePaymentMethodSetup(setupIntentId: $id) { __typename } }`,
      {
        id: setup.clientSecret.split('_secret_')[0],
      },
    );
    expect(completePaymentMethodSetup.__typename).toBe('PaymentMethodSaved');
    const pending = await h.subscribe(actor, 'lite');
    expect(pending).toMatchObject({
      __typename: 'PaymentRequiresAction',
      pendingSubscription: { status: 'INCOMPLETE' },
    });
    await h.settled();

    // The browser's answer to the bank goes to the provider; we learn of it from the webhook alone.
    await lostWhileRefusing(() => h.authenticate(pending.clientSecret));
    expect(await h.profile(actor, '{ userId: "tds" }')).toMatchObject({
      subscription: { status: 'INCOMPLETE' },
      entitlements: { basis: 'FREE_PLAN' },
    });
    await runScheduledJob(t, RECONCILIATION_JOB);
    expect(await h.profile(actor, '{ userId: "tds" }')).toMatchObject({
      subscription: { status: 'ACTIVE' },
      plan: { id: 'lite' },
      entitlements: { basis: 'SUBSCRIPTION' },
    });
  });

  it('keeps the default payment method the customer chose when it re-reads the methods', async () => {
    const actor = { token: await t.token({ sub: 'dflt' }) };
    await h.savePaymentMethod(actor, 'pm_card_visa');
    const chosen = await h.savePaymentMethod(actor, 'pm_card_mastercard');
    await h.settled();
    await h.mutate(actor, SET_DEFAULT, { id: chosen.paymentMethod.id });
    const chosenRow = await t.db.prisma.paymentMethod.findUniqueOrThrow({ where: { id: chosen.paymentMethod.id } });
    const providerCustomer = (await h.stripe.customers.retrieve(await h.providerCustomerId({ userId: 'dflt' }))) as {
      invoice_settings: { default_payment_method: string };
    };
    expect(providerCustomer.invoice_settings.default_payment_method).toBe(chosenRow.providerPaymentMethodId);

    // Nothing was lost here: re-reading the provider (as the sweep, or any payment method webhook, does) must not move the default.
    const admin = { token: await t.token({ sub: 'ops', roles: ['admin'] }) };
    const { reconcileCustomer } = await h.mutate(admin, RECONCILE, { owner: { userId: 'dflt' } });
    expect(reconcileCustomer.paymentMethods.filter((m: any) => m.isDefault).map((m: any) => m.brand)).toEqual([
      'mastercard',
    ]);
  });
});
