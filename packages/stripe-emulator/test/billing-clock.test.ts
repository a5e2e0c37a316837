import Stripe from 'stripe';
import {
  advance,
  customerOnClock,
  DAY,
  eventTypes,
  MARCH_1,
  recurringPrice,
  startHarness,
  type Harness,
} from './emulator-harness.ts';
import type { StripeEmulatorOptions } from '../src/index.ts';

const HOUR = 3_600;
const APRIL_1 = Date.UTC(2026, 3, 1) / 1000;
const MAY_1 = Date.UTC(2026, 4, 1) / 1000;

let harness: Harness;
let stripe: Stripe;
async function start(options: StripeEmulatorOptions = {}): Promise<void> {
  harness = await startHarness(options);
  stripe = harness.stripe;
}
afterEach(() => harness.close());

async function subscribe(
  paymentMethod: string | null,
  params: Partial<Stripe.SubscriptionCreateParams> = {},
): Promise<{ clock: Stripe.TestHelpers.TestClock; subscription: Stripe.Subscription; customer: Stripe.Customer }> {
  const { clock, customer } = await customerOnClock(stripe, paymentMethod);
  const price = await recurringPrice(stripe, 1000);
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    ...params,
  });
  return { clock, subscription, customer };
}

async function failingRenewal(): Promise<{
  clock: Stripe.TestHelpers.TestClock;
  subscription: Stripe.Subscription;
  invoice: Stripe.Invoice;
}> {
  const { clock, subscription, customer } = await subscribe('pm_card_visa');
  const failing = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: customer.id });
  await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: failing.id } });
  await advance(stripe, clock, APRIL_1 + HOUR);
  const renewed = await stripe.subscriptions.retrieve(subscription.id);
  return { clock, subscription: renewed, invoice: await stripe.invoices.retrieve(String(renewed.latest_invoice)) };
}

describe('renewals', () => {
  it('renews each period: drafts the invoice at period end and charges it an hour later', async () => {
    await start();
    const { clock, subscription } = await subscribe('pm_card_visa');
    await advance(stripe, clock, APRIL_1 + 30 * 60);
    const draft = await stripe.invoices.retrieve(
      String((await stripe.subscriptions.retrieve(subscription.id)).latest_invoice),
    );
    expect(draft).toMatchObject({
      status: 'draft',
      billing_reason: 'subscription_cycle',
      automatically_finalizes_at: APRIL_1 + HOUR,
    });
    await advance(stripe, clock, MAY_1 + 2 * HOUR);
    const invoices = await stripe.invoices.list({ subscription: subscription.id });
    expect(invoices.data.map((invoice) => [invoice.status, invoice.period_start, invoice.period_end])).toEqual([
      ['paid', APRIL_1, MAY_1],
      ['paid', MARCH_1, APRIL_1],
      ['paid', MARCH_1, MARCH_1],
    ]);
    expect((await stripe.subscriptions.retrieve(subscription.id)).items.data[0]).toMatchObject({
      current_period_start: MAY_1,
      current_period_end: Date.UTC(2026, 5, 1) / 1000,
    });
  });

  it('charges a renewal invoice finalized early through the API', async () => {
    await start();
    const { clock, subscription } = await subscribe('pm_card_visa');
    await advance(stripe, clock, APRIL_1);
    const draft = (await stripe.subscriptions.retrieve(subscription.id)).latest_invoice as string;
    expect(await stripe.invoices.finalizeInvoice(draft)).toMatchObject({
      status: 'paid',
      number: expect.stringMatching(/-0002$/),
    });
  });

  it('leaves a renewal draft alone when auto_advance is off', async () => {
    await start();
    const { clock, subscription } = await subscribe('pm_card_visa');
    await advance(stripe, clock, APRIL_1);
    const draft = (await stripe.subscriptions.retrieve(subscription.id)).latest_invoice as string;
    await stripe.invoices.update(draft, { auto_advance: false });
    await advance(stripe, clock, APRIL_1 + 3 * HOUR);
    expect((await stripe.invoices.retrieve(draft)).status).toBe('draft');
  });

  it('bills a subscription anchored on the 31st on the last day of shorter months', async () => {
    await start();
    const jan31 = Date.UTC(2026, 0, 31) / 1000;
    const { clock, customer } = await customerOnClock(stripe, 'pm_card_visa', jan31);
    const price = await recurringPrice(stripe, 1000);
    const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    expect(subscription.items.data[0]?.current_period_end).toBe(Date.UTC(2026, 1, 28) / 1000);
    await advance(stripe, clock, Date.UTC(2026, 2, 1) / 1000);
    expect((await stripe.subscriptions.retrieve(subscription.id)).items.data[0]?.current_period_end).toBe(
      Date.UTC(2026, 2, 31) / 1000,
    );
  });
});

describe('trials', () => {
  it('warns three days before the trial ends, then charges the first period', async () => {
    await start();
    const { clock, subscription } = await subscribe('pm_card_visa', { trial_period_days: 14 });
    await advance(stripe, clock, MARCH_1 + 12 * DAY);
    expect(await eventTypes(stripe, (event) => event.type === 'customer.subscription.trial_will_end')).toHaveLength(1);
    const warning = (await stripe.events.list({ type: 'customer.subscription.trial_will_end' })).data[0];
    expect(warning?.created).toBe(MARCH_1 + 11 * DAY);
    await advance(stripe, clock, MARCH_1 + 14 * DAY + 2 * HOUR);
    const active = await stripe.subscriptions.retrieve(subscription.id);
    expect(active).toMatchObject({ status: 'active' });
    expect(active.items.data[0]).toMatchObject({
      current_period_start: MARCH_1 + 14 * DAY,
      current_period_end: Date.UTC(2026, 3, 15) / 1000,
    });
    expect(await stripe.invoices.retrieve(String(active.latest_invoice))).toMatchObject({
      status: 'paid',
      amount_paid: 1000,
    });
  });

  it('cancels at trial end without a payment method when told to', async () => {
    await start();
    const { clock, subscription } = await subscribe(null, {
      trial_period_days: 7,
      trial_settings: { end_behavior: { missing_payment_method: 'cancel' } },
    });
    await advance(stripe, clock, MARCH_1 + 8 * DAY);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('canceled');
  });

  it('goes past_due at trial end without a payment method by default', async () => {
    await start();
    const { clock, subscription } = await subscribe(null, { trial_period_days: 7 });
    await advance(stripe, clock, MARCH_1 + 7 * DAY + 2 * HOUR);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('past_due');
  });
});

describe('dunning', () => {
  it("by default tries eight times within two weeks (Stripe's Smart Retries default), then cancels and marks the invoice uncollectible", async () => {
    await start();
    const { clock, subscription, invoice } = await failingRenewal();
    const failedAt = APRIL_1 + HOUR;
    expect(subscription.status).toBe('past_due');
    expect(invoice).toMatchObject({ status: 'open', attempt_count: 1, next_payment_attempt: failedAt + 1 * DAY });
    const attempts: (number | null)[] = [];
    for (const day of [1, 3, 5, 7, 9, 11]) {
      await advance(stripe, clock, failedAt + day * DAY);
      attempts.push((await stripe.invoices.retrieve(invoice.id)).next_payment_attempt);
    }
    expect(attempts).toEqual([3, 5, 7, 9, 11, 14].map((day) => failedAt + day * DAY));
    await advance(stripe, clock, failedAt + 14 * DAY);
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({
      status: 'uncollectible',
      attempt_count: 8,
      next_payment_attempt: null,
    });
    expect(await stripe.subscriptions.retrieve(subscription.id)).toMatchObject({
      status: 'canceled',
      ended_at: failedAt + 14 * DAY,
      cancellation_details: { reason: 'payment_failed' },
    });
    expect(await eventTypes(stripe, (event) => event.type === 'invoice.payment_failed')).toHaveLength(8);
  });

  it('leaves the subscription past_due when configured, its invoice open and no longer retried', async () => {
    await start({ dunning: { retryDays: [1], finalState: 'past_due' } });
    const { clock, subscription, invoice } = await failingRenewal();
    await advance(stripe, clock, APRIL_1 + HOUR + 10 * DAY);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('past_due');
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({
      status: 'open',
      attempt_count: 2,
      next_payment_attempt: null,
    });
  });

  it('keeps invoicing an unpaid subscription, without charging', async () => {
    await start({ dunning: { retryDays: [1], finalState: 'unpaid' } });
    const { clock, subscription } = await failingRenewal();
    await advance(stripe, clock, APRIL_1 + 3 * DAY);
    await advance(stripe, clock, Date.UTC(2026, 4, 1, 2) / 1000);
    const invoices = (await stripe.invoices.list({ subscription: subscription.id })).data;
    expect(invoices[0]).toMatchObject({
      billing_reason: 'subscription_cycle',
      status: 'open',
      attempt_count: 0,
      period_start: APRIL_1,
    });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('unpaid');
  });

  it('ends unpaid when configured, and a later payment reactivates the subscription', async () => {
    await start({ dunning: { retryDays: [1, 2], finalState: 'unpaid' } });
    const { clock, subscription, invoice } = await failingRenewal();
    await advance(stripe, clock, APRIL_1 + HOUR + 2 * DAY);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('unpaid');
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({
      status: 'open',
      attempt_count: 3,
      next_payment_attempt: null,
    });
    await stripe.invoices.pay(invoice.id, { payment_method: 'pm_card_visa' });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('active');
  });

  it('stops retrying once the subscription is canceled', async () => {
    await start();
    const { clock, subscription, invoice } = await failingRenewal();
    await stripe.subscriptions.cancel(subscription.id);
    await advance(stripe, clock, APRIL_1 + 30 * DAY);
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({
      status: 'open',
      attempt_count: 1,
      next_payment_attempt: null,
    });
  });

  it('recovers when a retry succeeds after the customer changes card', async () => {
    await start();
    const { clock, subscription, invoice } = await failingRenewal();
    const working = await stripe.paymentMethods.attach('pm_card_mastercard', {
      customer: String(subscription.customer),
    });
    await stripe.customers.update(String(subscription.customer), {
      invoice_settings: { default_payment_method: working.id },
    });
    await advance(stripe, clock, APRIL_1 + HOUR + 3 * DAY);
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({ status: 'paid', attempt_count: 2 });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('active');
  });
});

describe('renewals needing 3-D Secure', () => {
  it('ask for the customer action and put the subscription past_due until authenticated', async () => {
    await start();
    const { clock, subscription, customer } = await subscribe('pm_card_visa');
    const strict = await stripe.paymentMethods.attach('pm_card_authenticationRequired', { customer: customer.id });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: strict.id } });
    await advance(stripe, clock, APRIL_1 + 2 * HOUR);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('past_due');
    expect(await eventTypes(stripe, (event) => event.type === 'invoice.payment_action_required')).toHaveLength(1);
    const intent = (await stripe.paymentIntents.list({ customer: customer.id, limit: 1 })).data[0]!;
    expect(intent.status).toBe('requires_action');
    await fetch(`${harness.emulator.url}/_emulator/authenticate/${intent.id}`, { method: 'POST' });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('active');
  });
});

describe('incomplete subscriptions', () => {
  it('take only metadata until their first invoice is paid', async () => {
    await start();
    const { subscription } = await subscribe(null, { payment_behavior: 'default_incomplete' });
    expect(await stripe.subscriptions.update(subscription.id, { metadata: { k: 'v' } })).toMatchObject({
      metadata: { k: 'v' },
    });
    await expect(stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true })).rejects.toMatchObject({
      statusCode: 400,
      code: 'subscription_update_incomplete',
      param: 'cancel_at_period_end',
    });
  });

  it('expire after 23 hours without payment and their invoice is voided', async () => {
    await start();
    const { clock, subscription } = await subscribe(null, { payment_behavior: 'default_incomplete' });
    await advance(stripe, clock, MARCH_1 + 23 * HOUR);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('incomplete_expired');
    expect((await stripe.invoices.retrieve(String(subscription.latest_invoice))).status).toBe('void');
  });
});

describe('test clocks', () => {
  it('cannot move backwards', async () => {
    await start();
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: MARCH_1 });
    await expect(advance(stripe, clock, MARCH_1 - 1)).rejects.toMatchObject({ statusCode: 400 });
    expect(await advance(stripe, clock, MARCH_1 + DAY)).toMatchObject({ status: 'ready', frozen_time: MARCH_1 + DAY });
  });

  it('advance at most two intervals of their shortest subscription at once', async () => {
    await start();
    const { clock } = await subscribe('pm_card_visa');
    const twoMonths = Date.UTC(2026, 4, 1) / 1000;
    await expect(advance(stripe, clock, twoMonths + 1)).rejects.toMatchObject({
      statusCode: 400,
      code: 'test_clock_advance_too_far',
      param: 'frozen_time',
    });
    expect(await advance(stripe, clock, twoMonths)).toMatchObject({ frozen_time: twoMonths });
  });

  it('take their customers and everything they own with them when deleted', async () => {
    await start();
    const { clock, subscription, customer } = await subscribe('pm_card_visa');
    await stripe.testHelpers.testClocks.del(clock.id);
    expect(await stripe.customers.retrieve(customer.id)).toMatchObject({ deleted: true });
    await expect(stripe.subscriptions.retrieve(subscription.id)).rejects.toMatchObject({ statusCode: 404 });
    await expect(stripe.invoices.retrieve(String(subscription.latest_invoice))).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});
