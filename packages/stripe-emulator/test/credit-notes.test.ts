import type Stripe from 'stripe';
import {
  customerOnClock,
  eventTypes,
  recurringPrice,
  startHarness,
  vatRate,
  type Harness,
} from './emulator-harness.ts';

let harness: Harness;
beforeEach(async () => {
  harness = await startHarness();
});
afterEach(() => harness.close());

/** A subscription's first invoice: paid by `pm_card_visa`, left open by a card whose charges fail. */
async function firstInvoice(paymentMethod = 'pm_card_visa', withVat = false): Promise<Stripe.Invoice> {
  const { stripe } = harness;
  const { customer } = await customerOnClock(stripe, paymentMethod);
  const price = await recurringPrice(stripe, 1000);
  const rates = withVat ? [(await vatRate(stripe)).id] : [];
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    default_tax_rates: rates,
    expand: ['latest_invoice'],
  });
  return subscription.latest_invoice as Stripe.Invoice;
}

describe('credit notes on a paid invoice', () => {
  it('refund through refund_amount: a refund of the charge, the post-payment amount on the invoice', async () => {
    const { stripe } = harness;
    const invoice = await firstInvoice();
    const note = await stripe.creditNotes.create({
      invoice: invoice.id,
      amount: 400,
      refund_amount: 400,
      reason: 'order_change',
      memo: 'Downgrade',
      metadata: { ticket: 'T-7' },
    });
    expect(note).toMatchObject({
      object: 'credit_note',
      invoice: invoice.id,
      customer: invoice.customer,
      status: 'issued',
      type: 'post_payment',
      amount: 400,
      total: 400,
      subtotal: 400,
      pre_payment_amount: 0,
      post_payment_amount: 400,
      out_of_band_amount: null,
      reason: 'order_change',
      memo: 'Downgrade',
      metadata: { ticket: 'T-7' },
      number: `${invoice.number}-CN-01`,
      currency: 'eur',
      voided_at: null,
    });
    const [refund] = (
      await stripe.refunds.list({
        payment_intent: (await stripe.paymentIntents.list({ customer: invoice.customer as string })).data[0]!.id,
      })
    ).data;
    expect(note.refunds).toEqual([
      { amount_refunded: 400, payment_record_refund: null, refund: refund!.id, type: 'refund' },
    ]);
    expect(refund).toMatchObject({ amount: 400, status: 'succeeded' });
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({
      status: 'paid',
      post_payment_credit_notes_amount: 400,
      pre_payment_credit_notes_amount: 0,
      amount_paid: 1000,
    });
    const updated = (await stripe.events.list({ type: 'invoice.updated' })).data[0]!;
    expect(updated.data.previous_attributes).toEqual({ post_payment_credit_notes_amount: 0 });
  });

  it('credit_amount lands in the customer balance, out_of_band_amount is only recorded', async () => {
    const { stripe } = harness;
    const invoice = await firstInvoice();
    await stripe.creditNotes.create({ invoice: invoice.id, amount: 600, credit_amount: 250, out_of_band_amount: 350 });
    expect(await stripe.customers.retrieve(invoice.customer as string)).toMatchObject({ balance: -250 });
    expect((await stripe.creditNotes.list({ invoice: invoice.id })).data[0]).toMatchObject({
      out_of_band_amount: 350,
      refunds: [],
    });
  });

  it('refuses amounts that do not add up, more than the invoice, unknown invoices and parameters, changing nothing', async () => {
    const { stripe } = harness;
    const invoice = await firstInvoice();
    await expect(
      stripe.creditNotes.create({ invoice: invoice.id, amount: 500, refund_amount: 300 }),
    ).rejects.toMatchObject({ statusCode: 400, type: 'StripeInvalidRequestError', param: 'refund_amount' });
    await expect(
      stripe.creditNotes.create({ invoice: invoice.id, amount: 1001, out_of_band_amount: 1001 }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'amount' });
    await expect(stripe.creditNotes.create({ invoice: invoice.id })).rejects.toMatchObject({
      statusCode: 400,
      param: 'amount',
    });
    await expect(
      stripe.creditNotes.create({ invoice: 'in_missing', amount: 100, out_of_band_amount: 100 }),
    ).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'invoice' });
    await expect(
      stripe.creditNotes.create({ invoice: invoice.id, amount: 100, out_of_band_amount: 100, email_type: 'none' }),
    ).rejects.toMatchObject({ code: 'parameter_not_emulated', param: 'email_type' });
    await expect(
      stripe.creditNotes.create({
        invoice: invoice.id,
        amount: 100,
        out_of_band_amount: 100,
        refund: 're_x',
      } as Stripe.CreditNoteCreateParams),
    ).rejects.toMatchObject({ code: 'parameter_unknown', param: 'refund' });
    expect((await stripe.creditNotes.list()).data).toEqual([]);
    expect(await stripe.customers.retrieve(invoice.customer as string)).toMatchObject({ balance: 0 });
  });

  it('credits invoice lines with their tax, by quantity or amount', async () => {
    const { stripe } = harness;
    const invoice = await firstInvoice('pm_card_visa', true);
    const line = invoice.lines.data[0]!;
    const preview = await stripe.creditNotes.preview({
      invoice: invoice.id,
      lines: [{ type: 'invoice_line_item', invoice_line_item: line.id, amount: 500 }],
      refund_amount: 600,
    });
    expect(preview).toMatchObject({
      subtotal: 500,
      total: 600,
      total_excluding_tax: 500,
      total_taxes: [{ amount: 100, tax_behavior: 'exclusive', taxable_amount: 500 }],
    });
    expect(preview.lines.data[0]).toMatchObject({
      object: 'credit_note_line_item',
      type: 'invoice_line_item',
      invoice_line_item: line.id,
      amount: 500,
      taxes: [{ amount: 100 }],
      tax_rates: [{ percentage: 20 }],
    });
    const previewLines = await stripe.creditNotes.listPreviewLineItems({
      invoice: invoice.id,
      lines: [{ type: 'invoice_line_item', invoice_line_item: line.id, amount: 500 }],
      refund_amount: 600,
    });
    expect(previewLines).toMatchObject({
      object: 'list',
      url: '/v1/credit_notes/preview/lines',
      data: [{ amount: 500, invoice_line_item: line.id }],
    });
    expect((await stripe.creditNotes.list()).data).toEqual([]);
    const whole = await stripe.creditNotes.create({
      invoice: invoice.id,
      lines: [{ type: 'invoice_line_item', invoice_line_item: line.id, quantity: 1 }],
      refund_amount: 1200,
    });
    expect(whole).toMatchObject({ total: 1200, subtotal: 1000 });
    await expect(
      stripe.creditNotes.create({
        invoice: invoice.id,
        lines: [{ type: 'custom_line_item', unit_amount: 1, quantity: 1, description: 'Goodwill' }],
        refund_amount: 1,
      }),
    ).rejects.toMatchObject({ param: 'amount' });
    expect((await stripe.creditNotes.listLineItems(whole.id)).data.map((item) => item.id)).toEqual(
      whole.lines.data.map((item) => item.id),
    );
  });
});

describe('credit notes on an open invoice', () => {
  it('reduce what is due first (pre-payment); crediting it all settles the invoice', async () => {
    const { stripe } = harness;
    const invoice = await firstInvoice('pm_card_chargeCustomerFail');
    expect(invoice.status).toBe('open');
    const part = await stripe.creditNotes.create({ invoice: invoice.id, amount: 300 });
    expect(part).toMatchObject({ type: 'pre_payment', pre_payment_amount: 300, post_payment_amount: 0 });
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({
      status: 'open',
      amount_due: 700,
      amount_remaining: 700,
      pre_payment_credit_notes_amount: 300,
    });
    const voided = await stripe.creditNotes.voidCreditNote(part.id);
    expect(voided).toMatchObject({ status: 'void', voided_at: expect.any(Number) });
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({
      amount_due: 1000,
      pre_payment_credit_notes_amount: 0,
    });
    await expect(stripe.creditNotes.voidCreditNote(part.id)).rejects.toMatchObject({ statusCode: 400 });
    await stripe.creditNotes.create({
      invoice: invoice.id,
      lines: [{ type: 'custom_line_item', unit_amount: 1000, description: 'Waived' }],
    });
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({
      status: 'paid',
      amount_remaining: 0,
      pre_payment_credit_notes_amount: 1000,
    });
    expect(await eventTypes(stripe, (event) => event.type.startsWith('credit_note.'))).toEqual([
      'credit_note.created',
      'credit_note.voided',
      'credit_note.created',
    ]);
  });

  it('a voided balance credit is taken back; a refund cannot be voided', async () => {
    const { stripe } = harness;
    const invoice = await firstInvoice();
    const credit = await stripe.creditNotes.create({ invoice: invoice.id, amount: 200, credit_amount: 200 });
    await stripe.creditNotes.voidCreditNote(credit.id);
    expect(await stripe.customers.retrieve(invoice.customer as string)).toMatchObject({ balance: 0 });
    const refunded = await stripe.creditNotes.create({ invoice: invoice.id, amount: 200, refund_amount: 200 });
    await expect(stripe.creditNotes.voidCreditNote(refunded.id)).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe('listing and updating credit notes', () => {
  it('filters by invoice and customer, and updates memo and metadata only', async () => {
    const { stripe } = harness;
    const first = await firstInvoice();
    const second = await firstInvoice();
    const a = await stripe.creditNotes.create({ invoice: first.id, amount: 100, out_of_band_amount: 100 });
    const b = await stripe.creditNotes.create({ invoice: second.id, amount: 100, out_of_band_amount: 100 });
    expect((await stripe.creditNotes.list({ invoice: first.id })).data.map((note) => note.id)).toEqual([a.id]);
    expect(
      (await stripe.creditNotes.list({ customer: second.customer as string })).data.map((note) => note.id),
    ).toEqual([b.id]);
    const list = await stripe.creditNotes.list({ limit: 1 });
    expect(list).toMatchObject({ object: 'list', url: '/v1/credit_notes', has_more: true, data: [{ id: b.id }] });
    expect(await stripe.creditNotes.update(a.id, { memo: 'Corrected', metadata: { k: 'v' } })).toMatchObject({
      memo: 'Corrected',
      metadata: { k: 'v' },
    });
    const [updated] = (await stripe.events.list({ type: 'credit_note.updated' })).data;
    expect(updated!.data.previous_attributes).toEqual({ memo: null, metadata: {} });
    expect(await stripe.creditNotes.retrieve(a.id, { expand: ['invoice'] })).toMatchObject({
      invoice: { id: first.id, object: 'invoice' },
    });
    const pdf = await fetch(a.pdf);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
  });
});
