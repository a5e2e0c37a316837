import { StripePaymentProvider } from '../../src/payments/stripe/stripe-payment-provider.ts';
import { newKey, requestLog, saveMethod, startProviderHarness, startStripeProxy, type LoggedRequest, type ProviderHarness, type StripeProxy } from './provider-harness.ts';

let harness: ProviderHarness;
let proxy: StripeProxy;
/** The adapter under test, behind a proxy that records the headers of every request it makes. */
let provider: StripePaymentProvider;

beforeEach(async () => {
  harness = await startProviderHarness();
  proxy = await startStripeProxy(harness.emulator.port);
  provider = new StripePaymentProvider({ secretKey: harness.emulator.apiKey, webhookSecret: 'whsec_unused', host: '127.0.0.1', port: proxy.port, protocol: 'http', retryBaseDelayMs: 1 });
});
afterEach(async () => {
  await proxy.close();
  await harness.close();
});

/** Field names that carry personal data in Stripe's API, at any depth of a request. */
const PERSONAL_FIELDS = new Set(['name', 'email', 'phone', 'address', 'line1', 'line2', 'city', 'postal_code', 'shipping', 'description', 'billing_details', 'tax_id_data', 'tax_ids', 'individual']);
/** The only metadata keys the adapter may write: ids, never data about a person. */
const METADATA_KEYS = new Set(['anonymous_id', 'plan_id', 'price_id', 'tax_rate_key']);
const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;

/** Every place in the request log where personal data reached the provider. */
function personalData(requests: LoggedRequest[]): string[] {
  const findings: string[] = [];
  const visit = (request: LoggedRequest, value: unknown, path: string[]): void => {
    const where = `${request.method} ${request.path} ${path.join('.')}`;
    if (typeof value === 'string' && EMAIL.test(value)) findings.push(`${where}: an e-mail address`);
    if (typeof value !== 'object' || value === null) return;
    for (const [key, nested] of Object.entries(value)) {
      const field = [...path, key];
      // A product's name is the plan's name: catalog data, not a person's.
      const catalogName = field.join('.') === 'name' && request.path.startsWith('/v1/products');
      if (PERSONAL_FIELDS.has(key) && !catalogName) findings.push(`${request.method} ${request.path} ${field.join('.')}`);
      if (path.at(-1) === 'metadata' && !METADATA_KEYS.has(key)) findings.push(`${request.method} ${request.path} ${field.join('.')}: metadata`);
      visit(request, nested, field);
    }
  };
  for (const request of requests) visit(request, request.params, []);
  return findings;
}

/** The whole payment lifecycle through the adapter; the browser's part (confirming intents) through Stripe.js' SDK. */
async function fullLifecycle(): Promise<void> {
  const { id: customerId } = await provider.createCustomer('9e2d4c6a-8b1f-4e3d-a5c7-0f2e4d6b8a1c', newKey());
  const setup = await provider.createSetupIntent(customerId, 'CARD', newKey());
  await harness.browser.setupIntents.confirm(setup.id, { payment_method: 'pm_card_visa' });
  const card = (await provider.retrieveSetupIntent(setup.id)).paymentMethodId!;
  await provider.retrievePaymentMethod(card);
  await provider.setDefaultPaymentMethod(customerId, card, newKey());
  const paypal = await saveMethod(harness, customerId, 'pm_paypal');
  await provider.listPaymentMethods(customerId);

  const pro = await provider.ensurePrice({ id: 'plan-pro', name: 'Pro' }, { id: 'price-pro-monthly', interval: 'MONTH', amount: 1000, currency: 'EUR' }, newKey());
  const max = await provider.ensurePrice({ id: 'plan-max', name: 'Max' }, { id: 'price-max-monthly', interval: 'MONTH', amount: 2000, currency: 'EUR' }, newKey());
  const maxYearly = await provider.ensurePrice({ id: 'plan-max', name: 'Max' }, { id: 'price-max-yearly', interval: 'YEAR', amount: 20000, currency: 'EUR' }, newKey());
  const vat = await provider.ensureTaxRate('FR', 2000, newKey());

  const { subscription } = await provider.createSubscription({ customerId, priceId: pro, paymentMethodId: card, taxRateIds: [vat] }, newKey());
  await provider.previewSubscriptionPriceChange(subscription.id, max);
  await provider.changeSubscriptionPrice(subscription.id, max, 'always_invoice', newKey());
  await provider.setSubscriptionTaxRates(subscription.id, [], newKey());
  await provider.setSubscriptionDefaultPaymentMethod(subscription.id, paypal, newKey());
  await provider.setCancelAtPeriodEnd(subscription.id, true, newKey());
  await provider.setCancelAtPeriodEnd(subscription.id, false, newKey());

  // A declined charge leaves an open invoice, which the customer then pays with the card.
  const failing = await saveMethod(harness, customerId, 'pm_card_chargeCustomerFail');
  await provider.setSubscriptionDefaultPaymentMethod(subscription.id, failing, newKey());
  const yearly = await provider.changeSubscriptionPrice(subscription.id, maxYearly, 'always_invoice', newKey());
  expect(yearly.payment).toEqual({ kind: 'failed', declineCode: 'generic_decline' });
  expect(await provider.payInvoice(yearly.subscription.latestInvoiceId!, card, newKey())).toEqual({ kind: 'succeeded' });

  await provider.listInvoices(customerId);
  await provider.retrieveInvoice(yearly.subscription.latestInvoiceId!);
  await provider.listSubscriptions(customerId);
  await provider.cancelSubscriptionNow(subscription.id, newKey());
  await provider.detachPaymentMethod(failing, newKey());
}

describe('privacy', () => {
  it('no personal data reaches the provider in any request of the whole lifecycle', async () => {
    await fullLifecycle();
    const requests = await requestLog(harness.emulator);
    expect(requests.length).toBeGreaterThan(40);
    expect(personalData(requests)).toEqual([]);
  });

  it('the check fails on personal data anywhere in a request', async () => {
    const { id } = await harness.provider.createCustomer('9e2d4c6a-8b1f-4e3d-a5c7-0f2e4d6b8a1c', newKey());
    await harness.browser.customers.update(id, { email: 'jane@example.com', address: { city: 'Lyon' }, metadata: { full_name: 'Jane Doe' } });
    expect(personalData(await requestLog(harness.emulator))).toEqual([
      `POST /v1/customers/${id} email`,
      `POST /v1/customers/${id} email: an e-mail address`,
      `POST /v1/customers/${id} address`,
      `POST /v1/customers/${id} address.city`,
      `POST /v1/customers/${id} metadata.full_name: metadata`,
    ]);
  });
});

describe('idempotency', () => {
  it('every write the adapter makes carries the caller idempotency key', async () => {
    await fullLifecycle();
    const writes = proxy.received.filter((request) => request.method === 'POST' || request.method === 'DELETE');
    expect(writes.some((request) => request.method === 'DELETE')).toBe(true);
    const unkeyed = writes.filter((request) => !request.headers['idempotency-key']);
    expect(unkeyed).toEqual([]);
    // A preview is a POST that changes nothing: the port gives it no key, the SDK adds its own.
    const notOurs = writes.filter((request) => !String(request.headers['idempotency-key']).startsWith('test-') && !request.path.startsWith('/v1/invoices/create_preview'));
    expect(notOurs.map((request) => `${request.method} ${request.path}`)).toEqual([]);
  });

  it('the emulator saw an Idempotency-Key on every POST', async () => {
    await fullLifecycle();
    const posts = (await requestLog(harness.emulator)).filter((request) => request.method === 'POST');
    expect(posts.filter((request) => !request.idempotency_key)).toEqual([]);
  });
});
