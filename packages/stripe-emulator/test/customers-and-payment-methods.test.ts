import Stripe from 'stripe';
import { startHarness, type Harness } from './emulator-harness.ts';

let harness: Harness;
let stripe: Stripe;
beforeEach(async () => {
  harness = await startHarness();
  stripe = harness.stripe;
});
afterEach(() => harness.close());

async function authenticate(intentId: string, result: 'succeed' | 'fail' = 'succeed'): Promise<void> {
  const response = await fetch(`${harness.emulator.url}/_emulator/authenticate/${intentId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `result=${result}`,
  });
  expect(response.status).toBe(200);
}

describe('customers', () => {
  it('creates, retrieves, updates and deletes a customer known only by an anonymous id', async () => {
    const created = await stripe.customers.create({
      metadata: { anonymous_id: '6b1e0f1c-0000-4000-8000-000000000001' },
    });
    expect(created).toMatchObject({
      object: 'customer',
      email: null,
      name: null,
      metadata: { anonymous_id: '6b1e0f1c-0000-4000-8000-000000000001' },
    });
    const updated = await stripe.customers.update(created.id, { metadata: { plan: 'pro' } });
    expect(updated.metadata).toEqual({ anonymous_id: '6b1e0f1c-0000-4000-8000-000000000001', plan: 'pro' });
    expect((await stripe.customers.retrieve(created.id)).id).toBe(created.id);
    expect(await stripe.customers.del(created.id)).toMatchObject({ id: created.id, deleted: true });
    expect(await stripe.customers.retrieve(created.id)).toMatchObject({ id: created.id, deleted: true });
  });

  it('cancels the subscriptions of a deleted customer', async () => {
    const customer = await stripe.customers.create({
      payment_method: 'pm_card_visa',
      invoice_settings: { default_payment_method: 'pm_card_visa' },
    });
    expect(customer.invoice_settings.default_payment_method).toMatch(/^pm_/);
    const product = await stripe.products.create({ name: 'Pro' });
    const price = await stripe.prices.create({
      product: product.id,
      currency: 'eur',
      unit_amount: 500,
      recurring: { interval: 'month' },
    });
    const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    await stripe.customers.del(customer.id);
    expect(await stripe.subscriptions.retrieve(subscription.id)).toMatchObject({ status: 'canceled' });
  });

  it('removes a metadata key set to an empty string', async () => {
    const customer = await stripe.customers.create({ metadata: { a: '1', b: '2' } });
    expect((await stripe.customers.update(customer.id, { metadata: { a: '' } })).metadata).toEqual({ b: '2' });
  });
});

describe('payment methods', () => {
  it('attaches Stripe test cards by their test id, lists and detaches them', async () => {
    const customer = await stripe.customers.create({});
    const visa = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const mastercard = await stripe.paymentMethods.attach('pm_card_mastercard', { customer: customer.id });
    expect(visa).toMatchObject({ type: 'card', customer: customer.id, card: { brand: 'visa', last4: '4242' } });
    expect(visa.id).toMatch(/^pm_/);
    expect(mastercard.card).toMatchObject({ brand: 'mastercard', last4: '4444' });
    const listed = await stripe.customers.listPaymentMethods(customer.id);
    expect(listed.data.map((method) => method.id)).toEqual([mastercard.id, visa.id]);
    expect(await stripe.paymentMethods.detach(visa.id)).toMatchObject({ id: visa.id, customer: null });
    expect((await stripe.paymentMethods.list({ customer: customer.id })).data.map((method) => method.id)).toEqual([
      mastercard.id,
    ]);
  });

  it('refuses to attach a card that always declines', async () => {
    const customer = await stripe.customers.create({});
    const error = await stripe.paymentMethods
      .attach('pm_card_chargeDeclined', { customer: customer.id })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(error).toMatchObject({ statusCode: 402, code: 'card_declined', decline_code: 'generic_decline' });
  });

  it('attaches pm_card_chargeCustomerFail, whose charges all fail later', async () => {
    const customer = await stripe.customers.create({});
    const method = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: customer.id });
    expect(method.customer).toBe(customer.id);
    const error = await stripe.paymentIntents
      .create({
        amount: 500,
        currency: 'eur',
        customer: customer.id,
        payment_method: method.id,
        confirm: true,
        off_session: true,
      })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 402, code: 'card_declined', decline_code: 'generic_decline' });
  });

  it('creates PayPal and SEPA Direct Debit methods', async () => {
    const customer = await stripe.customers.create({});
    // PayPal reports the payer only once the customer approved the billing agreement (a redirect).
    const paypal = await stripe.paymentMethods.create({ type: 'paypal' });
    expect(paypal).toMatchObject({ type: 'paypal', paypal: { payer_email: null, payer_id: null } });
    const sepa = await stripe.paymentMethods.create({
      type: 'sepa_debit',
      sepa_debit: { iban: 'DE89370400440532013000' },
      billing_details: { name: 'Ada Lovelace', email: 'ada@example.com' },
    });
    expect(sepa).toMatchObject({
      type: 'sepa_debit',
      sepa_debit: { last4: '3000', country: 'DE', bank_code: '37040044' },
    });
    await stripe.paymentMethods.attach(sepa.id, { customer: customer.id });
    await stripe.paymentMethods.attach('pm_paypal', { customer: customer.id });
    expect(
      (await stripe.customers.listPaymentMethods(customer.id, { type: 'sepa_debit' })).data.map((method) => method.id),
    ).toEqual([sepa.id]);
  });

  it('creates a card from a test token', async () => {
    const method = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_mastercard' } });
    expect(method.card).toMatchObject({ brand: 'mastercard', last4: '4444' });
  });
});

describe('setup intents', () => {
  it('saves a card: confirm succeeds and attaches the method to the customer', async () => {
    const customer = await stripe.customers.create({});
    const intent = await stripe.setupIntents.create({
      customer: customer.id,
      payment_method: 'pm_card_visa',
      confirm: true,
      usage: 'off_session',
    });
    expect(intent).toMatchObject({
      status: 'succeeded',
      customer: customer.id,
      client_secret: expect.stringMatching(/^seti_.+_secret_/),
    });
    expect((await stripe.paymentMethods.retrieve(String(intent.payment_method))).customer).toBe(customer.id);
  });

  it('stops at requires_action for a 3-D Secure card until the customer authenticates', async () => {
    const customer = await stripe.customers.create({});
    const intent = await stripe.setupIntents.create({ customer: customer.id });
    expect(intent.status).toBe('requires_payment_method');
    const confirmed = await stripe.setupIntents.confirm(intent.id, {
      payment_method: 'pm_card_authenticationRequired',
    });
    expect(confirmed).toMatchObject({ status: 'requires_action', next_action: { type: 'redirect_to_url' } });
    await authenticate(intent.id);
    expect(await stripe.setupIntents.retrieve(intent.id)).toMatchObject({ status: 'succeeded' });
    expect((await stripe.customers.listPaymentMethods(customer.id)).data).toHaveLength(1);
  });

  it('fails when the customer fails the challenge', async () => {
    const customer = await stripe.customers.create({});
    const intent = await stripe.setupIntents.create({
      customer: customer.id,
      payment_method: 'pm_card_authenticationRequired',
      confirm: true,
    });
    await authenticate(intent.id, 'fail');
    expect(await stripe.setupIntents.retrieve(intent.id)).toMatchObject({
      status: 'requires_payment_method',
      last_setup_error: { code: 'setup_intent_authentication_failure' },
    });
  });

  it('answers a declined setup with a card error', async () => {
    const customer = await stripe.customers.create({});
    const error = await stripe.setupIntents
      .create({ customer: customer.id, payment_method: 'pm_card_chargeDeclinedInsufficientFunds', confirm: true })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 402, code: 'card_declined', decline_code: 'insufficient_funds' });
  });
});

describe('payment intents', () => {
  it('succeeds on confirmation with a working card', async () => {
    const intent = await stripe.paymentIntents.create({
      amount: 1999,
      currency: 'eur',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    expect(intent).toMatchObject({ status: 'succeeded', amount_received: 1999 });
  });

  it('requires action with a client secret for a 3-D Secure card, then succeeds once authenticated', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 1999, currency: 'eur' });
    expect(intent).toMatchObject({
      status: 'requires_payment_method',
      client_secret: expect.stringMatching(/^pi_.+_secret_/),
    });
    const confirmed = await stripe.paymentIntents.confirm(intent.id, {
      payment_method: 'pm_card_authenticationRequired',
    });
    expect(confirmed.status).toBe('requires_action');
    await authenticate(intent.id);
    expect(await stripe.paymentIntents.retrieve(intent.id)).toMatchObject({
      status: 'succeeded',
      amount_received: 1999,
    });
  });

  it('reports insufficient funds as a card error and keeps the intent for another method', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 700, currency: 'eur' });
    const error = await stripe.paymentIntents
      .confirm(intent.id, { payment_method: 'pm_card_chargeDeclinedInsufficientFunds' })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      statusCode: 402,
      code: 'card_declined',
      decline_code: 'insufficient_funds',
      payment_intent: { id: intent.id, status: 'requires_payment_method' },
    });
    expect((await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' })).status).toBe(
      'succeeded',
    );
  });
});

describe('catalog', () => {
  it('creates, updates, archives and lists products, prices and tax rates', async () => {
    const product = await stripe.products.create({ name: 'Pro', metadata: { plan: 'pro' } });
    const price = await stripe.prices.create({
      product: product.id,
      currency: 'eur',
      unit_amount: 999,
      recurring: { interval: 'month' },
      lookup_key: 'pro_monthly',
    });
    expect(price).toMatchObject({
      type: 'recurring',
      unit_amount: 999,
      recurring: { interval: 'month', interval_count: 1 },
    });
    expect(String(price.unit_amount_decimal)).toBe('999');
    await stripe.prices.update(price.id, { active: false });
    await stripe.products.update(product.id, { active: false, name: 'Pro (old)' });
    expect((await stripe.prices.list({ active: true })).data).toEqual([]);
    expect((await stripe.prices.list({ lookup_keys: ['pro_monthly'] })).data.map((listed) => listed.id)).toEqual([
      price.id,
    ]);
    expect((await stripe.products.list({ active: false })).data[0]).toMatchObject({ name: 'Pro (old)', active: false });
    const rate = await stripe.taxRates.create({ display_name: 'TVA', percentage: 20, inclusive: false, country: 'FR' });
    expect(rate).toMatchObject({ percentage: 20, inclusive: false, active: true });
    expect((await stripe.taxRates.update(rate.id, { active: false })).active).toBe(false);
  });
});
