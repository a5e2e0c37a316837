import { readFileSync } from 'node:fs';
import Stripe from 'stripe';
import { advance, customerOnClock, DAY, MARCH_1, recurringPrice, startHarness, vatRate, type Harness } from './emulator-harness.ts';
import { shapeDifferences } from './shape-differences.ts';
import { KNOWN_DIFFERENCES } from './fidelity-differences.ts';

const FIXTURES = JSON.parse(readFileSync(`${__dirname}/stripe-openapi/fixtures3.json`, 'utf8')) as { resources: Record<string, unknown> };

/** One object of every kind the emulator returns, obtained through the SDK as the service would. */
async function sampleObjects(stripe: Stripe): Promise<Record<string, unknown>> {
  const { clock, customer } = await customerOnClock(stripe, 'pm_card_visa');
  const price = await recurringPrice(stripe, 1000);
  const product = await stripe.products.retrieve(String(price.product));
  const rate = await vatRate(stripe);
  const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], default_tax_rates: [rate.id], expand: ['latest_invoice.payments'] });
  const upgrade = await recurringPrice(stripe, 2000, 'month', 'Max');
  await advance(stripe, clock, MARCH_1 + 10 * DAY);
  await stripe.subscriptions.update(subscription.id, { items: [{ id: subscription.items.data[0]!.id, price: upgrade.id }] });
  const invoiceItem = (await stripe.events.list({ type: 'invoiceitem.created' })).data[0]?.data.object;
  const invoice = subscription.latest_invoice as Stripe.Invoice;
  const setupIntent = await stripe.setupIntents.create({ customer: customer.id, payment_method: 'pm_card_mastercard', confirm: true });
  const paymentIntent = (await stripe.paymentIntents.list({ customer: customer.id })).data[0]!;
  const endpoint = await stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/hook', enabled_events: ['*'] });
  const event = (await stripe.events.list({ limit: 1 })).data[0]!;
  const otherClock = await stripe.testHelpers.testClocks.create({ frozen_time: MARCH_1 });
  const otherCustomer = await stripe.customers.create({});
  return {
    customer: await stripe.customers.retrieve(customer.id),
    deleted_customer: await stripe.customers.del(otherCustomer.id),
    payment_method: await stripe.paymentMethods.retrieve(String(setupIntent.payment_method)),
    setup_intent: setupIntent,
    payment_intent: paymentIntent,
    product,
    price,
    tax_rate: rate,
    subscription: await stripe.subscriptions.retrieve(subscription.id),
    subscription_item: (await stripe.subscriptionItems.list({ subscription: subscription.id })).data[0],
    invoice: await stripe.invoices.retrieve(invoice.id),
    line_item: invoice.lines.data[0],
    invoice_payment: invoice.payments?.data[0],
    invoiceitem: invoiceItem,
    event,
    webhook_endpoint: await stripe.webhookEndpoints.retrieve(endpoint.id),
    deleted_webhook_endpoint: await stripe.webhookEndpoints.del(endpoint.id),
    'test_helpers.test_clock': clock,
    'deleted_test_helpers.test_clock': await stripe.testHelpers.testClocks.del(otherClock.id),
  };
}

describe("fidelity to Stripe's example objects", () => {
  let harness: Harness;
  let samples: Record<string, unknown>;
  beforeAll(async () => {
    harness = await startHarness();
    samples = await sampleObjects(harness.stripe);
  });
  afterAll(() => harness.close());

  it('covers every resource it lists differences for', () => {
    expect(Object.keys(KNOWN_DIFFERENCES).filter((resource) => !(resource in samples))).toEqual([]);
  });

  it.each(['customer', 'deleted_customer', 'payment_method', 'setup_intent', 'payment_intent', 'product', 'price', 'tax_rate', 'subscription', 'subscription_item', 'invoice', 'line_item', 'invoice_payment', 'invoiceitem', 'event', 'webhook_endpoint', 'deleted_webhook_endpoint', 'test_helpers.test_clock', 'deleted_test_helpers.test_clock'])(
    '%s has the shape of the fixture, apart from the listed differences',
    (resource) => {
      const { lastResponse: _ignored, ...sample } = samples[resource] as Record<string, unknown>;
      expect(sample).toBeDefined();
      const found = shapeDifferences(FIXTURES.resources[resource], JSON.parse(JSON.stringify(sample)));
      expect(found.sort()).toEqual(Object.keys(KNOWN_DIFFERENCES[resource] ?? {}).sort());
    },
  );
});
