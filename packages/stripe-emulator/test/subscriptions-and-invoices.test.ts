import Stripe from 'stripe';
import {
  advance,
  customerOnClock,
  DAY,
  eventTypes,
  MARCH_1,
  recurringPrice,
  startHarness,
  vatRate,
  type Harness,
} from './emulator-harness.ts';

let harness: Harness;
let stripe: Stripe;
beforeEach(async () => {
  harness = await startHarness();
  stripe = harness.stripe;
});
afterEach(() => harness.close());

const APRIL_1 = Date.UTC(2026, 3, 1) / 1000;
const MARCH_16 = MARCH_1 + 15 * DAY;

async function latestInvoice(subscription: Stripe.Subscription): Promise<Stripe.Invoice> {
  return stripe.invoices.retrieve(String(subscription.latest_invoice));
}

describe('creating a subscription', () => {
  it('charges the first period at once and becomes active', async () => {
    const { customer } = await customerOnClock(stripe);
    const price = await recurringPrice(stripe, 1000);
    const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    expect(subscription).toMatchObject({ status: 'active', start_date: MARCH_1, billing_cycle_anchor: MARCH_1 });
    expect(subscription.items.data[0]).toMatchObject({
      current_period_start: MARCH_1,
      current_period_end: APRIL_1,
      price: { id: price.id },
    });
    expect(await latestInvoice(subscription)).toMatchObject({
      status: 'paid',
      billing_reason: 'subscription_create',
      amount_paid: 1000,
      number: `${customer.invoice_prefix}-0001`,
    });
  });

  it('with default_incomplete waits for the customer to confirm the invoice payment', async () => {
    const { customer } = await customerOnClock(stripe, null);
    const price = await recurringPrice(stripe, 1000);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      payment_behavior: 'default_incomplete',
      payment_settings: { save_default_payment_method: 'on_subscription' },
      expand: ['latest_invoice.confirmation_secret', 'latest_invoice.payments'],
    });
    expect(subscription.status).toBe('incomplete');
    const invoice = subscription.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({
      status: 'open',
      amount_due: 1000,
      confirmation_secret: { type: 'payment_intent', client_secret: expect.stringMatching(/^pi_.+_secret_/) },
    });
    const intentId = invoice.confirmation_secret!.client_secret.split('_secret_')[0]!;
    await stripe.paymentIntents.confirm(intentId, { payment_method: 'pm_card_visa' });
    const active = await stripe.subscriptions.retrieve(subscription.id, { expand: ['latest_invoice.payments'] });
    expect(active.status).toBe('active');
    expect(active.default_payment_method).toEqual(expect.stringMatching(/^pm_/));
    const paid = active.latest_invoice as Stripe.Invoice;
    expect(paid.status).toBe('paid');
    expect(paid.payments?.data[0]).toMatchObject({
      status: 'paid',
      amount_paid: 1000,
      payment: { type: 'payment_intent', payment_intent: intentId },
    });
  });

  it('with allow_incomplete and a declined card stays incomplete with an open invoice', async () => {
    const { customer } = await customerOnClock(stripe, 'pm_card_chargeCustomerFail');
    const price = await recurringPrice(stripe, 1000);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      payment_behavior: 'allow_incomplete',
    });
    expect(subscription.status).toBe('incomplete');
    expect(await latestInvoice(subscription)).toMatchObject({
      status: 'open',
      attempt_count: 1,
      attempted: true,
      next_payment_attempt: null,
    });
  });

  it('with error_if_incomplete and a declined card answers a card error', async () => {
    const { customer } = await customerOnClock(stripe, 'pm_card_chargeCustomerFail');
    const price = await recurringPrice(stripe, 1000);
    const error = await stripe.subscriptions
      .create({ customer: customer.id, items: [{ price: price.id }], payment_behavior: 'error_if_incomplete' })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 402, code: 'card_declined' });
  });

  it('needing 3-D Secure stays incomplete until the customer authenticates the payment', async () => {
    const { customer } = await customerOnClock(stripe, 'pm_card_authenticationRequired');
    const price = await recurringPrice(stripe, 1000);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      expand: ['latest_invoice.payments'],
    });
    expect(subscription.status).toBe('incomplete');
    const intent = await stripe.paymentIntents.list({ customer: customer.id });
    expect(intent.data[0]).toMatchObject({ status: 'requires_action', next_action: { type: 'redirect_to_url' } });
    await fetch(`${harness.emulator.url}/_emulator/authenticate/${intent.data[0]!.id}`, { method: 'POST' });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('active');
    expect(await eventTypes(stripe, (event) => event.type.startsWith('invoice.'))).toEqual([
      'invoice.created',
      'invoice.finalized',
      'invoice.updated',
      'invoice.payment_action_required',
      'invoice.updated',
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);
  });

  it('with a trial starts trialing with a paid zero invoice', async () => {
    const { customer } = await customerOnClock(stripe);
    const price = await recurringPrice(stripe, 1000);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 14,
    });
    expect(subscription).toMatchObject({
      status: 'trialing',
      trial_start: MARCH_1,
      trial_end: MARCH_1 + 14 * DAY,
      billing_cycle_anchor: MARCH_1 + 14 * DAY,
    });
    expect(await latestInvoice(subscription)).toMatchObject({
      status: 'paid',
      total: 0,
      lines: { data: [expect.objectContaining({ amount: 0, description: 'Trial period for Pro' })] },
    });
  });
});

describe('tax', () => {
  it('adds exclusive tax per line and totals it per rate', async () => {
    const { customer } = await customerOnClock(stripe);
    const price = await recurringPrice(stripe, 999);
    const rate = await vatRate(stripe, 19);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_tax_rates: [rate.id],
    });
    const invoice = await latestInvoice(subscription);
    // 999 × 19 % = 189.81 → 190
    expect(invoice).toMatchObject({ subtotal: 999, total_excluding_tax: 999, total: 1189, amount_paid: 1189 });
    expect(invoice.total_taxes).toEqual([
      {
        amount: 190,
        tax_behavior: 'exclusive',
        tax_rate_details: { tax_rate: rate.id },
        taxability_reason: 'standard_rated',
        taxable_amount: 999,
        type: 'tax_rate_details',
      },
    ]);
    expect(invoice.lines.data[0]?.taxes).toEqual(invoice.total_taxes);
    expect(invoice.default_tax_rates.map((taxRate) => taxRate.id)).toEqual([rate.id]);
  });

  it('takes inclusive tax out of the line amount', async () => {
    const { customer } = await customerOnClock(stripe);
    const price = await recurringPrice(stripe, 1200);
    const rate = await vatRate(stripe, 20, true);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id, tax_rates: [rate.id] }],
    });
    expect(await latestInvoice(subscription)).toMatchObject({
      subtotal: 1200,
      total: 1200,
      subtotal_excluding_tax: 1000,
      total_excluding_tax: 1000,
      total_taxes: [expect.objectContaining({ amount: 200, tax_behavior: 'inclusive', taxable_amount: 1000 })],
    });
  });
});

describe('changing price', () => {
  async function subscribedMonthly(
    unitAmount = 1000,
  ): Promise<{ clock: Stripe.TestHelpers.TestClock; subscription: Stripe.Subscription; rate: Stripe.TaxRate }> {
    const { clock, customer } = await customerOnClock(stripe);
    const price = await recurringPrice(stripe, unitAmount);
    const rate = await vatRate(stripe, 20);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_tax_rates: [rate.id],
    });
    return { clock, subscription, rate };
  }

  it('prorates an upgrade mid-period per second and bills it at renewal', async () => {
    const { clock, subscription } = await subscribedMonthly();
    const upgrade = await recurringPrice(stripe, 2000, 'month', 'Max');
    await advance(stripe, clock, MARCH_16);
    const itemId = subscription.items.data[0]!.id;
    const preview = await stripe.invoices.createPreview({
      subscription: subscription.id,
      subscription_details: {
        items: [{ id: itemId, price: upgrade.id }],
        proration_behavior: 'create_prorations',
        proration_date: MARCH_16,
      },
    });
    // 16 of March's 31 days remain: -1000 × 16/31 = -516.13 → -516; 2000 × 16/31 = 1032.26 → 1032.
    expect(preview.lines.data.map((line) => [line.amount, line.parent?.subscription_item_details?.proration])).toEqual([
      [-516, true],
      [1032, true],
      [2000, false],
    ]);
    // Tax per line: -103.2 → -103, 206.4 → 206, 400.
    expect(preview).toMatchObject({ subtotal: 2516, total: 2516 - 103 + 206 + 400 });
    const updated = await stripe.subscriptions.update(subscription.id, {
      items: [{ id: itemId, price: upgrade.id }],
      proration_behavior: 'create_prorations',
      proration_date: MARCH_16,
    });
    expect(updated.items.data[0]?.price.id).toBe(upgrade.id);
    await advance(stripe, clock, APRIL_1 + 2 * 3600);
    const renewal = await latestInvoice(await stripe.subscriptions.retrieve(subscription.id));
    expect(renewal).toMatchObject({
      billing_reason: 'subscription_cycle',
      status: 'paid',
      subtotal: 2516,
      period_start: MARCH_1,
      period_end: APRIL_1,
    });
    expect(renewal.lines.data.map((line) => [line.amount, line.period.start, line.period.end])).toEqual([
      [-516, MARCH_16, APRIL_1],
      [1032, MARCH_16, APRIL_1],
      [2000, APRIL_1, Date.UTC(2026, 4, 1) / 1000],
    ]);
    expect(renewal.total_taxes?.[0]?.amount).toBe(-103 + 206 + 400);
  });

  it("previews a change drawing on the customer's credit balance, as its invoice then charges", async () => {
    const { clock, subscription } = await subscribedMonthly();
    const upgrade = await recurringPrice(stripe, 2000, 'month', 'Max');
    await advance(stripe, clock, MARCH_16);
    await stripe.customers.update(String(subscription.customer), { balance: -700 });
    const itemId = subscription.items.data[0]!.id;
    const change = { items: [{ id: itemId, price: upgrade.id }], proration_behavior: 'always_invoice' as const };
    const preview = await stripe.invoices.createPreview({
      subscription: subscription.id,
      subscription_details: { ...change, proration_date: MARCH_16 },
    });
    // -516 + 1032 = 516, with 20 % tax per line (-103 + 206): 619, of which the credit pays 619.
    expect(preview).toMatchObject({ total: 619, starting_balance: -700, amount_due: 0 });

    await stripe.customers.update(String(subscription.customer), { balance: -300 });
    const smaller = await stripe.invoices.createPreview({
      subscription: subscription.id,
      subscription_details: { ...change, proration_date: MARCH_16 },
    });
    expect(smaller).toMatchObject({ total: 619, starting_balance: -300, amount_due: 319 });
    const updated = await stripe.subscriptions.update(subscription.id, { ...change, proration_date: MARCH_16 });
    expect(await latestInvoice(updated)).toMatchObject({ total: 619, starting_balance: -300, amount_due: 319 });
    expect(await stripe.customers.retrieve(String(subscription.customer))).toMatchObject({ balance: 0 });
  });

  it('keeps the prorations as pending invoice items until the renewal', async () => {
    const { clock, subscription } = await subscribedMonthly();
    const upgrade = await recurringPrice(stripe, 2000, 'month', 'Max');
    await advance(stripe, clock, MARCH_16);
    await stripe.subscriptions.update(subscription.id, {
      items: [{ id: subscription.items.data[0]!.id, price: upgrade.id }],
    });
    const pending = await stripe.invoiceItems.list({ customer: String(subscription.customer), pending: true });
    expect(pending.data.map((item) => [item.amount, item.proration, item.invoice])).toEqual([
      [1032, true, null],
      [-516, true, null],
    ]);
  });

  it('with always_invoice bills the proration at once', async () => {
    const { clock, subscription } = await subscribedMonthly();
    const upgrade = await recurringPrice(stripe, 2000, 'month', 'Max');
    await advance(stripe, clock, MARCH_16);
    const updated = await stripe.subscriptions.update(subscription.id, {
      items: [{ id: subscription.items.data[0]!.id, price: upgrade.id }],
      proration_behavior: 'always_invoice',
    });
    expect(await latestInvoice(updated)).toMatchObject({
      billing_reason: 'subscription_update',
      status: 'paid',
      subtotal: 516,
      total: 516 + 103,
    });
  });

  it('records the change before billing it (customer.subscription.updated precedes the invoice events)', async () => {
    const { clock, subscription } = await subscribedMonthly();
    const upgrade = await recurringPrice(stripe, 2000, 'month', 'Max');
    await advance(stripe, clock, MARCH_16);
    await stripe.subscriptions.update(subscription.id, {
      items: [{ id: subscription.items.data[0]!.id, price: upgrade.id }],
      proration_behavior: 'always_invoice',
    });
    const types = await eventTypes(
      stripe,
      (event) => event.created === MARCH_16 && !event.type.startsWith('test_helpers.'),
    );
    expect(types.slice(0, 4)).toEqual([
      'customer.subscription.updated',
      'invoiceitem.created',
      'invoiceitem.created',
      'invoice.created',
    ]);
  });

  it('restarts the billing cycle and bills the new period at once when the interval changes', async () => {
    const { clock, subscription } = await subscribedMonthly();
    const yearly = await recurringPrice(stripe, 10000, 'year', 'Pro yearly');
    await advance(stripe, clock, MARCH_16);
    const itemId = subscription.items.data[0]!.id;
    const preview = await stripe.invoices.createPreview({
      subscription: subscription.id,
      subscription_details: { items: [{ id: itemId, price: yearly.id }], proration_date: MARCH_16 },
    });
    const updated = await stripe.subscriptions.update(subscription.id, {
      items: [{ id: itemId, price: yearly.id }],
      proration_date: MARCH_16,
    });
    expect(updated).toMatchObject({
      billing_cycle_anchor: MARCH_16,
      items: {
        data: [
          expect.objectContaining({ current_period_start: MARCH_16, current_period_end: Date.UTC(2027, 2, 16) / 1000 }),
        ],
      },
    });
    const invoice = await latestInvoice(updated);
    expect(invoice).toMatchObject({ billing_reason: 'subscription_update', status: 'paid', subtotal: 10000 - 516 });
    expect(invoice.lines.data.map((line) => line.amount)).toEqual(preview.lines.data.map((line) => line.amount));
  });

  it('with proration_behavior none creates no proration', async () => {
    const { clock, subscription } = await subscribedMonthly();
    const upgrade = await recurringPrice(stripe, 2000, 'month', 'Max');
    await advance(stripe, clock, MARCH_16);
    await stripe.subscriptions.update(subscription.id, {
      items: [{ id: subscription.items.data[0]!.id, price: upgrade.id }],
      proration_behavior: 'none',
    });
    await advance(stripe, clock, APRIL_1 + 2 * 3600);
    expect((await latestInvoice(await stripe.subscriptions.retrieve(subscription.id))).subtotal).toBe(2000);
  });

  it('credits the unused time at the rates its debit was charged, naming it, and charges the rest at the rates now', async () => {
    const { clock, subscription, rate } = await subscribedMonthly();
    const charged = await latestInvoice(subscription);
    const debit = charged.lines.data[0]!;
    const upgrade = await recurringPrice(stripe, 2000, 'month', 'Max');
    const reduced = await vatRate(stripe, 7);
    await advance(stripe, clock, MARCH_16);
    // The rates change between the invoice that charged the month and the change that credits part of it.
    await stripe.subscriptions.update(subscription.id, { default_tax_rates: [reduced.id], proration_behavior: 'none' });
    const change = {
      items: [{ id: subscription.items.data[0]!.id, price: upgrade.id }],
      proration_behavior: 'always_invoice' as const,
    };
    const preview = await stripe.invoices.createPreview({
      subscription: subscription.id,
      subscription_details: { ...change, proration_date: MARCH_16 },
    });
    const invoice = await latestInvoice(
      await stripe.subscriptions.update(subscription.id, { ...change, proration_date: MARCH_16 }),
    );
    const summary = (line: Stripe.InvoiceLineItem) => ({
      amount: line.amount,
      taxes: (line.taxes ?? []).map((tax) => [tax.tax_rate_details?.tax_rate, tax.amount]),
      credited: line.parent?.subscription_item_details?.proration_details?.credited_items ?? null,
    });
    expect(invoice.lines.data.map(summary)).toEqual([
      { amount: -516, taxes: [[rate.id, -103]], credited: { invoice: charged.id, invoice_line_items: [debit.id] } },
      { amount: 1032, taxes: [[reduced.id, 72]], credited: null },
    ]);
    expect(invoice).toMatchObject({ subtotal: 516, total: 516 - 103 + 72 });
    expect((invoice.total_taxes ?? []).map((tax) => [tax.tax_rate_details?.tax_rate, tax.amount])).toEqual([
      [rate.id, -103],
      [reduced.id, 72],
    ]);
    expect(preview.lines.data.map(summary)).toEqual(invoice.lines.data.map(summary));
  });

  it('keeps a pending credit proration on its debit and its rates, the debit on the rates set with the change', async () => {
    const { clock, subscription, rate } = await subscribedMonthly();
    const charged = await latestInvoice(subscription);
    const upgrade = await recurringPrice(stripe, 2000, 'month', 'Max');
    const reduced = await vatRate(stripe, 7);
    await advance(stripe, clock, MARCH_16);
    await stripe.subscriptions.update(subscription.id, {
      items: [{ id: subscription.items.data[0]!.id, price: upgrade.id }],
      default_tax_rates: [reduced.id],
      proration_date: MARCH_16,
    });
    const pending = await stripe.invoiceItems.list({ customer: String(subscription.customer), pending: true });
    const credit = pending.data.find((item) => item.amount < 0)!;
    const debit = pending.data.find((item) => item.amount > 0)!;
    expect(credit.tax_rates?.map((taxRate) => taxRate.id)).toEqual([rate.id]);
    expect(debit.tax_rates?.map((taxRate) => taxRate.id)).toEqual([reduced.id]);
    expect(credit.proration_details?.credited_items).toEqual({
      type: 'invoice_line_items',
      invoice_line_item_details: { invoice: charged.id, invoice_line_items: [charged.lines.data[0]!.id] },
    });
  });

  it('credits a downgrade to the customer balance', async () => {
    const { clock, subscription } = await subscribedMonthly(2000);
    const downgrade = await recurringPrice(stripe, 1000, 'month', 'Lite');
    await advance(stripe, clock, MARCH_16);
    const updated = await stripe.subscriptions.update(subscription.id, {
      items: [{ id: subscription.items.data[0]!.id, price: downgrade.id }],
      proration_behavior: 'always_invoice',
    });
    const invoice = await latestInvoice(updated);
    expect(invoice).toMatchObject({ subtotal: -516, total: -619, amount_due: 0, status: 'paid', ending_balance: -619 });
    expect((await stripe.customers.retrieve(String(updated.customer))) as Stripe.Customer).toMatchObject({
      balance: -619,
    });
  });
});

describe('previewing a new subscription', () => {
  it('shows its first invoice with tax, storing nothing', async () => {
    const { customer } = await customerOnClock(stripe);
    const price = await recurringPrice(stripe, 1000);
    const rate = await vatRate(stripe, 20);
    const preview = await stripe.invoices.createPreview({
      customer: customer.id,
      subscription_details: { items: [{ price: price.id }], default_tax_rates: [rate.id] },
    });
    expect(preview).toMatchObject({
      billing_reason: 'subscription_create',
      subtotal: 1000,
      total: 1200,
      status: 'draft',
    });
    expect(preview.lines.data[0]).toMatchObject({ period: { start: MARCH_1, end: APRIL_1 }, parent: null });
    expect((await stripe.invoices.list({ customer: customer.id })).data).toEqual([]);
  });
});

describe('cancelling', () => {
  it('at period end keeps the subscription until the period ends, and resume undoes it', async () => {
    const { clock, customer } = await customerOnClock(stripe);
    const price = await recurringPrice(stripe, 1000);
    const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    const scheduled = await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    expect(scheduled).toMatchObject({ status: 'active', cancel_at_period_end: true });
    expect(await stripe.subscriptions.resume(subscription.id)).toMatchObject({
      status: 'active',
      cancel_at_period_end: false,
    });
    await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    await advance(stripe, clock, APRIL_1 + DAY);
    expect(await stripe.subscriptions.retrieve(subscription.id)).toMatchObject({
      status: 'canceled',
      ended_at: APRIL_1,
      cancellation_details: { reason: 'cancellation_requested' },
    });
    expect((await stripe.invoices.list({ subscription: subscription.id })).data).toHaveLength(1);
  });

  it('immediately ends the subscription, and only status=all lists it', async () => {
    const { customer } = await customerOnClock(stripe);
    const price = await recurringPrice(stripe, 1000);
    const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    expect(await stripe.subscriptions.cancel(subscription.id)).toMatchObject({ status: 'canceled', ended_at: MARCH_1 });
    expect((await stripe.subscriptions.list({ customer: customer.id })).data).toEqual([]);
    expect(
      (await stripe.subscriptions.list({ customer: customer.id, status: 'all' })).data.map((listed) => listed.id),
    ).toEqual([subscription.id]);
    expect(await eventTypes(stripe, (event) => event.type.startsWith('customer.subscription.'))).toEqual([
      'customer.subscription.created',
      'customer.subscription.updated',
      'customer.subscription.deleted',
    ]);
  });
});

describe('invoices', () => {
  async function openInvoice(): Promise<Stripe.Invoice> {
    const { customer } = await customerOnClock(stripe, null);
    const price = await recurringPrice(stripe, 1000);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      payment_behavior: 'default_incomplete',
    });
    return latestInvoice(subscription);
  }

  it('voids an open invoice', async () => {
    const invoice = await openInvoice();
    expect(await stripe.invoices.voidInvoice(invoice.id)).toMatchObject({
      status: 'void',
      status_transitions: { voided_at: MARCH_1 },
    });
  });

  it('marks an open invoice uncollectible', async () => {
    const invoice = await openInvoice();
    expect(await stripe.invoices.markUncollectible(invoice.id)).toMatchObject({ status: 'uncollectible' });
  });

  it('pays an open invoice with a given payment method', async () => {
    const invoice = await openInvoice();
    expect(await stripe.invoices.pay(invoice.id, { payment_method: 'pm_card_visa' })).toMatchObject({
      status: 'paid',
      amount_paid: 1000,
      amount_remaining: 0,
    });
  });

  it('answers a declined payment with a card error and leaves the invoice open', async () => {
    const invoice = await openInvoice();
    const error = await stripe.invoices
      .pay(invoice.id, { payment_method: 'pm_card_chargeDeclinedInsufficientFunds' })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 402, decline_code: 'insufficient_funds' });
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({ status: 'open', attempt_count: 1 });
  });

  it('lists invoices by customer and status, and an invoice lines', async () => {
    const invoice = await openInvoice();
    expect(
      (await stripe.invoices.list({ customer: String(invoice.customer), status: 'open' })).data.map(
        (listed) => listed.id,
      ),
    ).toEqual([invoice.id]);
    expect((await stripe.invoices.list({ status: 'paid' })).data).toEqual([]);
    expect((await stripe.invoices.listLineItems(invoice.id)).data).toHaveLength(1);
  });
});
