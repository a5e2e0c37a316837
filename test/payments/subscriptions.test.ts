import { customerAndPrice, newKey, startProviderHarness, type ProviderHarness } from './provider-harness.ts';

let harness: ProviderHarness;
beforeEach(async () => {
  harness = await startProviderHarness();
});
afterEach(() => harness.close());

/** The seeded emulator's clock starts here and moves one second per write. */
const JANUARY_1 = Date.UTC(2026, 0, 1);
const FEBRUARY_1 = Date.UTC(2026, 1, 1);

describe('subscribing', () => {
  it('charges the saved method at once and answers an active subscription', async () => {
    const { customerId, paymentMethodId, priceId } = await customerAndPrice(harness);
    const taxRateId = await harness.provider.ensureTaxRate('FR', 2000, newKey());
    const { subscription, payment } = await harness.provider.createSubscription(
      { customerId, priceId, paymentMethodId, taxRateIds: [taxRateId] },
      newKey(),
    );
    expect(payment).toEqual({ kind: 'succeeded' });
    expect(subscription).toEqual({
      id: expect.stringMatching(/^sub_/),
      customerId,
      status: 'ACTIVE',
      priceId,
      currentPeriodStart: expect.any(Date),
      currentPeriodEnd: expect.any(Date),
      cancelAtPeriodEnd: false,
      cancelAt: null,
      canceledAt: null,
      trialEnd: null,
      defaultPaymentMethodId: paymentMethodId,
      latestInvoiceId: expect.stringMatching(/^in_/),
      pendingUpdate: null,
    });
    expect(subscription.currentPeriodStart.getTime()).toBeGreaterThanOrEqual(JANUARY_1);
    expect(subscription.currentPeriodEnd.getTime()).toBeGreaterThanOrEqual(FEBRUARY_1);
    expect(await harness.provider.retrieveInvoice(subscription.latestInvoiceId!)).toMatchObject({
      status: 'PAID',
      currency: 'EUR',
      subtotal: 1000,
      tax: 200,
      total: 1200,
      amountPaid: 1200,
    });
  });

  it('answers requires_action with the payment client secret when the card needs 3-D Secure', async () => {
    const { id: customerId } = await harness.provider.createCustomer('5d1c9a52-3c3e-4a8e-8f0b-6a2f2b7e9c01', newKey());
    // A card whose issuer challenges every charge: saved after one challenge, challenged again when charged.
    const setup = await harness.provider.createSetupIntent(customerId, 'CARD', newKey());
    await harness.browser.setupIntents.confirm(setup.id, { payment_method: 'pm_card_authenticationRequired' });
    await fetch(`${harness.emulator.url}/_emulator/authenticate/${setup.id}`, { method: 'POST' });
    const { paymentMethodId } = await harness.provider.retrieveSetupIntent(setup.id);
    const priceId = await harness.provider.ensurePrice(
      { id: 'plan-pro', name: 'Pro' },
      { id: 'price-pro-monthly', interval: 'MONTH', amount: 1000, currency: 'EUR' },
      newKey(),
    );
    const { subscription, payment } = await harness.provider.createSubscription(
      { customerId, priceId, paymentMethodId, taxRateIds: [] },
      newKey(),
    );
    expect(subscription.status).toBe('INCOMPLETE');
    expect(payment).toEqual({ kind: 'requires_action', clientSecret: expect.stringMatching(/^pi_.+_secret_/) });
    const intentId = (payment as { clientSecret: string }).clientSecret.split('_secret_')[0];
    await fetch(`${harness.emulator.url}/_emulator/authenticate/${intentId}`, { method: 'POST' });
    expect((await harness.provider.retrieveSubscription(subscription.id)).status).toBe('ACTIVE');
  });

  it('answers failed with the decline code, leaving an incomplete subscription', async () => {
    const { customerId, paymentMethodId, priceId } = await customerAndPrice(harness, 'pm_card_chargeCustomerFail');
    const { subscription, payment } = await harness.provider.createSubscription(
      { customerId, priceId, paymentMethodId, taxRateIds: [] },
      newKey(),
    );
    expect(payment).toEqual({ kind: 'failed', declineCode: 'generic_decline' });
    expect(subscription.status).toBe('INCOMPLETE');
    expect(await harness.provider.retrieveInvoice(subscription.latestInvoiceId!)).toMatchObject({
      status: 'OPEN',
      attemptCount: 1,
      paymentFailed: true,
    });
  });

  it('starts a trial without charging', async () => {
    const { customerId, paymentMethodId, priceId } = await customerAndPrice(harness);
    const { subscription, payment } = await harness.provider.createSubscription(
      { customerId, priceId, paymentMethodId, taxRateIds: [], trialDays: 14 },
      newKey(),
    );
    expect(payment).toEqual({ kind: 'succeeded' });
    expect(subscription).toMatchObject({ status: 'TRIALING', trialEnd: expect.any(Date) });
    expect(subscription.trialEnd!.getTime() - subscription.currentPeriodStart.getTime()).toBe(14 * 86_400_000);
  });

  it('creates one subscription when the call is repeated with its idempotency key', async () => {
    const { customerId, paymentMethodId, priceId } = await customerAndPrice(harness);
    const key = newKey();
    const first = await harness.provider.createSubscription(
      { customerId, priceId, paymentMethodId, taxRateIds: [] },
      key,
    );
    const again = await harness.provider.createSubscription(
      { customerId, priceId, paymentMethodId, taxRateIds: [] },
      key,
    );
    expect(again.subscription.id).toBe(first.subscription.id);
    expect(await harness.provider.listSubscriptions(customerId)).toHaveLength(1);
  });
});

describe('changing plan', () => {
  async function subscribed(
    testMethod = 'pm_card_visa',
  ): Promise<{ subscriptionId: string; customerId: string; priceId: string; upgradeId: string }> {
    const { customerId, paymentMethodId, priceId } = await customerAndPrice(harness, testMethod);
    const { subscription } = await harness.provider.createSubscription(
      { customerId, priceId, paymentMethodId, taxRateIds: [] },
      newKey(),
    );
    const upgradeId = await harness.provider.ensurePrice(
      { id: 'plan-max', name: 'Max' },
      { id: 'price-max-monthly', interval: 'MONTH', amount: 2000, currency: 'EUR' },
      newKey(),
    );
    return { subscriptionId: subscription.id, customerId, priceId, upgradeId };
  }

  it('previews the prorated charge of an upgrade', async () => {
    const { subscriptionId, upgradeId } = await subscribed();
    const preview = await harness.provider.previewSubscriptionPriceChange(subscriptionId, upgradeId);
    expect(preview.currency).toBe('EUR');
    expect(preview.prorationLines.map((line) => line.proration)).toEqual([true, true]);
    const [credit, charge] = preview.prorationLines;
    expect(credit!.amount).toBeLessThan(0);
    expect(charge!.amount).toBeGreaterThan(0);
    expect(preview.subtotal).toBe(credit!.amount + charge!.amount);
    expect(preview.amountDue).toBe(preview.total);
  });

  it('bills an upgrade at once with proration and answers succeeded', async () => {
    const { subscriptionId, upgradeId } = await subscribed();
    const preview = await harness.provider.previewSubscriptionPriceChange(subscriptionId, upgradeId);
    const { subscription, payment } = await harness.provider.changeSubscriptionPrice(
      subscriptionId,
      upgradeId,
      'always_invoice',
      'keep_pending',
      newKey(),
    );
    expect(payment).toEqual({ kind: 'succeeded' });
    expect(subscription.priceId).toBe(upgradeId);
    const invoice = await harness.provider.retrieveInvoice(subscription.latestInvoiceId!);
    expect(invoice).toMatchObject({ status: 'PAID', subscriptionId });
    expect(invoice.lines.every((line) => line.proration)).toBe(true);
    // Preview and change happen a second apart: per-second proration may differ by a cent.
    expect(Math.abs(invoice.total - preview.total)).toBeLessThanOrEqual(1);
  });

  it('changes the price without billing when proration is none', async () => {
    const { subscriptionId, upgradeId } = await subscribed();
    const before = await harness.provider.retrieveSubscription(subscriptionId);
    const { subscription, payment } = await harness.provider.changeSubscriptionPrice(
      subscriptionId,
      upgradeId,
      'none',
      'keep_pending',
      newKey(),
    );
    expect(payment).toEqual({ kind: 'succeeded' });
    expect(subscription).toMatchObject({ priceId: upgradeId, latestInvoiceId: before.latestInvoiceId });
  });

  it('answers failed when the upgrade charge is declined, the old price kept and the change pending', async () => {
    const { subscriptionId, customerId, priceId, upgradeId } = await subscribed();
    const failing = await harness.browser.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: customerId });
    await harness.provider.setSubscriptionDefaultPaymentMethod(subscriptionId, failing.id, newKey());
    const { subscription, payment } = await harness.provider.changeSubscriptionPrice(
      subscriptionId,
      upgradeId,
      'always_invoice',
      'keep_pending',
      newKey(),
    );
    expect(payment).toEqual({ kind: 'failed', declineCode: 'generic_decline' });
    expect(subscription).toMatchObject({
      status: 'ACTIVE',
      priceId,
      defaultPaymentMethodId: failing.id,
      pendingUpdate: { priceId: upgradeId, expiresAt: expect.any(Date) },
    });
    expect((await harness.provider.retrieveInvoice(subscription.latestInvoiceId!)).status).toBe('OPEN');
  });
});

describe('cancelling', () => {
  it('at period end, and undoing it', async () => {
    const { customerId, paymentMethodId, priceId } = await customerAndPrice(harness);
    const { subscription } = await harness.provider.createSubscription(
      { customerId, priceId, paymentMethodId, taxRateIds: [] },
      newKey(),
    );
    expect(await harness.provider.setCancelAtPeriodEnd(subscription.id, true, newKey())).toMatchObject({
      status: 'ACTIVE',
      cancelAtPeriodEnd: true,
      canceledAt: expect.any(Date),
    });
    expect(await harness.provider.setCancelAtPeriodEnd(subscription.id, false, newKey())).toMatchObject({
      status: 'ACTIVE',
      cancelAtPeriodEnd: false,
      canceledAt: null,
    });
  });

  it('now, and the ended subscription is still listed', async () => {
    const { customerId, paymentMethodId, priceId } = await customerAndPrice(harness);
    const { subscription } = await harness.provider.createSubscription(
      { customerId, priceId, paymentMethodId, taxRateIds: [] },
      newKey(),
    );
    expect(await harness.provider.cancelSubscriptionNow(subscription.id, newKey())).toMatchObject({
      status: 'CANCELED',
      canceledAt: expect.any(Date),
    });
    expect((await harness.provider.listSubscriptions(customerId)).map((listed) => [listed.id, listed.status])).toEqual([
      [subscription.id, 'CANCELED'],
    ]);
  });

  it('now, twice, answers the ended subscription the second time (Stripe ignores idempotency keys on DELETE)', async () => {
    const { customerId, paymentMethodId, priceId } = await customerAndPrice(harness);
    const { subscription } = await harness.provider.createSubscription(
      { customerId, priceId, paymentMethodId, taxRateIds: [] },
      newKey(),
    );
    const key = newKey();
    const canceled = await harness.provider.cancelSubscriptionNow(subscription.id, key);
    expect(await harness.provider.cancelSubscriptionNow(subscription.id, key)).toEqual(canceled);
  });
});

describe('subscription tax rates', () => {
  it('are replaced, and cleared with an empty list', async () => {
    const { customerId, paymentMethodId, priceId } = await customerAndPrice(harness);
    const { subscription } = await harness.provider.createSubscription(
      { customerId, priceId, paymentMethodId, taxRateIds: [] },
      newKey(),
    );
    const vat = await harness.provider.ensureTaxRate('DE', 1900, newKey());
    await harness.provider.setSubscriptionTaxRates(subscription.id, [vat], newKey());
    expect(
      (await harness.browser.subscriptions.retrieve(subscription.id)).default_tax_rates?.map((rate) => rate.id),
    ).toEqual([vat]);
    await harness.provider.setSubscriptionTaxRates(subscription.id, [], newKey());
    expect((await harness.browser.subscriptions.retrieve(subscription.id)).default_tax_rates).toEqual([]);
  });
});
