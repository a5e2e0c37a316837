import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Stripe from 'stripe';
import { startStripeEmulator } from '../src/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'stripe-emulator-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sdk(emulator: { apiKey: string; host: string; port: number }): Stripe {
  return new Stripe(emulator.apiKey, {
    host: emulator.host,
    port: emulator.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
}

describe('the state file', () => {
  it('brings back every object, and the same ids continue, after a restart', async () => {
    const stateFile = path.join(dir, 'kept.json');
    const first = await startStripeEmulator({ seed: 7, stateFile });
    const stripe = sdk(first);
    const customer = await stripe.customers.create({ metadata: { anonymous_id: 'a' } });
    const method = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const product = await stripe.products.create({ name: 'Pro' });
    const price = await stripe.prices.create({
      product: product.id,
      currency: 'eur',
      unit_amount: 1000,
      recurring: { interval: 'month' },
    });
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: method.id,
    });
    await first.close();
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ format: 1 });

    const second = await startStripeEmulator({ seed: 7, stateFile });
    try {
      const again = sdk(second);
      expect(await again.subscriptions.retrieve(subscription.id)).toMatchObject({
        status: 'active',
        default_payment_method: method.id,
      });
      expect((await again.prices.retrieve(price.id)).unit_amount_decimal?.toString()).toBe('1000');
      expect((await again.customers.listPaymentMethods(customer.id)).data.map((m) => m.id)).toEqual([method.id]);
      const next = await again.customers.create({});
      expect([customer.id, method.id, product.id, price.id, subscription.id]).not.toContain(next.id);
    } finally {
      await second.close();
    }
  });

  it('refuses to start on a corrupt file, saying how to start afresh', async () => {
    const stateFile = path.join(dir, 'corrupt.json');
    writeFileSync(stateFile, '{ not json');
    await expect(startStripeEmulator({ stateFile })).rejects.toThrow(/cannot read its state file .*move it away/);
  });
});
