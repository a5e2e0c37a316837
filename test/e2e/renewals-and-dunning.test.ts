import { GRACE_EXPIRY_JOB } from '../../src/jobs/billing-jobs';
import { BillingHarness, type Actor } from '../support/billing-harness';
import { eventually } from '../support/eventually';
import { runScheduledJob } from '../support/scheduled-jobs';
import { describeEachDatabase } from '../support/test-database';
import { startTestApp, type TestApp } from '../support/test-app';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const SET_DEFAULT = `mutation($id: ID!) { setDefaultPaymentMethod(paymentMethodId: $id) { id isDefault } }`;
const PAY = `mutation($id: ID!, $pm: ID) { payInvoice(invoiceId: $id, paymentMethodId: $pm) {
  __typename ... on InvoicePaid { invoice { id status } } ... on PaymentFailed { declineCode } } }`;

describeEachDatabase('renewals and dunning, through webhooks (%s)', (kind) => {
  let t: TestApp;
  let h: BillingHarness;

  beforeAll(async () => {
    t = await startTestApp(kind);
    h = new BillingHarness(t);
    await h.watchEvents();
  });
  afterAll(() => t.close());

  /**
   * Saves a card, puts the provider customer on a test clock starting at the app's time, and subscribes to
   * `planId`. The app's clock then follows the provider's (`advance`).
   */
  async function subscribedOnClock(
    sub: string,
    planId: string,
  ): Promise<{ actor: Actor; owner: string; clock: string; periodEnd: Date }> {
    const actor = { token: await t.token({ sub }) };
    await h.savePaymentMethod(actor, 'pm_card_visa');
    const clock = await h.putOnTestClock(await h.providerCustomerId({ userId: sub }), t.clock.now());
    expect(await h.subscribe(actor, planId)).toMatchObject({
      __typename: 'Subscribed',
      subscription: { status: 'ACTIVE' },
    });
    const owner = `{ userId: "${sub}" }`;
    const { subscription } = await h.profile(actor, owner);
    return { actor, owner, clock, periodEnd: new Date(subscription.currentPeriodEnd) };
  }

  /** Time passes for both: ours first, so the webhooks the provider's advance raises are handled at that time. */
  async function advance(clock: string, to: Date): Promise<void> {
    t.clock.moveTo(to);
    await h.advance(clock, to);
  }

  it('renews at the period end: the renewal invoice is paid and the period moves, from webhooks alone', async () => {
    const { actor, owner, clock, periodEnd } = await subscribedOnClock('rena', 'lite');
    // The renewal invoice is drafted at the period end and charged an hour later.
    const renewedAt = new Date(periodEnd.getTime() + HOUR + 60_000);
    await advance(clock, renewedAt);

    const renewed = await eventually(
      () => h.profile(actor, owner),
      (p) =>
        new Date(p.subscription.currentPeriodEnd) > periodEnd &&
        p.invoices.edges.length === 2 &&
        p.invoices.edges.every((e: any) => e.node.status === 'PAID'),
    );
    expect(renewed).toMatchObject({
      unpaidInvoice: false,
      plan: { id: 'lite' },
      entitlements: { basis: 'SUBSCRIPTION' },
      subscription: { status: 'ACTIVE' },
    });

    const providerCustomer = await h.providerCustomerId({ userId: 'rena' });
    const [providerSubscription] = (await h.stripe.subscriptions.list({ customer: providerCustomer })).data;
    const item = providerSubscription!.items.data[0]!;
    expect(new Date(renewed.subscription.currentPeriodEnd).getTime()).toBe(item.current_period_end * 1000);
    const row = await t.db.prisma.subscription.findFirstOrThrow({ where: { customer: { userId: 'rena' } } });
    expect(row.currentPeriodStart.getTime()).toBe(periodEnd.getTime());
    const renewal = (await h.stripe.invoices.list({ customer: providerCustomer })).data.find(
      (invoice) => invoice.billing_reason === 'subscription_cycle',
    );
    // The price of a month of Lite (tax, if any, on top), paid in full.
    expect(renewal).toMatchObject({ status: 'paid', subtotal: 800, amount_paid: renewal!.total });
    const issued = await t.db.prisma.invoice.findUniqueOrThrow({ where: { providerInvoiceId: renewal!.id } });
    expect(issued).toMatchObject({ status: 'PAID', subtotal: 800, total: renewal!.total, amountPaid: renewal!.total });
    // Issued on our clock, which moved with the provider's: the renewal's day, not the day the test runs.
    expect(issued.issuedAt!.getTime()).toBeGreaterThanOrEqual(renewedAt.getTime());
    expect(issued.issuedAt!.getTime()).toBeLessThanOrEqual(t.clock.now().getTime());
    expect(renewed.invoices.edges[0].node).toMatchObject({
      id: expect.any(String),
      total: { amount: renewal!.total, currency: 'EUR' },
    });
  });

  it('follows failing renewals: past due with the flag, a grace period, then the free plan; paying restores the plan', async () => {
    const { actor, owner, clock, periodEnd } = await subscribedOnClock('dunn', 'pro');
    // Before the renewal the customer makes a card whose every charge fails their default.
    const failing = await h.savePaymentMethod(actor, 'pm_card_chargeCustomerFail');
    await h.mutate(actor, SET_DEFAULT, { id: failing.paymentMethod.id });
    const firstFailure = new Date(periodEnd.getTime() + HOUR);
    const learnt = new Date(firstFailure.getTime() + 60_000);
    await advance(clock, learnt);

    const pastDue = await eventually(
      () => h.profile(actor, owner),
      (p) => p.subscription.status === 'PAST_DUE' && p.unpaidInvoice === true,
    );
    expect(pastDue).toMatchObject({
      plan: { id: 'pro' },
      entitlements: { driveStorage: '400000000000', basis: 'GRACE_PERIOD' },
    });
    // The grace period runs on our clock, 14 days (the default) from when we learnt of the first failure.
    const { pastDueSince } = await t.db.prisma.subscription.findFirstOrThrow({
      where: { customer: { userId: 'dunn' } },
    });
    expect(pastDueSince!.getTime()).toBeGreaterThanOrEqual(learnt.getTime());
    expect(pastDueSince!.getTime()).toBeLessThanOrEqual(t.clock.now().getTime());
    const graceEndsAt = new Date(pastDue.entitlements.graceEndsAt);
    expect(graceEndsAt.getTime()).toBe(pastDueSince!.getTime() + 14 * DAY);

    // The provider retries as Stripe's default Smart Retries do (1, 3, 5, 7, 9 and 11 days after the first
    // failure, the last try on day 14); each retry fails too. The run of failures started once: the grace
    // period does not restart with each retry.
    await advance(clock, new Date(firstFailure.getTime() + 12 * DAY));
    await h.settled();
    const providerCustomer = await h.providerCustomerId({ userId: 'dunn' });
    const [open] = (await h.stripe.invoices.list({ customer: providerCustomer, status: 'open' })).data;
    expect(open).toMatchObject({ billing_reason: 'subscription_cycle', attempt_count: 7 });
    const retried = await h.profile(actor, owner);
    expect(retried).toMatchObject({
      subscription: { status: 'PAST_DUE' },
      unpaidInvoice: true,
      entitlements: { basis: 'GRACE_PERIOD', graceEndsAt: graceEndsAt.toISOString() },
    });

    // The grace period ends on our clock alone (the provider's last retry, on day 14, is still to come):
    // one minute before its end the app's expiry job leaves the plan, one minute after it the plan lapses.
    t.clock.moveTo(new Date(graceEndsAt.getTime() - 60_000));
    await runScheduledJob(t, GRACE_EXPIRY_JOB);
    expect(await h.profile(actor, owner)).toMatchObject({
      plan: { id: 'pro' },
      entitlements: { basis: 'GRACE_PERIOD' },
    });
    t.clock.moveTo(new Date(graceEndsAt.getTime() + 60_000));
    await runScheduledJob(t, GRACE_EXPIRY_JOB);
    const lapsed = await h.profile(actor, owner);
    expect(lapsed).toMatchObject({
      plan: { id: 'free' },
      entitlements: { driveStorage: '100000000', basis: 'PAYMENT_LAPSED', graceEndsAt: null },
      subscription: { status: 'PAST_DUE' },
      unpaidInvoice: true,
    });

    // The customer adds a card that works and pays the open invoice with it.
    const working = await h.savePaymentMethod(actor, 'pm_card_mastercard');
    const invoice = lapsed.invoices.edges.map((e: any) => e.node).find((node: any) => node.status === 'OPEN');
    const { payInvoice } = await h.mutate(actor, PAY, { id: invoice.id, pm: working.paymentMethod.id });
    expect(payInvoice).toMatchObject({ __typename: 'InvoicePaid', invoice: { id: invoice.id, status: 'PAID' } });
    expect(await h.profile(actor, owner)).toMatchObject({
      subscription: { status: 'ACTIVE' },
      unpaidInvoice: false,
      plan: { id: 'pro' },
      entitlements: { driveStorage: '400000000000', basis: 'SUBSCRIPTION', graceEndsAt: null },
    });
    expect((await h.stripe.subscriptions.list({ customer: providerCustomer })).data[0]).toMatchObject({
      status: 'active',
    });

    // The webhooks of the payment, processed after the mutation's own sync, agree.
    await h.settled();
    expect(await h.profile(actor, owner)).toMatchObject({
      subscription: { status: 'ACTIVE' },
      unpaidInvoice: false,
      entitlements: { basis: 'SUBSCRIPTION' },
    });
    expect(await t.db.prisma.subscription.findFirstOrThrow({ where: { customer: { userId: 'dunn' } } })).toMatchObject({
      pastDueSince: null,
    });
  });
});
