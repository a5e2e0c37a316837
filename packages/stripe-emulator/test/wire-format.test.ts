import Stripe from 'stripe';
import { parseStripeForm } from '../src/http/form-body.ts';
import { startHarness, type Harness } from './emulator-harness.ts';

describe("Stripe's wire format", () => {
  describe('form-encoded bodies', () => {
    it('decodes nested keys, indexed arrays and appended arrays', () => {
      expect(
        parseStripeForm(
          'items[0][price]=price_a&items[1][price]=price_b&items[1][quantity]=2&metadata[anonymous_id]=u-1&expand[]=latest_invoice&expand[]=customer&name=Ada+Lovelace',
        ),
      ).toEqual({
        items: [{ price: 'price_a' }, { price: 'price_b', quantity: '2' }],
        metadata: { anonymous_id: 'u-1' },
        expand: ['latest_invoice', 'customer'],
        name: 'Ada Lovelace',
      });
    });

    it('orders indexed arrays by index, not by arrival', () => {
      expect(parseStripeForm('a[1]=second&a[0]=first')).toEqual({ a: ['first', 'second'] });
    });
  });

  describe('over HTTP with the SDK', () => {
    let harness: Harness;
    beforeEach(async () => {
      harness = await startHarness();
    });
    afterEach(() => harness.close());

    it('answers an unknown id with a resource_missing error and status 404', async () => {
      const error = await harness.stripe.customers.retrieve('cus_missing').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({
        statusCode: 404,
        code: 'resource_missing',
        param: 'id',
        type: 'StripeInvalidRequestError',
      });
    });

    it('answers a missing parameter with parameter_missing and status 400', async () => {
      const error = await harness.stripe.prices
        .create({ currency: 'eur', unit_amount: 100 } as Stripe.PriceCreateParams)
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'product' });
    });

    it('refuses a key that is not a test secret key with status 401', async () => {
      const live = new Stripe('sk_live_nope', {
        host: harness.emulator.host,
        port: harness.emulator.port,
        protocol: 'http',
        maxNetworkRetries: 0,
      });
      const error = await live.customers.list().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    });

    it('answers an unknown endpoint with 404 invalid_request_error', async () => {
      const response = await fetch(`${harness.emulator.url}/v1/nothing_here`, {
        headers: { authorization: `Bearer ${harness.emulator.apiKey}` },
      });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({
        error: { type: 'invalid_request_error', message: expect.stringContaining('Unrecognized request URL') },
      });
    });

    it('pages lists newest first with has_more and starting_after', async () => {
      const created: string[] = [];
      for (const name of ['a', 'b', 'c', 'd', 'e']) created.push((await harness.stripe.customers.create({ name })).id);
      const first = await harness.stripe.customers.list({ limit: 2 });
      expect(first).toMatchObject({ object: 'list', has_more: true, url: '/v1/customers' });
      expect(first.data.map((customer) => customer.id)).toEqual([created[4], created[3]]);
      const last = await harness.stripe.customers.list({ limit: 2, starting_after: created[1] });
      expect(last.data.map((customer) => customer.id)).toEqual([created[0]]);
      expect(last.has_more).toBe(false);
      const before = await harness.stripe.customers.list({ limit: 2, ending_before: created[1] });
      expect(before.data.map((customer) => customer.id)).toEqual([created[3], created[2]]);
      const all: string[] = [];
      for await (const customer of harness.stripe.customers.list({ limit: 2 })) all.push(customer.id);
      expect(all).toEqual([...created].reverse());
    });

    it('expands ids into objects, also inside lists', async () => {
      const customer = await harness.stripe.customers.create({ name: 'Expanded' });
      const method = await harness.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
      const retrieved = await harness.stripe.paymentMethods.retrieve(method.id, { expand: ['customer'] });
      expect(retrieved.customer).toMatchObject({ id: customer.id, object: 'customer' });
      const listed = await harness.stripe.paymentMethods.list({ customer: customer.id, expand: ['data.customer'] });
      expect(listed.data[0]?.customer).toMatchObject({ id: customer.id, name: 'Expanded' });
    });

    it('replays the first response for a repeated Idempotency-Key with the same body', async () => {
      const first = await harness.stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'create-a' });
      const again = await harness.stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'create-a' });
      expect(again.id).toBe(first.id);
      expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
      expect((await harness.stripe.customers.list()).data).toHaveLength(1);
    });

    it('refuses a repeated Idempotency-Key with another body (idempotency_error)', async () => {
      await harness.stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'create-b' });
      const error = await harness.stripe.customers
        .create({ email: 'other@example.com' }, { idempotencyKey: 'create-b' })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
      expect(error).toMatchObject({ statusCode: 400, type: 'StripeIdempotencyError' });
    });

    it('echoes Stripe-Version and records every request for inspection', async () => {
      const customer = await harness.stripe.customers.create(
        { metadata: { anonymous_id: 'u-1' } },
        { idempotencyKey: 'logged' },
      );
      expect(customer.lastResponse.headers['stripe-version']).toBe(Stripe.API_VERSION);
      const log = (await (await fetch(`${harness.emulator.url}/_emulator/requests`)).json()) as {
        data: {
          method: string;
          path: string;
          params: unknown;
          idempotency_key: string;
          stripe_version: string;
          status: number;
        }[];
      };
      expect(log.data).toEqual([
        expect.objectContaining({
          method: 'POST',
          path: '/v1/customers',
          params: { metadata: { anonymous_id: 'u-1' } },
          idempotency_key: 'logged',
          stripe_version: Stripe.API_VERSION,
          status: 200,
        }),
      ]);
    });

    it('forgets everything on reset', async () => {
      const customer = await harness.stripe.customers.create({ name: 'Gone' });
      harness.emulator.reset();
      await expect(harness.stripe.customers.retrieve(customer.id)).rejects.toMatchObject({ code: 'resource_missing' });
      const log = (await (await fetch(`${harness.emulator.url}/_emulator/requests`)).json()) as { data: unknown[] };
      expect(log.data).toHaveLength(1);
    });
  });

  describe('under a seed', () => {
    async function run(): Promise<unknown[]> {
      const harness = await startHarness({ seed: 7 });
      try {
        const customer = await harness.stripe.customers.create({ name: 'Same' });
        const method = await harness.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
        return [customer.id, customer.created, customer.invoice_prefix, method.id, method.created];
      } finally {
        await harness.close();
      }
    }

    it('gives the same ids and timestamps on every run', async () => {
      const first = await run();
      expect(await run()).toEqual(first);
      expect(first[1]).toBe(Date.UTC(2026, 0, 1) / 1000 + 1);
    });
  });
});
