import { InvoiceRepository } from '../../src/billing/invoices/invoice-repository';
import { PaymentStateService } from '../../src/billing/sync/payment-state-service';
import { SubscriptionRepository } from '../../src/billing/subscriptions/subscription-repository';
import { BillingHarness, type Actor } from '../support/billing-harness';
import { eventually } from '../support/eventually';
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

  /** Saves a card, puts the provider customer on a test clock starting now, and subscribes to `planId`. */
  async function subscribedOnClock(sub: string, planId: string): Promise<{ actor: Actor; owner: string; clock: string; periodEnd: Date }> {
    const actor = { token: await t.token({ sub }) };
    await h.savePaymentMethod(actor, 'pm_card_visa');
    const clock = await h.putOnTestClock(await h.providerCustomerId({ userId: sub }), new Date());
    expect(await h.subscribe(actor, planId)).toMatchObject({ __typename: 'Subscribed', subscription: { status: 'ACTIVE' } });
    const owner = `{ userId: "${sub}" }`;
    const { subscription } = await h.profile(actor, owner);
    return { actor, owner, clock, periodEnd: new Date(subscription.currentPeriodEnd) };
  }

  it('renews at the period end: the renewal invoice is paid and the period moves, from webhooks alone', async () => {
    const { actor, owner, clock, periodEnd } = await subscribedOnClock('rena', 'lite');
    // The renewal invoice is drafted at the period end and charged an hour later.
    await h.advance(clock, new Date(periodEnd.getTime() + HOUR + 60_000));

    const renewed = await eventually(
      () => h.profile(actor, owner),
      (p) => new Date(p.subscription.currentPeriodEnd) > periodEnd && p.invoices.edges.length === 2 && p.invoices.edges.every((e: any) => e.node.status === 'PAID'),
    );
    expect(renewed).toMatchObject({ unpaidInvoice: false, plan: { id: 'lite' }, entitlements: { basis: 'SUBSCRIPTION' }, subscription: { status: 'ACTIVE' } });

    const providerCustomer = await h.providerCustomerId({ userId: 'rena' });
    const [providerSubscription] = (await h.stripe.subscriptions.list({ customer: providerCustomer })).data;
    const item = providerSubscription!.items.data[0]!;
    expect(new Date(renewed.subscription.currentPeriodEnd).getTime()).toBe(item.current_period_end * 1000);
    const row = await t.db.prisma.subscription.findFirstOrThrow({ where: { customer: { userId: 'rena' } } });
    expect(row.currentPeriodStart.getTime()).toBe(periodEnd.getTime());
    const renewal = (await h.stripe.invoices.list({ customer: providerCustomer })).data.find((invoice) => invoice.billing_reason === 'subscription_cycle');
    // The price of a month of Lite (tax, if any, on top), paid in full.
    expect(renewal).toMatchObject({ status: 'paid', subtotal: 800, amount_paid: renewal!.total });
    expect(await t.db.prisma.invoice.findUniqueOrThrow({ where: { providerInvoiceId: renewal!.id } })).toMatchObject({
      status: 'PAID',
      subtotal: 800,
      total: renewal!.total,
      amountPaid: renewal!.total,
    });
    expect(renewed.invoices.edges[0].node).toMatchObject({ id: expect.any(String), total: { amount: renewal!.total, currency: 'EUR' } });
  });

  it('follows failing renewals: past due with the flag, a grace period, then the free plan; paying restores the plan', async () => {
    const { actor, owner, clock, periodEnd } = await subscribedOnClock('dunn', 'pro');
    // Before the renewal the customer makes a card whose every charge fails their default.
    const failing = await h.savePaymentMethod(actor, 'pm_card_chargeCustomerFail');
    await h.mutate(actor, SET_DEFAULT, { id: failing.paymentMethod.id });
    const firstFailure = new Date(periodEnd.getTime() + HOUR);
    await h.advance(clock, new Date(firstFailure.getTime() + 60_000));

    const pastDue = await eventually(() => h.profile(actor, owner), (p) => p.subscription.status === 'PAST_DUE' && p.unpaidInvoice === true);
    expect(pastDue).toMatchObject({ plan: { id: 'pro' }, entitlements: { driveStorage: '400000000000', basis: 'GRACE_PERIOD' } });
    // The grace period runs on our clock, 14 days (the default) from when we learnt of the first failure.
    const graceEndsAt = new Date(pastDue.entitlements.graceEndsAt);
    expect(graceEndsAt.getTime()).toBeGreaterThan(Date.now() + 14 * DAY - 5 * 60_000);
    expect(graceEndsAt.getTime()).toBeLessThanOrEqual(Date.now() + 14 * DAY);

    // The provider retries as Stripe's default Smart Retries do (1, 3, 5, 7, 9 and 11 days after the first
    // failure, the last try on day 14); each retry fails too. The run of failures started once: the grace
    // period does not restart with each retry.
    await h.advance(clock, new Date(firstFailure.getTime() + 12 * DAY));
    await h.settled();
    const providerCustomer = await h.providerCustomerId({ userId: 'dunn' });
    const [open] = (await h.stripe.invoices.list({ customer: providerCustomer, status: 'open' })).data;
    expect(open).toMatchObject({ billing_reason: 'subscription_cycle', attempt_count: 7 });
    const retried = await h.profile(actor, owner);
    expect(retried).toMatchObject({ subscription: { status: 'PAST_DUE' }, unpaidInvoice: true, entitlements: { basis: 'GRACE_PERIOD', graceEndsAt: graceEndsAt.toISOString() } });

    // Grace expiry compares the stored graceEndsAt with our real clock, which the provider's test clock
    // does not move. So the real sweep (what the expire-grace-periods job runs) is run here with only its
    // clock 15 days ahead, on the app's own rows: nothing in the database is rewritten by hand. (The sweep
    // runs after `settled()`: a webhook processed later would re-derive the state with today's clock.)
    const fifteenDaysOn = new PaymentStateService(
      t.app.domain.customers,
      new SubscriptionRepository(t.db.prisma),
      new InvoiceRepository(t.db.prisma),
      t.app.domain.services.plans,
      t.config.gracePeriodDays,
      () => new Date(Date.now() + 15 * DAY),
    );
    expect(await fifteenDaysOn.expireGracePeriods()).toBe(1);
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
    expect((await h.stripe.subscriptions.list({ customer: providerCustomer })).data[0]).toMatchObject({ status: 'active' });

    // The webhooks of the payment, processed after the mutation's own sync, agree.
    await h.settled();
    expect(await h.profile(actor, owner)).toMatchObject({ subscription: { status: 'ACTIVE' }, unpaidInvoice: false, entitlements: { basis: 'SUBSCRIPTION' } });
    expect(await t.db.prisma.subscription.findFirstOrThrow({ where: { customer: { userId: 'dunn' } } })).toMatchObject({ pastDueSince: null });
  });
});
