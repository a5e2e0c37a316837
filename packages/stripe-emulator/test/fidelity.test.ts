import { readFileSync } from 'node:fs';
import { startHarness, type Harness } from './emulator-harness.ts';
import { sampleObjects, type Samples } from './fidelity-samples.ts';
import { compareWithFixture } from './fixture-comparison.ts';
import { SdkConformance } from './sdk-conformance.ts';
import { KNOWN_DIFFERENCES } from './fidelity-differences.ts';

const FIXTURES = JSON.parse(readFileSync(`${__dirname}/stripe-openapi/fixtures3.json`, 'utf8')) as {
  resources: Record<string, unknown>;
};

/** The SDK type of each resource the emulator returns (the fixtures' names on the left). */
const SDK_TYPES: Record<string, string> = {
  customer: 'Customer',
  deleted_customer: 'DeletedCustomer',
  payment_method: 'PaymentMethod',
  mandate: 'Mandate',
  setup_intent: 'SetupIntent',
  payment_intent: 'PaymentIntent',
  product: 'Product',
  price: 'Price',
  tax_rate: 'TaxRate',
  subscription: 'Subscription',
  subscription_item: 'SubscriptionItem',
  invoice: 'Invoice',
  line_item: 'InvoiceLineItem',
  invoice_payment: 'InvoicePayment',
  invoiceitem: 'InvoiceItem',
  charge: 'Charge',
  refund: 'Refund',
  credit_note: 'CreditNote',
  credit_note_line_item: 'CreditNoteLineItem',
  event: 'Event',
  webhook_endpoint: 'WebhookEndpoint',
  deleted_webhook_endpoint: 'DeletedWebhookEndpoint',
  'test_helpers.test_clock': 'TestHelpers.TestClock',
  'deleted_test_helpers.test_clock': 'TestHelpers.DeletedTestClock',
};

/** The list endpoints checked, with the SDK type of their answer. */
const LISTS: Record<string, string> = {
  '/v1/customers': 'ApiList<Stripe.Customer>',
  '/v1/subscriptions': 'ApiList<Stripe.Subscription>',
  '/v1/invoices': 'ApiList<Stripe.Invoice>',
  '/v1/payment_intents': 'ApiList<Stripe.PaymentIntent>',
  '/v1/charges': 'ApiList<Stripe.Charge>',
  '/v1/refunds': 'ApiList<Stripe.Refund>',
  '/v1/credit_notes': 'ApiList<Stripe.CreditNote>',
  '/v1/prices': 'ApiList<Stripe.Price>',
  '/v1/test_helpers/test_clocks': 'ApiList<Stripe.TestHelpers.TestClock>',
};

/** What the SDK's response wrapper adds to every object (not part of the wire object). */
function wire(object: unknown): unknown {
  const { lastResponse: _ignored, ...rest } = object as Record<string, unknown>;
  return JSON.parse(JSON.stringify(rest));
}

/**
 * Every difference of a resource over all its states: departures from the SDK type and from the example's
 * deterministic values (prefixed with the state), and the fields the example fills that no state fills.
 */
function differencesOf(resource: string, states: Record<string, unknown>, sdk: SdkConformance): string[] {
  const found = new Set<string>();
  const filled = new Set<string>();
  const unfilled = new Set<string>();
  for (const sample of Object.values(states)) {
    const object = wire(sample);
    for (const difference of sdk.differences(SDK_TYPES[resource]!, object)) found.add(`sdk ${difference}`);
    const comparison = compareWithFixture(FIXTURES.resources[resource], object);
    comparison.differences.forEach((difference) => found.add(difference));
    comparison.filled.forEach((path) => filled.add(path));
    comparison.unfilled.forEach((path) => unfilled.add(path));
  }
  for (const path of unfilled) if (!filled.has(path)) found.add(`never filled ${path}`);
  return [...found].sort();
}

describe("fidelity to the SDK's types and Stripe's example objects", () => {
  let harness: Harness;
  let samples: Samples;
  let sdk: SdkConformance;
  beforeAll(async () => {
    harness = await startHarness();
    samples = await sampleObjects(harness);
    sdk = new SdkConformance([...Object.values(SDK_TYPES), ...Object.values(LISTS), 'StripeRawError']);
  }, 60_000);
  afterAll(() => harness.close());

  it('samples every resource it knows the SDK type of, and lists differences only for those', () => {
    expect(Object.keys(samples).sort()).toEqual(Object.keys(SDK_TYPES).sort());
    expect(Object.keys(KNOWN_DIFFERENCES).filter((resource) => !(resource in SDK_TYPES))).toEqual([]);
    for (const states of Object.values(samples))
      for (const sample of Object.values(states)) expect(sample).toBeDefined();
  });

  it('samples the SEPA Direct Debit states it names: a mandate, a processing debit, its pending charge and open invoice', () => {
    expect(samples['mandate']!['SEPA Direct Debit, active']).toMatchObject({
      status: 'active',
      type: 'multi_use',
      payment_method_details: { type: 'sepa_debit' },
    });
    expect(samples['payment_intent']!['processing (SEPA Direct Debit)']).toMatchObject({
      status: 'processing',
      payment_method_types: ['sepa_debit'],
    });
    expect(samples['charge']!['pending (SEPA Direct Debit)']).toMatchObject({
      status: 'pending',
      paid: false,
      payment_method_details: { type: 'sepa_debit', sepa_debit: { mandate: expect.stringMatching(/^mandate_/) } },
    });
    expect(samples['invoice']!['open, its SEPA debit processing']).toMatchObject({
      status: 'open',
      amount_paid: 0,
      next_payment_attempt: null,
    });
    expect(samples['subscription']!['incomplete (SEPA debit processing)']).toMatchObject({ status: 'incomplete' });
  });

  it.each(Object.keys(SDK_TYPES))('%s, in every state, differs only as listed', (resource) => {
    expect(differencesOf(resource, samples[resource]!, sdk)).toEqual(
      Object.keys(KNOWN_DIFFERENCES[resource] ?? {}).sort(),
    );
  });

  async function raw(
    path: string,
    init: RequestInit & { key?: string | null } = {},
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const key = init.key === undefined ? harness.emulator.apiKey : init.key;
    const response = await fetch(`${harness.emulator.url}${path}`, {
      ...init,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(init.headers as Record<string, string>),
      },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it.each(Object.keys(LISTS))('the list %s has the shape of the SDK type, every element included', async (path) => {
    const { status, body } = await raw(`${path}?limit=3`);
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['data', 'has_more', 'object', 'url']);
    expect(body).toMatchObject({ object: 'list', url: path, has_more: expect.any(Boolean) });
    expect((body['data'] as unknown[]).length).toBeGreaterThan(0);
    expect(sdk.differences(LISTS[path]!, body)).toEqual([]);
  });

  describe('error bodies', () => {
    const declined = async () => {
      const customer = await harness.stripe.customers.create({});
      return raw('/v1/payment_intents', {
        method: 'POST',
        body: `amount=1000&currency=eur&customer=${customer.id}&payment_method=pm_card_chargeCustomerFail&confirm=true`,
      });
    };
    const cases: [
      string,
      () => Promise<{ status: number; body: Record<string, unknown> }>,
      number,
      Record<string, unknown>,
    ][] = [
      [
        'an unknown object',
        () => raw('/v1/customers/cus_missing'),
        404,
        {
          type: 'invalid_request_error',
          code: 'resource_missing',
          param: 'id',
          doc_url: 'https://stripe.com/docs/error-codes/resource-missing',
        },
      ],
      [
        'an unknown parameter',
        () => raw('/v1/customers', { method: 'POST', body: 'emial=a%40b.co' }),
        400,
        {
          type: 'invalid_request_error',
          code: 'parameter_unknown',
          param: 'emial',
          doc_url: 'https://stripe.com/docs/error-codes/parameter-unknown',
        },
      ],
      [
        'a missing parameter',
        () => raw('/v1/credit_notes', { method: 'POST', body: '' }),
        400,
        {
          type: 'invalid_request_error',
          code: 'parameter_missing',
          param: 'invoice',
          doc_url: 'https://stripe.com/docs/error-codes/parameter-missing',
        },
      ],
      [
        'a declined card',
        declined,
        402,
        {
          type: 'card_error',
          code: 'card_declined',
          doc_url: 'https://stripe.com/docs/error-codes/card-declined',
          payment_intent: expect.objectContaining({ object: 'payment_intent', status: 'requires_payment_method' }),
        },
      ],
      [
        'a key reused with other parameters',
        async () => {
          await raw('/v1/customers', {
            method: 'POST',
            body: 'name=A',
            headers: { 'idempotency-key': 'fidelity-key' },
          });
          return raw('/v1/customers', {
            method: 'POST',
            body: 'name=B',
            headers: { 'idempotency-key': 'fidelity-key' },
          });
        },
        400,
        { type: 'idempotency_error' },
      ],
      ['no API key', () => raw('/v1/customers', { key: null }), 401, { type: 'invalid_request_error' }],
    ];

    it.each(cases)(
      "for %s: Stripe's status and error object, with a request_log_url that resolves",
      async (_name, request, status, expected) => {
        const answer = await request();
        expect(answer.status).toBe(status);
        expect(Object.keys(answer.body)).toEqual(['error']);
        const error = answer.body['error'] as Record<string, unknown>;
        expect(error).toMatchObject({
          ...expected,
          message: expect.any(String),
          request_log_url: expect.stringMatching(/\/_emulator\/requests\/req_/),
        });
        expect(sdk.differences('StripeRawError', error)).toEqual([]);
        const logged = (await (await fetch(String(error['request_log_url']))).json()) as { status: number };
        expect(logged.status).toBe(status);
      },
    );
  });
});
