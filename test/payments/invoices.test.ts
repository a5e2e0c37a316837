import {
  customerAndPrice,
  newKey,
  saveMethod,
  startProviderHarness,
  type ProviderHarness,
} from './provider-harness.ts';

let harness: ProviderHarness;
beforeEach(async () => {
  harness = await startProviderHarness();
});
afterEach(() => harness.close());

const MARCH_1 = Date.UTC(2026, 2, 1) / 1000;
const APRIL_1 = Date.UTC(2026, 3, 1) / 1000;
const MAY_1 = Date.UTC(2026, 4, 1) / 1000;

/** A subscription whose first charge was declined: its invoice is open. */
async function openInvoice(): Promise<{ invoiceId: string; customerId: string; subscriptionId: string }> {
  const { customerId, paymentMethodId, priceId } = await customerAndPrice(harness, 'pm_card_chargeCustomerFail');
  const { subscription } = await harness.provider.createSubscription(
    { customerId, priceId, paymentMethodId, taxRateIds: [] },
    newKey(),
  );
  return { invoiceId: subscription.latestInvoiceId!, customerId, subscriptionId: subscription.id };
}

describe('reading invoices', () => {
  it('maps amounts in minor units, the upper-case currency, dates, tax and lines', async () => {
    const { customerId, paymentMethodId, priceId } = await customerAndPrice(harness, 'pm_card_visa', 999);
    const taxRateId = await harness.provider.ensureTaxRate('DE', 1900, newKey());
    const { subscription } = await harness.provider.createSubscription(
      { customerId, priceId, paymentMethodId, taxRateIds: [taxRateId] },
      newKey(),
    );
    const invoice = await harness.provider.retrieveInvoice(subscription.latestInvoiceId!);
    // 999 × 19 % = 189.81 → 190
    expect(invoice).toEqual({
      id: subscription.latestInvoiceId,
      customerId,
      subscriptionId: subscription.id,
      status: 'PAID',
      currency: 'EUR',
      subtotal: 999,
      tax: 190,
      total: 1189,
      vatDecision: null,
      amountPaid: 1189,
      amountDue: 1189,
      attemptCount: 1,
      paymentFailed: false,
      paymentProcessing: false,
      lines: [
        {
          description: expect.any(String),
          priceId,
          quantity: 1,
          unitAmount: 999,
          amount: 999,
          discountAmount: 0,
          proration: false,
          creditedInvoiceId: null,
          periodStart: subscription.currentPeriodStart,
          periodEnd: subscription.currentPeriodEnd,
        },
      ],
      periodStart: expect.any(Date),
      periodEnd: expect.any(Date),
      createdAt: expect.any(Date),
      finalizedAt: expect.any(Date),
      paidAt: expect.any(Date),
      dueAt: null,
    });
  });

  it('lists every invoice of the customer, a failed renewal open with its failed attempt', async () => {
    const clock = await harness.browser.testHelpers.testClocks.create({ frozen_time: MARCH_1 });
    const customer = await harness.browser.customers.create({
      test_clock: clock.id,
      metadata: { anonymous_id: 'c0ffee00-0000-4000-8000-000000000001' },
    });
    const paymentMethodId = await saveMethod(harness, customer.id, 'pm_card_visa');
    const priceId = await harness.provider.ensurePrice(
      { id: 'plan-pro', name: 'Pro' },
      { id: 'price-pro-monthly', interval: 'MONTH', amount: 1000, currency: 'EUR' },
      newKey(),
    );
    const { subscription } = await harness.provider.createSubscription(
      { customerId: customer.id, priceId, paymentMethodId, taxRateIds: [] },
      newKey(),
    );
    const failing = await saveMethod(harness, customer.id, 'pm_card_chargeCustomerFail');
    await harness.provider.setSubscriptionDefaultPaymentMethod(subscription.id, failing, newKey());
    await harness.browser.testHelpers.testClocks.advance(clock.id, { frozen_time: APRIL_1 + 2 * 3600 });

    const invoices = await harness.provider.listInvoices(customer.id);
    expect(invoices.map((invoice) => [invoice.status, invoice.paymentFailed])).toEqual([
      ['OPEN', true],
      ['PAID', false],
    ]);
    const renewal = invoices[0]!;
    expect(renewal).toMatchObject({
      subscriptionId: subscription.id,
      attemptCount: 1,
      amountDue: 1000,
      amountPaid: 0,
      // The period it bills, as its line says: Stripe's own invoice period would be March, the one that ended.
      periodStart: new Date(APRIL_1 * 1000),
      periodEnd: new Date(MAY_1 * 1000),
    });
    expect(renewal.lines[0]).toMatchObject({
      periodStart: new Date(APRIL_1 * 1000),
      periodEnd: new Date(MAY_1 * 1000),
    });
    expect((await harness.provider.retrieveSubscription(subscription.id)).status).toBe('PAST_DUE');
  });
});

describe('paying an open invoice', () => {
  it('with another method succeeds and the subscription becomes active', async () => {
    const { invoiceId, customerId, subscriptionId } = await openInvoice();
    const visa = await saveMethod(harness, customerId);
    expect(await harness.provider.payInvoice(invoiceId, visa, newKey())).toEqual({ kind: 'succeeded' });
    expect(await harness.provider.retrieveInvoice(invoiceId)).toMatchObject({
      status: 'PAID',
      paidAt: expect.any(Date),
      paymentFailed: false,
    });
    expect((await harness.provider.retrieveSubscription(subscriptionId)).status).toBe('ACTIVE');
  });

  it('with the default method that keeps failing answers the decline code', async () => {
    const { invoiceId } = await openInvoice();
    expect(await harness.provider.payInvoice(invoiceId, null, newKey())).toEqual({
      kind: 'failed',
      declineCode: 'generic_decline',
    });
    expect(await harness.provider.retrieveInvoice(invoiceId)).toMatchObject({ status: 'OPEN', attemptCount: 2 });
  });

  it('again while its SEPA debit processes: processing, whatever method is given, and no second charge', async () => {
    const { invoiceId, customerId } = await openInvoice();
    const sepa = await saveMethod(harness, customerId, 'pm_sepaDebit');
    const visa = await saveMethod(harness, customerId);
    expect(await harness.provider.payInvoice(invoiceId, sepa, newKey())).toEqual({ kind: 'processing' });
    // As when our mirror has not heard of the debit yet: Stripe refuses, and the debit is the answer.
    for (const method of [sepa, visa, null]) {
      expect(await harness.provider.payInvoice(invoiceId, method, newKey())).toEqual({ kind: 'processing' });
    }
    const charges = (await harness.browser.charges.list({ customer: customerId })).data;
    expect(charges.filter((charge) => charge.status !== 'failed')).toEqual([
      expect.objectContaining({ status: 'pending', payment_method: sepa }),
    ]);
  });

  it('with a card that needs 3-D Secure answers the client secret to authenticate with', async () => {
    const { invoiceId, customerId } = await openInvoice();
    const challenged = await harness.browser.paymentMethods.attach('pm_card_authenticationRequired', {
      customer: customerId,
    });
    const outcome = await harness.provider.payInvoice(invoiceId, challenged.id, newKey());
    expect(outcome).toEqual({ kind: 'requires_action', clientSecret: expect.stringMatching(/^pi_.+_secret_/) });
    const intentId = (outcome as { clientSecret: string }).clientSecret.split('_secret_')[0];
    await fetch(`${harness.emulator.url}/_emulator/authenticate/${intentId}`, { method: 'POST' });
    expect((await harness.provider.retrieveInvoice(invoiceId)).status).toBe('PAID');
  });
});
