import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { startStripeEmulator, type RunningStripeEmulator, type StripeEmulatorOptions } from '../src/index.ts';

export const DAY = 86_400;
/** 2026-03-01T00:00:00Z: where test clocks start, so periods and prorations are easy to reason about. */
export const MARCH_1 = Date.UTC(2026, 2, 1) / 1000;

export interface Harness {
  emulator: RunningStripeEmulator;
  stripe: Stripe;
  close(): Promise<void>;
}

/** An emulator and the official SDK pointed at it. */
export async function startHarness(options: StripeEmulatorOptions = {}): Promise<Harness> {
  const emulator = await startStripeEmulator({ seed: 42, ...options });
  const stripe = new Stripe(emulator.apiKey, {
    host: emulator.host,
    port: emulator.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
  return { emulator, stripe, close: () => emulator.close() };
}

/** A customer on a fresh test clock, with a saved default card (`pm_card_visa` unless told otherwise). */
export async function customerOnClock(
  stripe: Stripe,
  paymentMethod: string | null = 'pm_card_visa',
  frozenTime = MARCH_1,
): Promise<{ clock: Stripe.TestHelpers.TestClock; customer: Stripe.Customer; paymentMethod: string | null }> {
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: frozenTime });
  const customer = await stripe.customers.create({
    test_clock: clock.id,
    metadata: { anonymous_id: 'a8f5f167-7d3e-4bfe-9b2a-0f6c1e2d3c4b' },
  });
  if (!paymentMethod) return { clock, customer, paymentMethod: null };
  const method = await stripe.paymentMethods.attach(paymentMethod, { customer: customer.id });
  const updated = await stripe.customers.update(customer.id, {
    invoice_settings: { default_payment_method: method.id },
  });
  return { clock, customer: updated, paymentMethod: method.id };
}

/** A monthly (or other) recurring price on a new product. */
export async function recurringPrice(
  stripe: Stripe,
  unitAmount: number,
  interval: 'month' | 'year' = 'month',
  name = 'Pro',
): Promise<Stripe.Price> {
  const product = await stripe.products.create({ name });
  return stripe.prices.create({
    product: product.id,
    currency: 'eur',
    unit_amount: unitAmount,
    recurring: { interval },
  });
}

export async function vatRate(stripe: Stripe, percentage = 20, inclusive = false): Promise<Stripe.TaxRate> {
  return stripe.taxRates.create({ display_name: 'VAT', percentage, inclusive, country: 'FR', jurisdiction: 'FR' });
}

export async function advance(
  stripe: Stripe,
  clock: Stripe.TestHelpers.TestClock,
  to: number,
): Promise<Stripe.TestHelpers.TestClock> {
  return stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: to });
}

/** Event types in the order they happened (the events list is newest first). */
export async function eventTypes(
  stripe: Stripe,
  filter: (event: Stripe.Event) => boolean = () => true,
): Promise<string[]> {
  const events: Stripe.Event[] = [];
  for await (const event of stripe.events.list({ limit: 100 })) events.push(event);
  return events
    .reverse()
    .filter(filter)
    .map((event) => event.type);
}

export interface WebhookReceiver {
  url: string;
  secret: string;
  /** Events whose signature `stripe.webhooks.constructEvent` accepted, in arrival order. */
  received: Stripe.Event[];
  rejected: number;
  /** Status to answer for the next deliveries (then 200). */
  failNext(count: number, status?: number): void;
  waitFor(predicate: (received: Stripe.Event[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A webhook endpoint that verifies every delivery with the SDK, as the service does. */
export async function startWebhookReceiver(secret = 'whsec_test_receiver'): Promise<WebhookReceiver> {
  const verifier = new Stripe('sk_test_verifier');
  const received: Stripe.Event[] = [];
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  const receiver: Partial<WebhookReceiver> & { rejected: number } = { rejected: 0 };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (failures.count > 0) {
        failures.count -= 1;
        response.writeHead(failures.status).end();
        return;
      }
      try {
        received.push(
          verifier.webhooks.constructEvent(Buffer.concat(chunks), String(request.headers['stripe-signature']), secret),
        );
        response.writeHead(200).end('{}');
      } catch {
        receiver.rejected += 1;
        response.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/webhooks/stripe`,
    secret,
    received,
    failNext(count: number, status = 500) {
      failures = { count, status };
    },
    async waitFor(predicate: (events: Stripe.Event[]) => boolean, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline)
          throw new Error(`webhooks not received in time; got ${received.map((event) => event.type).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
