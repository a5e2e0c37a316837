import Stripe from 'stripe';
import {
  advance,
  DAY,
  MARCH_1,
  startHarness,
  startWebhookReceiver,
  type Harness,
  type WebhookReceiver,
} from './emulator-harness.ts';

const HOUR = 3_600;
const at = (month: number, day: number) => Date.UTC(2026, month - 1, day) / 1000;

/**
 * The acceptance scenario, with the official SDK alone: an anonymous customer saves a card, subscribes
 * with a trial and VAT, renews twice, upgrades with proration, then pays with a failing card through every
 * dunning retry to the final state, while webhooks arrive signed, shuffled and duplicated.
 */
describe('the whole billing lifecycle against the emulator', () => {
  let harness: Harness;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver('whsec_end_to_end');
    harness = await startHarness({
      webhookEndpoints: [{ url: receiver.url, secret: receiver.secret }],
      chaos: { seed: 2026, duplicateRate: 0.3, maxDelayMs: 25, shuffle: true },
      dunning: { finalState: 'canceled' },
    });
  });
  afterAll(async () => {
    await harness.close();
    await receiver.close();
  });

  it('runs from sign-up to cancellation for non-payment and delivers every event', async () => {
    const { stripe } = harness;
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: MARCH_1, name: 'lifecycle' });
    const customer = await stripe.customers.create({
      test_clock: clock.id,
      metadata: { anonymous_id: '0c4f1b8e-4c1a-4d7e-9a55-5b2f3e7d9a10' },
    });
    expect(customer).toMatchObject({ email: null, name: null, address: null });

    // Save a card through a SetupIntent, as the web app would with Stripe.js.
    const setup = await stripe.setupIntents.create({ customer: customer.id, usage: 'off_session' });
    const saved = await stripe.setupIntents.confirm(setup.id, { payment_method: 'pm_card_visa' });
    expect(saved.status).toBe('succeeded');
    await stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: String(saved.payment_method) },
    });

    const product = await stripe.products.create({ name: 'Pro' });
    const monthly = await stripe.prices.create({
      product: product.id,
      currency: 'eur',
      unit_amount: 1000,
      recurring: { interval: 'month' },
    });
    const max = await stripe.prices.create({
      product: (await stripe.products.create({ name: 'Max' })).id,
      currency: 'eur',
      unit_amount: 2000,
      recurring: { interval: 'month' },
    });
    const vat = await stripe.taxRates.create({ display_name: 'VAT', percentage: 20, inclusive: false, country: 'FR' });

    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      trial_period_days: 14,
      default_tax_rates: [vat.id],
    });
    expect(subscription.status).toBe('trialing');
    const invoicesOf = async () =>
      (await stripe.invoices.list({ subscription: subscription.id, limit: 100 })).data.reverse();

    // Trial end and two renewals, each charged an hour after its invoice is drafted.
    await advance(stripe, clock, at(3, 15) + 2 * HOUR);
    await advance(stripe, clock, at(4, 15) + 2 * HOUR);
    await advance(stripe, clock, at(5, 15) + 2 * HOUR);
    expect((await invoicesOf()).map((invoice) => [invoice.billing_reason, invoice.status, invoice.total])).toEqual([
      ['subscription_create', 'paid', 0],
      ['subscription_cycle', 'paid', 1200],
      ['subscription_cycle', 'paid', 1200],
      ['subscription_cycle', 'paid', 1200],
    ]);

    // Upgrade on May 30: 16 of the period's 31 days remain.
    await advance(stripe, clock, at(5, 30));
    const itemId = subscription.items.data[0]!.id;
    const preview = await stripe.invoices.createPreview({
      subscription: subscription.id,
      subscription_details: { items: [{ id: itemId, price: max.id }], proration_date: at(5, 30) },
    });
    await stripe.subscriptions.update(subscription.id, {
      items: [{ id: itemId, price: max.id }],
      proration_behavior: 'create_prorations',
      proration_date: at(5, 30),
    });
    expect(preview.lines.data.map((line) => line.amount)).toEqual([-516, 1032, 2000]);

    // The card now fails every charge.
    const failing = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: customer.id });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: failing.id } });
    await advance(stripe, clock, at(6, 15) + 2 * HOUR);
    const renewal = (await invoicesOf()).at(-1)!;
    expect(renewal).toMatchObject({ status: 'open', subtotal: 2516, total: 2516 - 103 + 206 + 400, attempt_count: 1 });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('past_due');

    // Dunning (the default, Smart-Retries-like): seven retries within 14 days of the first failure, then the
    // subscription is canceled.
    const firstFailure = at(6, 15) + HOUR;
    for (const day of [1, 3, 5, 7, 9, 11, 14]) await advance(stripe, clock, firstFailure + day * DAY);
    expect(await stripe.invoices.retrieve(renewal.id)).toMatchObject({ status: 'uncollectible', attempt_count: 8 });
    expect(await stripe.subscriptions.retrieve(subscription.id)).toMatchObject({
      status: 'canceled',
      cancellation_details: { reason: 'payment_failed' },
    });

    // Every event arrives, verified by stripe.webhooks.constructEvent, some twice, not in order.
    const events: Stripe.Event[] = [];
    for await (const event of stripe.events.list({ limit: 100 })) events.push(event);
    const emitted = events.reverse().map((event) => event.id);
    await receiver.waitFor((received) => new Set(received.map((event) => event.id)).size === emitted.length);
    const delivered = receiver.received.map((event) => event.id);
    expect(new Set(delivered)).toEqual(new Set(emitted));
    expect(receiver.rejected).toBe(0);
    expect(delivered.length).toBeGreaterThan(emitted.length);
    expect(delivered).not.toEqual(emitted);
    const types = new Set(events.map((event) => event.type));
    for (const type of [
      'setup_intent.succeeded',
      'payment_method.attached',
      'customer.subscription.created',
      'customer.subscription.trial_will_end',
      'customer.subscription.updated',
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_failed',
      'invoice.marked_uncollectible',
      'customer.subscription.deleted',
      'payment_intent.succeeded',
      'payment_intent.payment_failed',
    ]) {
      expect(types).toContain(type);
    }
  });
});
