import { customerOnClock, eventTypes, recurringPrice, startHarness, type Harness } from './emulator-harness.ts';

let harness: Harness;
beforeEach(async () => {
  harness = await startHarness();
});
afterEach(() => harness.close());

describe('charges', () => {
  it("record each attempt: latest_charge on the intent, charge.succeeded, and the subscription invoice's charge", async () => {
    const { stripe } = harness;
    const { customer } = await customerOnClock(stripe);
    const price = await recurringPrice(stripe, 1000);
    const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    const [intent] = (await stripe.paymentIntents.list({ customer: customer.id })).data;
    expect(intent).toMatchObject({ status: 'succeeded', latest_charge: expect.stringMatching(/^ch_/) });
    const charge = await stripe.charges.retrieve(intent!.latest_charge as string);
    expect(charge).toMatchObject({
      object: 'charge',
      amount: 1000,
      amount_captured: 1000,
      currency: 'eur',
      customer: customer.id,
      payment_intent: intent!.id,
      paid: true,
      status: 'succeeded',
      refunded: false,
    });
    expect((await stripe.charges.list({ customer: customer.id })).data.map((c) => c.id)).toEqual([charge.id]);
    expect(subscription.status).toBe('active');
    expect(await eventTypes(stripe, (event) => event.type.startsWith('charge.'))).toEqual(['charge.succeeded']);
  });

  it('record a decline as a failed charge', async () => {
    const { stripe } = harness;
    const customer = await stripe.customers.create({});
    const method = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: customer.id });
    await stripe.paymentIntents
      .create({ amount: 500, currency: 'eur', customer: customer.id, payment_method: method.id, confirm: true })
      .catch(() => undefined);
    const [charge] = (await stripe.charges.list({ customer: customer.id })).data;
    expect(charge).toMatchObject({ status: 'failed', paid: false, failure_code: 'card_declined', amount_captured: 0 });
    expect(await eventTypes(stripe, (event) => event.type === 'charge.failed')).toHaveLength(1);
  });
});

describe('refunds', () => {
  async function paidIntent(amount = 2000) {
    const customer = await harness.stripe.customers.create({});
    const method = await harness.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    return harness.stripe.paymentIntents.create({
      amount,
      currency: 'eur',
      customer: customer.id,
      payment_method: method.id,
      confirm: true,
    });
  }

  it('refund part of a charge, then the rest, and refuse more', async () => {
    const { stripe } = harness;
    const intent = await paidIntent();
    const partial = await stripe.refunds.create({
      payment_intent: intent.id,
      amount: 500,
      reason: 'requested_by_customer',
      metadata: { ticket: 't-1' },
    });
    expect(partial).toMatchObject({
      object: 'refund',
      amount: 500,
      status: 'succeeded',
      charge: intent.latest_charge,
      payment_intent: intent.id,
      reason: 'requested_by_customer',
      metadata: { ticket: 't-1' },
    });
    await expect(stripe.refunds.create({ charge: intent.latest_charge as string, amount: 1600 })).rejects.toMatchObject(
      { statusCode: 400, code: 'amount_too_large', param: 'amount' },
    );
    const rest = await stripe.refunds.create({ charge: intent.latest_charge as string });
    expect(rest.amount).toBe(1500);
    expect(await stripe.charges.retrieve(intent.latest_charge as string)).toMatchObject({
      amount_refunded: 2000,
      refunded: true,
    });
    await expect(stripe.refunds.create({ payment_intent: intent.id })).rejects.toMatchObject({
      code: 'charge_already_refunded',
    });
    expect((await stripe.refunds.list({ payment_intent: intent.id })).data.map((refund) => refund.amount)).toEqual([
      1500, 500,
    ]);
    expect(
      await eventTypes(stripe, (event) => event.type.startsWith('refund.') || event.type === 'charge.refunded'),
    ).toEqual(['refund.created', 'charge.refunded', 'refund.created', 'charge.refunded']);
    expect(await stripe.refunds.retrieve(partial.id, { expand: ['charge'] })).toMatchObject({
      charge: { object: 'charge', id: intent.latest_charge },
    });
  });
});

describe('hosted invoice pages and PDFs', () => {
  it('are linked from a finalized invoice and served by the emulator', async () => {
    const { stripe } = harness;
    const { customer } = await customerOnClock(stripe);
    const price = await recurringPrice(stripe, 1000);
    const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    const invoice = await stripe.invoices.retrieve(String(subscription.latest_invoice));
    expect(invoice.hosted_invoice_url).toBe(`${harness.emulator.url}/_emulator/invoices/${invoice.id}`);
    const page = await fetch(invoice.hosted_invoice_url!);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain(`Invoice ${invoice.number}`);
    const pdf = await fetch(invoice.invoice_pdf!);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = await pdf.text();
    expect(bytes.startsWith('%PDF-1.4')).toBe(true);
    expect(bytes).toContain('Total: 10.00 EUR');
  });
});
