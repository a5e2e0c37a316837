import type Stripe from 'stripe';
import { customerOnClock, recurringPrice, startHarness, type Harness } from './emulator-harness.ts';

let harness: Harness;
beforeEach(async () => {
  harness = await startHarness();
});
afterEach(() => harness.close());

/** A raw form POST, for what the SDK's types would not let a caller write. */
async function post(
  path: string,
  body: string,
  method = 'POST',
): Promise<{ status: number; body: { error?: Record<string, unknown> } & Record<string, unknown> }> {
  const response = await fetch(`${harness.emulator.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${harness.emulator.apiKey}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    ...(method === 'GET' ? {} : { body }),
  });
  return { status: response.status, body: (await response.json()) as { error?: Record<string, unknown> } };
}

async function subscription(): Promise<Stripe.Subscription> {
  const { customer } = await customerOnClock(harness.stripe);
  const price = await recurringPrice(harness.stripe, 1000);
  return harness.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
}

describe('parameters Stripe does not know', () => {
  it.each([
    ['/v1/customers', 'foo=bar', 'foo'],
    ['/v1/customers', 'emial=a%40example.com', 'emial'],
    ['/v1/customers', 'address[citi]=Paris', 'address[citi]'],
    ['/v1/prices', 'product=prod_x&currency=eur&unit_amount=100&recurring[intervall]=month', 'recurring[intervall]'],
  ])('POST %s with %s is refused with Received unknown parameter', async (path, body, param) => {
    const answer = await post(path, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      type: 'invalid_request_error',
      message: `Received unknown parameter: ${param}`,
      param,
    });
  });

  it('refuses one in a subscription item, naming its index', async () => {
    const { id } = await subscription();
    const answer = await post(`/v1/subscriptions/${id}`, 'items[0][prise]=price_x');
    expect(answer.body.error).toMatchObject({
      message: 'Received unknown parameter: items[0][prise]',
      param: 'items[0][prise]',
    });
  });

  it('refuses coupon on a subscription update: the pinned API version removed it', async () => {
    const { id } = await subscription();
    expect((await post(`/v1/subscriptions/${id}`, 'coupon=SUMMER')).body.error).toMatchObject({
      message: 'Received unknown parameter: coupon',
    });
  });

  it('refuses one on a GET as well', async () => {
    const answer = await post('/v1/customers?emial=x', '', 'GET');
    expect(answer.body.error).toMatchObject({ message: 'Received unknown parameter: emial' });
  });

  it('changes nothing when refusing', async () => {
    await post('/v1/customers', 'email=a%40example.com&foo=bar');
    expect((await harness.stripe.customers.list()).data).toEqual([]);
  });
});

describe('Stripe parameters the emulator does not emulate', () => {
  it.each([
    ['discounts', 'discounts[0][coupon]=SUMMER'],
    ['collection_method', 'collection_method=send_invoice'],
    ['automatic_tax', 'automatic_tax[enabled]=true'],
  ])('refuses %s on a subscription update with a clear 400', async (param, body) => {
    const { id } = await subscription();
    const answer = await post(`/v1/subscriptions/${id}`, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ type: 'invalid_request_error', code: 'parameter_not_emulated', param });
    expect(answer.body.error?.['message']).toContain('not emulated');
  });

  it('refuses invoice_now and prorate on a cancellation', async () => {
    const { id } = await subscription();
    expect((await post(`/v1/subscriptions/${id}?invoice_now=true`, '', 'DELETE')).body.error).toMatchObject({
      code: 'parameter_not_emulated',
      param: 'invoice_now',
    });
    expect((await post(`/v1/subscriptions/${id}?prorate=true`, '', 'DELETE')).body.error).toMatchObject({
      code: 'parameter_not_emulated',
      param: 'prorate',
    });
    expect((await harness.stripe.subscriptions.retrieve(id)).status).toBe('active');
  });
});

describe("values, as Stripe's API reference states them", () => {
  it.each([
    ['amount=0&currency=eur', 'amount', 'This value must be greater than or equal to 1.'],
    ['amount=-5&currency=eur', 'amount', 'Invalid integer: -5'],
    ['amount=12.5&currency=eur', 'amount', 'Invalid integer: 12.5'],
    ['amount=30&currency=eur', 'amount', 'Amount must be at least 0.50 eur'],
    [
      'amount=1000&currency=xyz',
      'currency',
      'Invalid currency: xyz. Stripe currently supports only ISO 4217 currency codes.',
    ],
    [
      'amount=1000&currency=eur&setup_future_usage=sometimes',
      'setup_future_usage',
      'Invalid setup_future_usage: must be one of off_session, on_session',
    ],
  ])('refuses a payment intent with %s', async (body, param, message) => {
    const answer = await post('/v1/payment_intents', body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ type: 'invalid_request_error', param, message });
  });

  it('refuses a malformed e-mail address', async () => {
    expect((await post('/v1/customers', 'email=not-an-address')).body.error).toMatchObject({
      param: 'email',
      message: 'Invalid email address: not-an-address',
    });
  });

  it('holds metadata to 50 keys, 40-character keys and 500-character values', async () => {
    const keys = Array.from({ length: 51 }, (_, i) => `metadata[k${i}]=v`).join('&');
    expect((await post('/v1/customers', keys)).body.error).toMatchObject({ param: 'metadata' });
    expect((await post('/v1/customers', `metadata[${'k'.repeat(41)}]=v`)).body.error).toMatchObject({
      param: 'metadata',
      message: `Invalid key: ${'k'.repeat(41)} must be a string under 40 characters`,
    });
    expect((await post('/v1/customers', `metadata[k]=${'v'.repeat(501)}`)).body.error).toMatchObject({
      param: 'metadata',
    });
    expect((await post('/v1/customers', `metadata[${'k'.repeat(40)}]=${'v'.repeat(500)}`)).status).toBe(200);
  });

  it('refuses a negative unit amount and quantity', async () => {
    expect((await post('/v1/prices', 'product=prod_x&currency=eur&unit_amount=-1')).body.error).toMatchObject({
      param: 'unit_amount',
    });
    const { id } = await subscription();
    expect((await post(`/v1/subscriptions/${id}`, 'items[0][quantity]=-2')).body.error).toMatchObject({
      param: 'items[0][quantity]',
    });
  });

  it('expands only what the SDK types as expandable, at most four levels deep', async () => {
    const { id } = await subscription();
    expect(
      (await post(`/v1/subscriptions/${id}?expand[]=customer.invoice_settings.default_payment_method`, '', 'GET'))
        .status,
    ).toBe(200);
    expect((await post(`/v1/subscriptions/${id}?expand[]=status`, '', 'GET')).body.error).toMatchObject({
      param: 'expand',
      message: 'This property cannot be expanded (status).',
    });
    expect((await post(`/v1/subscriptions/${id}?expand[]=latest_invoice.nothing`, '', 'GET')).body.error).toMatchObject(
      { message: 'This property cannot be expanded (latest_invoice.nothing).' },
    );
    expect((await post(`/v1/subscriptions/${id}?expand[]=a.b.c.d.e`, '', 'GET')).body.error).toMatchObject({
      param: 'expand',
      message: 'You cannot expand more than 4 levels of a property. Property: a.b.c.d.e',
    });
    const expanded = await harness.stripe.subscriptions.retrieve(id, {
      expand: ['latest_invoice.payments', 'items.data.price.product', 'default_payment_method'],
    });
    expect(expanded.items.data[0]?.price.product).toMatchObject({ object: 'product' });
    expect(expanded.default_payment_method).toBeNull();
  });

  it('refuses, beside payment_behavior=pending_if_incomplete, what pending updates do not support', async () => {
    const { id } = await subscription();
    expect(
      (await post(`/v1/subscriptions/${id}`, 'payment_behavior=pending_if_incomplete&description=x')).body.error,
    ).toMatchObject({ type: 'invalid_request_error', param: 'description' });
    expect(
      (await post(`/v1/subscriptions/${id}`, 'payment_behavior=pending_if_incomplete&trial_end=now')).body.error,
    ).toMatchObject({ code: 'parameter_not_emulated', param: 'trial_end' });
  });
});
