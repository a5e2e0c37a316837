import Stripe from 'stripe';
import {
  advance,
  customerOnClock,
  DAY,
  MARCH_1,
  recurringPrice,
  startHarness,
  type Harness,
} from './emulator-harness.ts';

let harness: Harness;
let stripe: Stripe;
beforeEach(async () => {
  harness = await startHarness();
  stripe = harness.stripe;
});
afterEach(() => harness.close());

const HOUR = 3600;
const APRIL_1 = Date.UTC(2026, 3, 1) / 1000;

/** A customer subscribed to a €10 plan with a working card, then given `cardForUpgrade` as default. */
async function subscribedThenCard(cardForUpgrade: string) {
  const { clock, customer } = await customerOnClock(stripe);
  const lite = await recurringPrice(stripe, 1000, 'month', 'Lite');
  const pro = await recurringPrice(stripe, 3000, 'month', 'Pro');
  const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: lite.id }] });
  const card = await stripe.paymentMethods.attach(cardForUpgrade, { customer: customer.id });
  await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: card.id } });
  const marker = (await stripe.events.list({ limit: 1 })).data[0]!.id;
  return { clock, customer, lite, pro, subscription, marker };
}

function upgrade(
  subscription: Stripe.Subscription,
  price: Stripe.Price,
  extra: Partial<Stripe.SubscriptionUpdateParams> = {},
) {
  return stripe.subscriptions.update(subscription.id, {
    items: [{ id: subscription.items.data[0]!.id, price: price.id }],
    proration_behavior: 'always_invoice',
    payment_behavior: 'pending_if_incomplete',
    ...extra,
  });
}

/** Types of the events after `marker`, oldest first. */
async function eventsSince(marker: string): Promise<string[]> {
  const events: Stripe.Event[] = [];
  for await (const event of stripe.events.list({ limit: 100 })) {
    if (event.id === marker) break;
    events.push(event);
  }
  return events.reverse().map((event) => event.type);
}

describe('payment_behavior=pending_if_incomplete', () => {
  it('applies the change at once when its invoice is paid', async () => {
    const { subscription, pro, marker } = await subscribedThenCard('pm_card_mastercard');
    const updated = await upgrade(subscription, pro);
    expect(updated.pending_update).toBeNull();
    expect(updated.items.data[0]!.price.id).toBe(pro.id);
    expect(await stripe.invoices.retrieve(String(updated.latest_invoice))).toMatchObject({
      status: 'paid',
      billing_reason: 'subscription_update',
    });
    const events = await eventsSince(marker);
    expect(events).toContain('customer.subscription.updated');
    expect(events).not.toContain('customer.subscription.pending_update_applied');
  });

  it('holds the change in pending_update when the payment is declined: old items, status unchanged, invoice open', async () => {
    const { subscription, lite, pro, marker } = await subscribedThenCard('pm_card_chargeCustomerFail');
    const updated = await upgrade(subscription, pro, { metadata: { tier: 'pro' } });
    expect(updated).toMatchObject({ status: 'active', metadata: {} });
    expect(updated.items.data[0]!.price.id).toBe(lite.id);
    expect(updated.pending_update).toMatchObject({
      billing_cycle_anchor: null,
      expires_at: MARCH_1 + 23 * HOUR,
      metadata: { tier: 'pro' },
      trial_end: null,
      trial_from_plan: null,
    });
    expect(updated.pending_update!.subscription_items![0]!.price.id).toBe(pro.id);
    const invoice = await stripe.invoices.retrieve(String(updated.latest_invoice));
    expect(invoice).toMatchObject({
      status: 'open',
      billing_reason: 'subscription_update',
      next_payment_attempt: null,
    });
    expect(await eventsSince(marker)).not.toContain('customer.subscription.pending_update_applied');
  });

  it('applies the pending update when its invoice is paid later, and clears it', async () => {
    const { customer, subscription, pro, marker } = await subscribedThenCard('pm_card_chargeCustomerFail');
    const held = await upgrade(subscription, pro, { metadata: { tier: 'pro' } });
    const visa = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    await stripe.invoices.pay(String(held.latest_invoice), { payment_method: visa.id });
    const applied = await stripe.subscriptions.retrieve(subscription.id);
    expect(applied).toMatchObject({ pending_update: null, status: 'active', metadata: { tier: 'pro' } });
    expect(applied.items.data[0]!.price.id).toBe(pro.id);
    const events = await eventsSince(marker);
    expect(events.slice(events.indexOf('invoice.paid'))).toEqual([
      'invoice.paid',
      'invoice.payment_succeeded',
      'customer.subscription.updated',
      'customer.subscription.pending_update_applied',
    ]);
  });

  it('applies it once the 3-D Secure challenge is passed', async () => {
    const { subscription, pro } = await subscribedThenCard('pm_card_authenticationRequired');
    const held = await upgrade(subscription, pro);
    expect(held.pending_update).not.toBeNull();
    const invoice = await stripe.invoices.retrieve(String(held.latest_invoice), { expand: ['confirmation_secret'] });
    const intentId = invoice.confirmation_secret!.client_secret.split('_secret_')[0]!;
    expect((await stripe.paymentIntents.retrieve(intentId)).status).toBe('requires_action');
    await fetch(`${harness.emulator.url}/_emulator/authenticate/${intentId}`, { method: 'POST' });
    const applied = await stripe.subscriptions.retrieve(subscription.id);
    expect(applied.pending_update).toBeNull();
    expect(applied.items.data[0]!.price.id).toBe(pro.id);
  });

  it('expires after 23 hours of the clock: the invoice is voided and the change dropped', async () => {
    const { clock, subscription, lite, pro, marker } = await subscribedThenCard('pm_card_chargeCustomerFail');
    const held = await upgrade(subscription, pro);
    await advance(stripe, clock, MARCH_1 + 22 * HOUR);
    expect((await stripe.subscriptions.retrieve(subscription.id)).pending_update).not.toBeNull();
    await advance(stripe, clock, MARCH_1 + DAY);
    const expired = await stripe.subscriptions.retrieve(subscription.id);
    expect(expired).toMatchObject({ pending_update: null, status: 'active' });
    expect(expired.items.data[0]!.price.id).toBe(lite.id);
    expect((await stripe.invoices.retrieve(String(held.latest_invoice))).status).toBe('void');
    const events = await eventsSince(marker);
    expect(events.slice(events.indexOf('invoice.voided'))).toEqual([
      'invoice.voided',
      'customer.subscription.updated',
      'customer.subscription.pending_update_expired',
      'test_helpers.test_clock.ready',
    ]);
    // The renewal bills the old price.
    await advance(stripe, clock, APRIL_1 + 2 * HOUR);
    const renewal = await stripe.invoices.list({ subscription: subscription.id, limit: 1 });
    expect(renewal.data[0]).toMatchObject({ billing_reason: 'subscription_cycle', subtotal: 1000 });
  });

  it('expires at the period end when that comes before 23 hours', async () => {
    const { clock, subscription, pro } = await subscribedThenCard('pm_card_chargeCustomerFail');
    await advance(stripe, clock, APRIL_1 - 2 * HOUR);
    const held = await upgrade(subscription, pro);
    expect(held.pending_update!.expires_at).toBe(APRIL_1);
  });

  it('applies at once a change that is not invoiced now (prorations left for the renewal)', async () => {
    const { subscription, pro } = await subscribedThenCard('pm_card_chargeCustomerFail');
    const updated = await upgrade(subscription, pro, { proration_behavior: 'create_prorations' });
    expect(updated.pending_update).toBeNull();
    expect(updated.items.data[0]!.price.id).toBe(pro.id);
    expect((await stripe.invoiceItems.list({ customer: String(updated.customer), pending: true })).data).toHaveLength(
      2,
    );
  });

  it.each([
    [{ cancel_at_period_end: true }, 'cancel_at_period_end'],
    [{ description: 'x' }, 'description'],
    [{ default_payment_method: 'pm_card_visa' }, 'default_payment_method'],
  ])('refuses parameters pending updates do not support (%o)', async (extra, param) => {
    const { subscription, pro } = await subscribedThenCard('pm_card_visa');
    const error = await upgrade(subscription, pro, extra).catch((caught: Stripe.errors.StripeError) => caught);
    expect(error).toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 400, param });
    expect((await stripe.subscriptions.retrieve(subscription.id)).items.data[0]!.price.id).not.toBe(pro.id);
  });
});
