import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidWebhookSignatureError } from '../../src/billing/ports/payment-provider.ts';
import { StripePaymentProvider } from '../../src/payments/stripe/stripe-payment-provider.ts';
import { waitUntil } from '../support/eventually.ts';
import { WEBHOOK_SECRET, newKey, startProviderHarness, type ProviderHarness } from './provider-harness.ts';

interface Delivery {
  body: Buffer;
  signature: string;
}

let deliveries: Delivery[];
let receiver: Server;
let harness: ProviderHarness;

beforeEach(async () => {
  deliveries = [];
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      deliveries.push({ body: Buffer.concat(chunks), signature: String(request.headers['stripe-signature']) });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/stripe`;
  harness = await startProviderHarness({ emulator: { webhookEndpoints: [{ url, secret: WEBHOOK_SECRET }] } });
});

afterEach(async () => {
  await harness.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

async function customerCreatedDelivery(): Promise<Delivery> {
  await harness.provider.createCustomer('7a0e4c1d-2b3f-4e5a-8c9d-0e1f2a3b4c5d', newKey());
  await waitUntil('the customer.created webhook is delivered', () => deliveries.length > 0);
  return deliveries[0]!;
}

describe('parsing a webhook', () => {
  it('verifies the signature and names the event and its object', async () => {
    const delivery = await customerCreatedDelivery();
    const event = harness.provider.parseWebhook(delivery.body, delivery.signature);
    expect(event).toEqual({
      id: expect.stringMatching(/^evt_/),
      type: 'customer.created',
      objectType: 'customer',
      objectId: expect.stringMatching(/^cus_/),
      createdAt: expect.any(Date),
      payload: expect.objectContaining({ type: 'customer.created' }),
    });
  });

  it('refuses a body altered after signing', async () => {
    const delivery = await customerCreatedDelivery();
    const altered = Buffer.from(delivery.body.toString('utf8').replace('customer.created', 'customer.deleted'));
    expect(() => harness.provider.parseWebhook(altered, delivery.signature)).toThrow(InvalidWebhookSignatureError);
  });

  it('refuses a signature made with another secret, or none', async () => {
    const delivery = await customerCreatedDelivery();
    const otherSecret = new StripePaymentProvider({
      secretKey: harness.emulator.apiKey,
      webhookSecret: 'whsec_someone_else',
    });
    expect(() => otherSecret.parseWebhook(delivery.body, delivery.signature)).toThrow(InvalidWebhookSignatureError);
    expect(() => harness.provider.parseWebhook(delivery.body, '')).toThrow(InvalidWebhookSignatureError);
  });
});
