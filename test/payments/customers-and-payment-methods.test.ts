import { ProviderRequestError } from '../../src/billing/ports/payment-provider.ts';
import { newKey, requestLog, saveMethod, startProviderHarness, type ProviderHarness } from './provider-harness.ts';

let harness: ProviderHarness;
beforeEach(async () => {
  harness = await startProviderHarness();
});
afterEach(() => harness.close());

const ANONYMOUS_ID = '0b6f2f3e-8a47-4c55-9d0e-2c1b7a9e4f11';

describe('creating the provider customer', () => {
  it('sends the anonymous id as its only data', async () => {
    const customer = await harness.provider.createCustomer(ANONYMOUS_ID, newKey());
    expect(customer.id).toMatch(/^cus_/);
    const [create] = await requestLog(harness.emulator);
    expect(create).toMatchObject({ method: 'POST', path: '/v1/customers' });
    expect(create!.params).toEqual({ metadata: { anonymous_id: ANONYMOUS_ID } });
  });

  it('creates one customer when the same call is repeated with its idempotency key', async () => {
    const key = newKey();
    const first = await harness.provider.createCustomer(ANONYMOUS_ID, key);
    const again = await harness.provider.createCustomer(ANONYMOUS_ID, key);
    expect(again.id).toBe(first.id);
    expect((await harness.browser.customers.list()).data).toHaveLength(1);
  });
});

describe('saving a payment method', () => {
  it('starts an off-session SetupIntent whose client secret the browser confirms', async () => {
    const { id: customerId } = await harness.provider.createCustomer(ANONYMOUS_ID, newKey());
    const intent = await harness.provider.createSetupIntent(customerId, 'CARD', newKey());
    expect(intent).toMatchObject({
      status: 'requires_payment_method',
      customerId,
      paymentMethodId: null,
      clientSecret: expect.stringMatching(/^seti_.+_secret_/),
    });
    await harness.browser.setupIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    expect(await harness.provider.retrieveSetupIntent(intent.id)).toMatchObject({
      status: 'succeeded',
      paymentMethodId: expect.stringMatching(/^pm_/),
    });
  });

  it('reports a card that needs 3-D Secure as requires_action until the customer authenticates', async () => {
    const { id: customerId } = await harness.provider.createCustomer(ANONYMOUS_ID, newKey());
    const intent = await harness.provider.createSetupIntent(customerId, 'CARD', newKey());
    await harness.browser.setupIntents.confirm(intent.id, { payment_method: 'pm_card_authenticationRequired' });
    expect((await harness.provider.retrieveSetupIntent(intent.id)).status).toBe('requires_action');
    await fetch(`${harness.emulator.url}/_emulator/authenticate/${intent.id}`, { method: 'POST' });
    expect((await harness.provider.retrieveSetupIntent(intent.id)).status).toBe('succeeded');
  });
});

describe('payment method display data', () => {
  it('keeps the brand, last 4 and expiry of a card', async () => {
    const { id: customerId } = await harness.provider.createCustomer(ANONYMOUS_ID, newKey());
    const methodId = await saveMethod(harness, customerId, 'pm_card_mastercard');
    expect(await harness.provider.retrievePaymentMethod(methodId)).toEqual({
      id: methodId,
      customerId,
      type: 'CARD',
      brand: 'mastercard',
      last4: '4444',
      expMonth: expect.any(Number),
      expYear: expect.any(Number),
      country: 'US',
      bankCode: null,
      payerEmail: null,
    });
  });

  it('maps PayPal (country, masked e-mail, never the payer id) and SEPA Direct Debit (bank, country, last 4)', async () => {
    const { id: customerId } = await harness.provider.createCustomer(ANONYMOUS_ID, newKey());
    const paypal = await saveMethod(harness, customerId, 'pm_paypal');
    const sepa = await saveMethod(harness, customerId, 'pm_sepaDebit');
    const paypalDisplay = await harness.provider.retrievePaymentMethod(paypal);
    expect(paypalDisplay).toEqual({
      id: paypal,
      customerId,
      type: 'PAYPAL',
      brand: null,
      last4: null,
      expMonth: null,
      expYear: null,
      country: 'DE',
      bankCode: null,
      payerEmail: 'b…r@example.com',
    });
    expect(JSON.stringify(paypalDisplay)).not.toContain(
      (await harness.browser.paymentMethods.retrieve(paypal)).paypal!.payer_id!,
    );
    expect(await harness.provider.retrievePaymentMethod(sepa)).toEqual({
      id: sepa,
      customerId,
      type: 'SEPA_DEBIT',
      brand: null,
      last4: '3000',
      expMonth: null,
      expYear: null,
      country: 'DE',
      bankCode: '37040044',
      payerEmail: null,
    });
  });

  it('lists the customer methods and forgets a detached one', async () => {
    const { id: customerId } = await harness.provider.createCustomer(ANONYMOUS_ID, newKey());
    const visa = await saveMethod(harness, customerId);
    const paypal = await saveMethod(harness, customerId, 'pm_paypal');
    expect((await harness.provider.listPaymentMethods(customerId)).map((method) => method.id).sort()).toEqual(
      [visa, paypal].sort(),
    );
    await harness.provider.detachPaymentMethod(paypal, newKey());
    expect((await harness.provider.listPaymentMethods(customerId)).map((method) => method.id)).toEqual([visa]);
    expect((await harness.provider.retrievePaymentMethod(paypal)).customerId).toBeNull();
  });
});

describe('the default payment method', () => {
  it('becomes the customer invoice default at the provider', async () => {
    const { id: customerId } = await harness.provider.createCustomer(ANONYMOUS_ID, newKey());
    const methodId = await saveMethod(harness, customerId);
    await harness.provider.setDefaultPaymentMethod(customerId, methodId, newKey());
    const customer = await harness.browser.customers.retrieve(customerId);
    expect(customer).toMatchObject({ invoice_settings: { default_payment_method: methodId } });
  });

  it('refuses an unknown method with our own wording, never Stripe message', async () => {
    const { id: customerId } = await harness.provider.createCustomer(ANONYMOUS_ID, newKey());
    const error = await harness.provider
      .setDefaultPaymentMethod(customerId, 'pm_doesnotexist', newKey())
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect((error as Error).message).toBe('The payment provider refused a request (customers.update).');
    expect(harness.logs).toContainEqual(
      expect.objectContaining({
        operation: 'customers.update',
        stripe: expect.objectContaining({
          statusCode: expect.any(Number),
          message: expect.stringContaining('pm_doesnotexist'),
        }),
      }),
    );
  });
});
