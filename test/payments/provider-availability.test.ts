import { createServer } from 'node:net';
import { ProviderRequestError, ProviderUnavailableError } from '../../src/billing/ports/payment-provider.ts';
import { StripePaymentProvider } from '../../src/payments/stripe/stripe-payment-provider.ts';
import {
  capturingLogger,
  customerAndPrice,
  newKey,
  startProviderHarness,
  startStripeProxy,
  type ProviderHarness,
  type ProxyScript,
  type StripeProxy,
} from './provider-harness.ts';

let harness: ProviderHarness;
let proxy: StripeProxy | undefined;
beforeEach(async () => {
  harness = await startProviderHarness();
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await harness.close();
});

const ANONYMOUS_ID = '3f9a7c2e-1d4b-4a6f-9e8d-7c6b5a4f3e2d';

/** The adapter talking to the emulator through a proxy that plays `script`. */
async function providerBehind(
  script: ProxyScript,
  options: { maxNetworkRetries?: number; retryBaseDelayMs?: number; timeoutMs?: number } = {},
): Promise<{ provider: StripePaymentProvider; logs: Record<string, unknown>[] }> {
  proxy = await startStripeProxy(harness.emulator.port, script);
  const logs: Record<string, unknown>[] = [];
  const provider = new StripePaymentProvider({
    secretKey: harness.emulator.apiKey,
    webhookSecret: 'whsec_unused',
    host: '127.0.0.1',
    port: proxy.port,
    protocol: 'http',
    retryBaseDelayMs: 1,
    logger: capturingLogger(logs),
    ...options,
  });
  return { provider, logs };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('transient failures', () => {
  it('are retried with the same idempotency key until the provider answers', async () => {
    const { provider, logs } = await providerBehind((attempt) => (attempt <= 2 ? 503 : 'forward'));
    const key = newKey();
    const customer = await provider.createCustomer(ANONYMOUS_ID, key);
    expect(
      proxy!.received.map((request) => [request.method, request.path, request.headers['idempotency-key']]),
    ).toEqual([
      ['POST', '/v1/customers', key],
      ['POST', '/v1/customers', key],
      ['POST', '/v1/customers', key],
    ]);
    expect((await harness.browser.customers.list()).data.map((listed) => listed.id)).toEqual([customer.id]);
    expect(
      logs.filter((line) => line['msg'] === 'Stripe request failed transiently; retrying').map((line) => line['retry']),
    ).toEqual([1, 2]);
  });

  it('end in ProviderUnavailableError after three retries of a 429, in our own words', async () => {
    const { provider, logs } = await providerBehind(() => 429);
    const error = await provider.createCustomer(ANONYMOUS_ID, newKey()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as Error).message).toBe('The payment provider is unavailable (customers.create).');
    expect(proxy!.received).toHaveLength(4);
    // Stripe's detail is logged, for us only.
    expect(logs).toContainEqual(
      expect.objectContaining({
        msg: 'Stripe unavailable',
        stripe: expect.objectContaining({ statusCode: 429, message: 'Simulated 429: internal detail 7f3a' }),
      }),
    );
  });

  it('are retried as often as configured, on reads too', async () => {
    const { provider } = await providerBehind(() => 500, { maxNetworkRetries: 1 });
    await expect(provider.retrieveSubscription('sub_any')).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(proxy!.received.map((request) => request.method)).toEqual(['GET', 'GET']);
  });

  it('wait longer before each retry, with jitter within bounds', async () => {
    const { provider, logs } = await providerBehind(() => 503, { retryBaseDelayMs: 20 });
    await expect(provider.createCustomer(ANONYMOUS_ID, newKey())).rejects.toBeInstanceOf(ProviderUnavailableError);
    const delays = logs.filter((line) => line['retry']).map((line) => line['delayMs'] as number);
    expect(delays).toHaveLength(3);
    [20, 40, 80].forEach((ceiling, index) => {
      expect(delays[index]).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delays[index]).toBeLessThanOrEqual(ceiling);
    });
  });

  it('include a refused connection', async () => {
    const logs: Record<string, unknown>[] = [];
    const provider = new StripePaymentProvider({
      secretKey: harness.emulator.apiKey,
      webhookSecret: 'whsec_unused',
      host: '127.0.0.1',
      port: await freePort(),
      protocol: 'http',
      retryBaseDelayMs: 1,
      logger: capturingLogger(logs),
    });
    await expect(provider.createCustomer(ANONYMOUS_ID, newKey())).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(logs.filter((line) => line['retry']).map((line) => line['retry'])).toEqual([1, 2, 3]);
  });

  it('include a request that times out', async () => {
    const { provider } = await providerBehind(() => 'hang', { timeoutMs: 50, maxNetworkRetries: 1 });
    await expect(provider.createCustomer(ANONYMOUS_ID, newKey())).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(proxy!.received).toHaveLength(2);
  });
});

describe('final failures', () => {
  it('an invalid request is not retried and becomes ProviderRequestError', async () => {
    const { provider } = await providerBehind(() => 'forward');
    const error = await provider.retrievePaymentMethod('pm_missing').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect((error as Error).message).not.toContain('pm_missing');
    expect(proxy!.received).toHaveLength(1);
  });

  it('a 5xx that Stripe marks Stripe-Should-Retry: false is not retried, and still an outage', async () => {
    const { provider } = await providerBehind(() => ({ status: 500, headers: { 'stripe-should-retry': 'false' } }));
    await expect(provider.createCustomer(ANONYMOUS_ID, newKey())).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(proxy!.received).toHaveLength(1);
  });

  it('a wrong API key is a ProviderRequestError, not an outage', async () => {
    const provider = new StripePaymentProvider({
      secretKey: 'sk_live_wrong',
      webhookSecret: 'whsec_unused',
      host: '127.0.0.1',
      port: harness.emulator.port,
      protocol: 'http',
      retryBaseDelayMs: 1,
    });
    await expect(provider.createCustomer(ANONYMOUS_ID, newKey())).rejects.toBeInstanceOf(ProviderRequestError);
  });

  it('a declined card is not retried', async () => {
    const { customerId, paymentMethodId, priceId } = await customerAndPrice(harness, 'pm_card_chargeCustomerFail');
    const { subscription } = await harness.provider.createSubscription(
      { customerId, priceId, paymentMethodId, taxRateIds: [] },
      newKey(),
    );
    const { provider } = await providerBehind(() => 'forward');
    expect(await provider.payInvoice(subscription.latestInvoiceId!, null, newKey())).toEqual({
      kind: 'failed',
      declineCode: 'generic_decline',
    });
    expect(proxy!.received.filter((request) => request.path.endsWith('/pay'))).toHaveLength(1);
  });
});
