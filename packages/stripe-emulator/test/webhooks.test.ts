import Stripe from 'stripe';
import {
  customerOnClock,
  MARCH_1,
  recurringPrice,
  startHarness,
  startWebhookReceiver,
  type Harness,
  type WebhookReceiver,
} from './emulator-harness.ts';
import type { StripeEmulatorOptions } from '../src/index.ts';

let harness: Harness;
let receiver: WebhookReceiver;
async function start(options: (receiver: WebhookReceiver) => StripeEmulatorOptions): Promise<Stripe> {
  receiver = await startWebhookReceiver();
  harness = await startHarness(options(receiver));
  return harness.stripe;
}
afterEach(async () => {
  await harness.close();
  await receiver.close();
});

/** Waits until `read` answers `expected` (what a delivery changes shows shortly after the receiver has it). */
async function settles<T>(read: () => Promise<T>, expected: T): Promise<void> {
  const deadline = Date.now() + 5000;
  let value = await read();
  while (value !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    value = await read();
  }
  expect(value).toBe(expected);
}

const configured = (target: WebhookReceiver): StripeEmulatorOptions => ({
  webhookEndpoints: [{ url: target.url, secret: target.secret }],
  webhookRetry: { initialDelayMs: 20 },
});

describe('webhooks', () => {
  it('delivers every event, in order, with a signature stripe.webhooks.constructEvent verifies', async () => {
    const stripe = await start(configured);
    const customer = await stripe.customers.create({ metadata: { anonymous_id: 'u-1' } });
    await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    await receiver.waitFor((events) => events.length === 2);
    expect(receiver.received.map((event) => event.type)).toEqual(['customer.created', 'payment_method.attached']);
    expect(receiver.received[0]).toMatchObject({
      object: 'event',
      api_version: Stripe.API_VERSION,
      data: { object: { id: customer.id, metadata: { anonymous_id: 'u-1' } } },
    });
    expect(receiver.rejected).toBe(0);
  });

  it('sends previous_attributes with updates', async () => {
    const stripe = await start(configured);
    const customer = await stripe.customers.create({ name: 'Before' });
    await stripe.customers.update(customer.id, { name: 'After' });
    await receiver.waitFor((events) => events.length === 2);
    expect(receiver.received[1]?.data).toMatchObject({
      object: { name: 'After' },
      previous_attributes: { name: 'Before' },
    });
  });

  it('retries with backoff after a non-2xx answer', async () => {
    const stripe = await start(configured);
    receiver.failNext(2, 503);
    await stripe.customers.create({});
    await receiver.waitFor((events) => events.length === 1);
    const deliveries = (await (await fetch(`${harness.emulator.url}/_emulator/webhook_deliveries`)).json()) as {
      data: { attempt: number; status: number }[];
    };
    expect(deliveries.data.map((delivery) => [delivery.attempt, delivery.status])).toEqual([
      [1, 503],
      [2, 503],
      [3, 200],
    ]);
  });

  it('delivers to endpoints registered through the API, only the events they enabled, signed with their secret', async () => {
    receiver = await startWebhookReceiver('unused');
    harness = await startHarness({ webhookRetry: { initialDelayMs: 20 } });
    const endpoint = await harness.stripe.webhookEndpoints.create({
      url: receiver.url,
      enabled_events: ['customer.updated'],
    });
    expect(endpoint.secret).toMatch(/^whsec_/);
    await receiver.close();
    receiver = await startWebhookReceiver(endpoint.secret);
    await harness.stripe.webhookEndpoints.update(endpoint.id, { url: receiver.url });
    const customer = await harness.stripe.customers.create({});
    await harness.stripe.customers.update(customer.id, { name: 'Only this' });
    await receiver.waitFor((events) => events.length === 1);
    expect(receiver.received.map((event) => event.type)).toEqual(['customer.updated']);
  });

  it('gives up after maxAttempts', async () => {
    const stripe = await start((target) => ({
      ...configured(target),
      webhookRetry: { maxAttempts: 2, initialDelayMs: 10 },
    }));
    receiver.failNext(5);
    await stripe.customers.create({});
    await new Promise((resolve) => setTimeout(resolve, 100));
    const deliveries = (await (await fetch(`${harness.emulator.url}/_emulator/webhook_deliveries`)).json()) as {
      data: { attempt: number; status: number }[];
    };
    expect(deliveries.data.map((delivery) => [delivery.attempt, delivery.status])).toEqual([
      [1, 500],
      [2, 500],
    ]);
    expect(receiver.received).toEqual([]);
  });

  it('counts in pending_webhooks the endpoints an event has not reached with a 2xx yet', async () => {
    const stripe = await start((target) => ({
      webhookEndpoints: [
        { url: target.url, secret: target.secret },
        { url: 'http://127.0.0.1:9/unreachable', secret: 'whsec_unreachable' },
      ],
      webhookRetry: { maxAttempts: 2, initialDelayMs: 20 },
    }));
    receiver.failNext(1, 503);
    await stripe.customers.create({});
    const [created] = (await stripe.events.list({ type: 'customer.created' })).data;
    expect(created!.pending_webhooks).toBe(2);
    await receiver.waitFor((events) => events.length === 1);
    expect(receiver.received[0]!.pending_webhooks).toBe(2);
    // The receiver answered 2xx at the second attempt; the unreachable endpoint never will.
    await settles(async () => (await stripe.events.retrieve(created!.id)).pending_webhooks, 1);
  });

  it("sets an invoice's webhooks_delivered_at once its invoice.created reached every endpoint", async () => {
    const stripe = await start(configured);
    receiver.failNext(1, 503);
    const { customer } = await customerOnClock(stripe);
    const price = await recurringPrice(stripe, 1000);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      expand: ['latest_invoice'],
    });
    expect((subscription.latest_invoice as Stripe.Invoice).webhooks_delivered_at).toBeNull();
    await receiver.waitFor((events) => events.some((event) => event.type === 'invoice.created'));
    await settles(
      async () =>
        (await stripe.invoices.retrieve((subscription.latest_invoice as Stripe.Invoice).id)).webhooks_delivered_at,
      MARCH_1,
    );
  });

  it('lists and retrieves events', async () => {
    const stripe = await start(configured);
    const customer = await stripe.customers.create({});
    const events = await stripe.events.list({ type: 'customer.*' });
    expect(events.data.map((event) => event.type)).toEqual(['customer.created']);
    expect(await stripe.events.retrieve(events.data[0]!.id)).toMatchObject({ data: { object: { id: customer.id } } });
  });
});

describe('chaos', () => {
  async function deliveredUnderChaos(seed: number): Promise<string[]> {
    const stripe = await start((target) => ({
      ...configured(target),
      chaos: { seed, duplicateRate: 0.5, maxDelayMs: 30, shuffle: true },
    }));
    const customer = await stripe.customers.create({});
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) await stripe.customers.update(customer.id, { name });
    const events = await stripe.events.list({ limit: 100 });
    await receiver.waitFor((received) => new Set(received.map((event) => event.id)).size === events.data.length);
    await new Promise((resolve) => setTimeout(resolve, 60));
    return receiver.received.map((event) => event.id);
  }

  it('duplicates and delays deliveries, and every copy is signed', async () => {
    const delivered = await deliveredUnderChaos(3);
    expect(delivered.length).toBeGreaterThan(new Set(delivered).size);
    expect(receiver.rejected).toBe(0);
  });

  it('makes the same duplicate decisions for the same chaos seed', async () => {
    const first = [...(await deliveredUnderChaos(5))].sort();
    await harness.close();
    await receiver.close();
    expect([...(await deliveredUnderChaos(5))].sort()).toEqual(first);
  });

  it('delivers a shuffled batch out of order', async () => {
    receiver = await startWebhookReceiver();
    harness = await startHarness({
      webhookEndpoints: [{ url: receiver.url, secret: receiver.secret }],
      chaos: { seed: 11, shuffle: true },
    });
    const { stripe } = harness;
    const customer = await stripe.customers.create({
      test_clock: (await stripe.testHelpers.testClocks.create({ frozen_time: 1772323200 })).id,
    });
    const method = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: method.id } });
    const product = await stripe.products.create({ name: 'Pro' });
    const price = await stripe.prices.create({
      product: product.id,
      currency: 'eur',
      unit_amount: 1000,
      recurring: { interval: 'month' },
    });
    await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    const inOrder = (await stripe.events.list({ limit: 100 })).data.reverse().map((event) => event.id);
    await receiver.waitFor((received) => received.length === inOrder.length);
    const delivered = receiver.received.map((event) => event.id);
    expect([...delivered].sort()).toEqual([...inOrder].sort());
    expect(delivered).not.toEqual(inOrder);
  });
});
