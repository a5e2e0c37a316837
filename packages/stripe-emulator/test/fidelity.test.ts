import { readFileSync } from 'node:fs';
import { startHarness, type Harness } from './emulator-harness.ts';
import { sampleObjects, type Samples } from './fidelity-samples.ts';
import { compareWithFixture } from './fixture-comparison.ts';
import { SdkConformance } from './sdk-conformance.ts';
import { KNOWN_DIFFERENCES } from './fidelity-differences.ts';

const FIXTURES = JSON.parse(readFileSync(`${__dirname}/stripe-openapi/fixtures3.json`, 'utf8')) as { resources: Record<string, unknown> };

/** The SDK type of each resource the emulator returns (the fixtures' names on the left). */
const SDK_TYPES: Record<string, string> = {
  customer: 'Customer',
  deleted_customer: 'DeletedCustomer',
  payment_method: 'PaymentMethod',
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
    sdk = new SdkConformance(Object.values(SDK_TYPES));
  }, 60_000);
  afterAll(() => harness.close());

  it('samples every resource it knows the SDK type of, and lists differences only for those', () => {
    expect(Object.keys(samples).sort()).toEqual(Object.keys(SDK_TYPES).sort());
    expect(Object.keys(KNOWN_DIFFERENCES).filter((resource) => !(resource in SDK_TYPES))).toEqual([]);
    for (const states of Object.values(samples)) for (const sample of Object.values(states)) expect(sample).toBeDefined();
  });

  it.each(Object.keys(SDK_TYPES))('%s, in every state, differs only as listed', (resource) => {
    expect(differencesOf(resource, samples[resource]!, sdk)).toEqual(Object.keys(KNOWN_DIFFERENCES[resource] ?? {}).sort());
  });
});
