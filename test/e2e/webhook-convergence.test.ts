import type Stripe from 'stripe';
import { BillingHarness, type Actor } from '../support/billing-harness';
import { eventually } from '../support/eventually';
import { describeEachDatabase } from '../support/test-database';
import { startTestApp, type TestApp } from '../support/test-app';

const HOUR = 3_600_000;

const CHANGE = `mutation($planId: ID!, $v: Int!) { changePlan(planId: $planId, interval: MONTH, expectedVersion: $v) {
  __typename ... on PlanChanged { subscription { version } } } }`;
const CANCEL = `mutation($v: Int!) { cancelSubscription(expectedVersion: $v) { __typename ... on SubscriptionUpdated { subscription { version } } } }`;
const RESUME = `mutation($v: Int!) { resumeSubscription(expectedVersion: $v) { __typename ... on SubscriptionUpdated { subscription { version } } } }`;
const PAY = `mutation($id: ID!) { payInvoice(invoiceId: $id) { __typename } }`;
const SET_DEFAULT = `mutation($id: ID!) { setDefaultPaymentMethod(paymentMethodId: $id) { id isDefault } }`;

describeEachDatabase('webhooks delivered shuffled, late and twice (%s)', (kind) => {
  let t: TestApp;
  let h: BillingHarness;

  beforeAll(async () => {
    // Every request's events are shuffled, a third of them delivered twice, each up to 300 ms late.
    t = await startTestApp(
      kind,
      {},
      { stripeEmulator: { chaos: { seed: 7, duplicateRate: 0.35, maxDelayMs: 300, shuffle: true } } },
    );
    h = new BillingHarness(t);
    await h.watchEvents();
  });
  afterAll(() => t.close());

  /** A customer's lifecycle, half through our mutations, half behind our back (the Dashboard, the clock). */
  async function flurry(sub: string): Promise<void> {
    const actor: Actor = { token: await t.token({ sub }) };
    await h.savePaymentMethod(actor, 'pm_card_visa');
    const customer = await h.providerCustomerId({ userId: sub });
    const clock = await h.putOnTestClock(customer, new Date());
    const subscribed = await h.subscribe(actor, 'lite');
    let version: number = subscribed.subscription.version;
    const second = await h.savePaymentMethod(actor, 'pm_card_mastercard');
    await h.mutate(actor, SET_DEFAULT, { id: second.paymentMethod.id });
    version = (await h.mutate(actor, CHANGE, { planId: 'pro', v: version })).changePlan.subscription.version;
    version = (await h.mutate(actor, CANCEL, { v: version })).cancelSubscription.subscription.version;
    await h.mutate(actor, RESUME, { v: version });

    // Behind our back: an agent moves the subscription back to Lite and adds a card in the Dashboard...
    const [subscription] = (await h.stripe.subscriptions.list({ customer })).data;
    const lite = await t.db.prisma.planPrice.findFirstOrThrow({
      where: { planId: 'lite', interval: 'MONTH', active: true },
    });
    await h.stripe.subscriptions.update(subscription!.id, {
      items: [{ id: subscription!.items.data[0]!.id, price: lite.providerPriceId! }],
    });
    await h.stripe.paymentMethods.attach('pm_card_amex', { customer });
    // ...and two renewals fall due (the first one credits the prorations of the Dashboard's change).
    const periodEnd = subscription!.items.data[0]!.current_period_end * 1000;
    await h.advance(clock, new Date(periodEnd + HOUR + 60_000));
    const [renewed] = (await h.stripe.subscriptions.list({ customer })).data;
    await h.advance(clock, new Date(renewed!.items.data[0]!.current_period_end * 1000 + HOUR + 60_000));
  }

  /** Our rows of one owner against what the SDK reads from the provider. */
  async function expectMirrorsProvider(sub: string, planId = 'lite'): Promise<void> {
    const row = await t.db.prisma.customer.findFirstOrThrow({ where: { userId: sub } });
    const customerId = row.providerCustomerId!;

    const providerSubscriptions = (await h.stripe.subscriptions.list({ customer: customerId, status: 'all' })).data;
    const subscriptions = await t.db.prisma.subscription.findMany({
      where: { customerId: row.id },
      include: { price: true },
    });
    expect(subscriptions.map(ourSubscription).sort(byId)).toEqual(
      providerSubscriptions.map(theirSubscription).sort(byId),
    );

    const providerInvoices = await h.stripe.invoices
      .list({ customer: customerId, limit: 100 })
      .autoPagingToArray({ limit: 1000 });
    // A plan change's provider invoice is issued as several documents (credit notes split from its row): together, its total.
    const invoices = await t.db.prisma.invoice.findMany({
      where: { customerId: row.id, splitFromId: null },
      include: { splitInto: true },
    });
    expect(invoices.map(ourInvoice).sort(byId)).toEqual(providerInvoices.map(theirInvoice).sort(byId));

    const providerMethods = (await h.stripe.customers.listPaymentMethods(customerId)).data
      .map((method) => method.id)
      .sort();
    const methods = await t.db.prisma.paymentMethod.findMany({ where: { customerId: row.id } });
    expect(methods.map((method) => method.providerPaymentMethodId).sort()).toEqual(providerMethods);
    expect(row).toMatchObject({ planId, entitlementBasis: 'SUBSCRIPTION', hasUnpaidInvoice: false });

    const providerCustomer = (await h.stripe.customers.retrieve(customerId)) as Stripe.Customer;
    expect(methods.filter((method) => method.isDefault).map((method) => method.providerPaymentMethodId)).toEqual([
      providerCustomer.invoice_settings.default_payment_method,
    ]);
  }

  it("converges on the provider's state after a flurry of events, each stored and processed once", async () => {
    await Promise.all([flurry('chao'), flurry('kaos')]);
    await h.settled();
    // The chaos did happen: events arrived twice and out of order; the inbox kept each one once.
    const endpoint = `${t.url}/webhooks/stripe`;
    const deliveries = (await h.webhookDeliveries()).filter((d) => d.url === endpoint && d.status === 200);
    const delivered = [...new Set(deliveries.map((d) => d.event_id))];
    expect(deliveries.length).toBeGreaterThan(delivered.length);
    const raised = (await h.stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 }))
      .reverse()
      .map((event) => event.id);
    const raisedOrder = raised.filter((id) => delivered.includes(id));
    expect(delivered).not.toEqual(raisedOrder);
    const inbox = await t.db.prisma.providerEvent.findMany({
      select: { providerEventId: true, type: true, processedAt: true, attempts: true },
    });
    expect(inbox.map((entry) => entry.providerEventId).sort()).toEqual([...delivered].sort());
    expect(inbox.every((entry) => entry.processedAt !== null)).toBe(true);
    // Processed once each: no handler failed on a race with a concurrent one (a retry would also cost seconds).
    expect(inbox.filter((entry) => entry.attempts !== 1).map((entry) => entry.type)).toEqual([]);

    await expectMirrorsProvider('chao');
    await expectMirrorsProvider('kaos');
  });

  it('settles a failed renewal and its payment on the final state, whatever order their events arrive in', async () => {
    const actor: Actor = { token: await t.token({ sub: 'dues' }) };
    await h.savePaymentMethod(actor, 'pm_card_visa');
    const customer = await h.providerCustomerId({ userId: 'dues' });
    const clock = await h.putOnTestClock(customer, new Date());
    await h.subscribe(actor, 'pro');
    const failing = await h.savePaymentMethod(actor, 'pm_card_chargeCustomerFail');
    await h.mutate(actor, SET_DEFAULT, { id: failing.paymentMethod.id });
    const [subscription] = (await h.stripe.subscriptions.list({ customer })).data;
    await h.advance(clock, new Date(subscription!.items.data[0]!.current_period_end * 1000 + HOUR + 60_000));
    // The customer swaps the card back and pays at once, while the failure's events are still arriving.
    const [visa] = (await h.profile(actor, '{ userId: "dues" }')).paymentMethods.filter(
      (m: any) => m.brand === 'visa' && !m.isDefault,
    );
    await h.mutate(actor, SET_DEFAULT, { id: visa.id });
    const [open] = (await h.stripe.invoices.list({ customer, status: 'open' })).data;
    // payInvoice takes our id of an invoice we know to be open: the first of its events has to be in.
    const row = await eventually(
      () => t.db.prisma.invoice.findUnique({ where: { providerInvoiceId: open!.id } }),
      (invoice) => invoice?.status === 'OPEN',
    );
    expect((await h.mutate(actor, PAY, { id: row!.id })).payInvoice.__typename).toBe('InvoicePaid');

    await h.settled();
    await expectMirrorsProvider('dues', 'pro');
    expect(await h.profile(actor, '{ userId: "dues" }')).toMatchObject({
      subscription: { status: 'ACTIVE' },
      unpaidInvoice: false,
      entitlements: { basis: 'SUBSCRIPTION' },
    });
    expect(
      await t.db.prisma.subscription.findUniqueOrThrow({ where: { providerSubscriptionId: subscription!.id } }),
    ).toMatchObject({ pastDueSince: null });
  });
});

const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

function ourSubscription(row: {
  providerSubscriptionId: string;
  status: string;
  price: { providerPriceId: string | null };
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  cancelAtPeriodEnd: boolean;
}) {
  return {
    id: row.providerSubscriptionId,
    status: row.status.toLowerCase(),
    price: row.price.providerPriceId,
    periodStart: row.currentPeriodStart.getTime(),
    periodEnd: row.currentPeriodEnd.getTime(),
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
  };
}

function theirSubscription(subscription: Stripe.Subscription) {
  const item = subscription.items.data[0]!;
  return {
    id: subscription.id,
    status: subscription.status,
    price: item.price.id,
    periodStart: item.current_period_start * 1000,
    periodEnd: item.current_period_end * 1000,
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
  };
}

function ourInvoice(row: {
  providerInvoiceId: string | null;
  status: string;
  total: number;
  amountPaid: number;
  amountDue: number;
  splitInto: { total: number }[];
}) {
  return {
    id: row.providerInvoiceId!,
    status: row.status.toLowerCase(),
    total: row.splitInto.reduce((sum, document) => sum + document.total, row.total),
    amountPaid: row.amountPaid,
    amountDue: row.amountDue,
  };
}

function theirInvoice(invoice: Stripe.Invoice) {
  return {
    id: invoice.id!,
    status: invoice.status,
    total: invoice.total,
    amountPaid: invoice.amount_paid,
    amountDue: invoice.amount_due,
  };
}
