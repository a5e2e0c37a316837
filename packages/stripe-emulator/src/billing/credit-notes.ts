import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import type { RequestParams } from '../http/params.ts';
import { invalidRequest } from '../stripe-error.ts';
import { creditNoteLines } from './credit-note-lines.ts';
import { markInvoicePaid, paymentIntentOf } from './invoice-collection.ts';
import { updateInvoice } from './invoice-updates.ts';
import { totalTaxes } from './tax-calculation.ts';
import { refundCharge } from '../resources/refunds.ts';

const REASONS = ['duplicate', 'fraudulent', 'order_change', 'product_unsatisfactory'] as const;

/** How a credit note's post-payment part is given back (Stripe's `refund_amount`, `credit_amount`, `out_of_band_amount`). */
interface Settlement {
  refund: number;
  credit: number;
  outOfBand: number;
}

/**
 * A credit note as Stripe computes it (https://docs.stripe.com/api/credit_notes/create): it first reduces
 * what remains to pay on the invoice (`pre_payment_amount`, never below zero); the rest
 * (`post_payment_amount`) must be exactly covered by a refund, a customer balance credit and an amount
 * credited outside Stripe. Nothing is stored: `issueCreditNote` applies it, the preview shows it.
 */
export function draftCreditNote(
  emulator: Emulator,
  params: RequestParams,
): { note: Stripe.CreditNote; invoice: Stripe.Invoice; settlement: Settlement } {
  const invoice = emulator.store.invoices.require(params.requiredString('invoice'), 'invoice');
  if (invoice.status === 'draft' || invoice.status === 'void') {
    throw invalidRequest(
      `A credit note can only be issued on a finalized invoice that is not void; ${invoice.id} is ${invoice.status}.`,
      'invoice_not_editable',
      'invoice',
    );
  }
  const lines = creditNoteLines(emulator, invoice, params.objects('lines') ?? []);
  const taxes = totalTaxes(lines);
  const exclusive = taxes.filter((tax) => tax.tax_behavior === 'exclusive').reduce((sum, tax) => sum + tax.amount, 0);
  const inclusive = taxes.filter((tax) => tax.tax_behavior === 'inclusive').reduce((sum, tax) => sum + tax.amount, 0);
  const requested = params.integer('amount');
  const subtotal = lines.length > 0 ? lines.reduce((sum, line) => sum + line.amount, 0) : (requested ?? 0);
  const total = subtotal + exclusive;
  if (lines.length === 0 && requested === undefined)
    throw invalidRequest(
      'You must pass either `amount` or `lines` to create a credit note.',
      'parameter_missing',
      'amount',
    );
  if (requested !== undefined && requested !== total)
    throw invalidRequest(
      `The amount (${requested}) must equal the total of the lines (${total}).`,
      'parameter_invalid',
      'amount',
    );
  const creditable = invoice.total - invoice.pre_payment_credit_notes_amount - invoice.post_payment_credit_notes_amount;
  if (total > creditable)
    throw invalidRequest(
      `The credit note's total (${total}) exceeds what can still be credited on invoice ${invoice.id} (${creditable}).`,
      'parameter_invalid',
      'amount',
    );
  const prePayment = invoice.status === 'paid' ? 0 : Math.min(total, invoice.amount_remaining);
  const postPayment = total - prePayment;
  const settlement = {
    refund: params.integer('refund_amount') ?? 0,
    credit: params.integer('credit_amount') ?? 0,
    outOfBand: params.integer('out_of_band_amount') ?? 0,
  };
  if (settlement.refund + settlement.credit + settlement.outOfBand !== postPayment) {
    throw invalidRequest(
      `The sum of refund_amount, credit_amount and out_of_band_amount (${settlement.refund + settlement.credit + settlement.outOfBand}) must equal the credit note's post_payment_amount (${postPayment}).`,
      'parameter_invalid',
      'refund_amount',
    );
  }
  const now = emulator.now(invoice.test_clock);
  const id = emulator.ids.next('cn', 24);
  const sequence = emulator.store.creditNotes.all().filter((note) => note.invoice === invoice.id).length + 1;
  const note: Stripe.CreditNote = {
    id,
    object: 'credit_note',
    amount: total,
    amount_shipping: 0,
    created: now,
    currency: invoice.currency,
    customer: invoice.customer ?? '',
    customer_account: null,
    customer_balance_transaction: null,
    discount_amount: 0,
    discount_amounts: [],
    effective_at: params.integer('effective_at') ?? now,
    invoice: invoice.id,
    lines: { object: 'list', data: lines, has_more: false, url: `/v1/credit_notes/${id}/lines` },
    livemode: false,
    memo: params.nullableString('memo') ?? null,
    metadata: params.metadata('metadata'),
    number: `${invoice.number}-CN-${String(sequence).padStart(2, '0')}`,
    out_of_band_amount: settlement.outOfBand > 0 ? settlement.outOfBand : null,
    pdf: `${emulator.baseUrl}/_emulator/credit_notes/${id}/pdf`,
    post_payment_amount: postPayment,
    pre_payment_amount: prePayment,
    pretax_credit_amounts: [],
    reason: params.oneOf('reason', REASONS) ?? null,
    refunds: [],
    shipping_cost: null,
    status: 'issued',
    subtotal,
    subtotal_excluding_tax: subtotal - inclusive,
    total,
    total_excluding_tax: subtotal - inclusive,
    total_taxes: taxes,
    type: prePayment === 0 ? 'post_payment' : postPayment === 0 ? 'pre_payment' : 'mixed',
    voided_at: null,
  };
  return { note, invoice, settlement };
}

/** Stores the credit note and applies it: the invoice's credit note amounts, a refund, the customer's balance. */
export function issueCreditNote(emulator: Emulator, params: RequestParams): Stripe.CreditNote {
  const { note, invoice, settlement } = draftCreditNote(emulator, params);
  const now = note.created;
  // The refund goes first: when Stripe refuses it (nothing was charged), nothing else has changed.
  if (settlement.refund > 0) {
    const charge = chargeOf(emulator, invoice);
    const refund = refundCharge(
      emulator,
      charge,
      now,
      { amount: settlement.refund, reason: null, metadata: {} },
      'refund_amount',
    );
    note.refunds = [{ amount_refunded: refund.amount, payment_record_refund: null, refund: refund.id, type: 'refund' }];
  }
  emulator.store.creditNotes.add(note);
  adjustInvoice(emulator, invoice, note, 1, now);
  if (settlement.credit > 0) adjustBalance(emulator, invoice, -settlement.credit, now);
  emulator.events.emit('credit_note.created', note, now);
  return note;
}

/**
 * Voids an issued credit note, undoing what it did to the invoice and the customer's balance. A refund
 * cannot be taken back, so a credit note that refunded is refused, as is one whose invoice it settled.
 */
export function voidCreditNote(emulator: Emulator, note: Stripe.CreditNote): Stripe.CreditNote {
  if (note.status !== 'issued') throw invalidRequest(`The credit note ${note.id} is already void.`);
  if (note.refunds.length > 0)
    throw invalidRequest(`The credit note ${note.id} refunded a payment; a refund cannot be voided.`);
  const invoice = emulator.store.invoices.require(String(note.invoice), 'invoice');
  if (note.pre_payment_amount > 0 && invoice.status !== 'open')
    throw invalidRequest(
      `The credit note ${note.id} reduced invoice ${invoice.id}, which is ${invoice.status} now; it can no longer be voided.`,
    );
  const now = emulator.now(invoice.test_clock);
  note.status = 'void';
  note.voided_at = now;
  adjustInvoice(emulator, invoice, note, -1, now);
  const credit =
    note.post_payment_amount -
    (note.out_of_band_amount ?? 0) -
    note.refunds.reduce((sum, refund) => sum + refund.amount_refunded, 0);
  if (credit > 0) adjustBalance(emulator, invoice, credit, now);
  emulator.events.emit('credit_note.voided', note, now);
  return note;
}

/** `sign` 1 applies a credit note to its invoice, -1 takes it back; an open invoice credited in full is paid. */
function adjustInvoice(
  emulator: Emulator,
  invoice: Stripe.Invoice,
  note: Stripe.CreditNote,
  sign: 1 | -1,
  now: number,
): void {
  updateInvoice(emulator, invoice, now, (target) => {
    target.pre_payment_credit_notes_amount += sign * note.pre_payment_amount;
    target.post_payment_credit_notes_amount += sign * note.post_payment_amount;
    target.amount_due -= sign * note.pre_payment_amount;
    target.amount_remaining -= sign * note.pre_payment_amount;
  });
  const intent = paymentIntentOf(emulator, invoice);
  if (intent && intent.status !== 'succeeded' && intent.status !== 'canceled') intent.amount = invoice.amount_due;
  if (invoice.status === 'open' && invoice.amount_remaining === 0) markInvoicePaid(emulator, invoice, now, null);
}

function adjustBalance(emulator: Emulator, invoice: Stripe.Invoice, change: number, now: number): void {
  const customer = emulator.store.customers.require(String(invoice.customer), 'customer');
  const previous = customer.balance;
  customer.balance += change;
  emulator.events.emit('customer.updated', customer, now, { balance: previous });
}

function chargeOf(emulator: Emulator, invoice: Stripe.Invoice): Stripe.Charge {
  const latest = paymentIntentOf(emulator, invoice)?.latest_charge;
  const id = typeof latest === 'string' ? latest : latest?.id;
  const charge = id ? emulator.store.charges.get(id) : undefined;
  if (!charge || charge.status !== 'succeeded')
    throw invalidRequest(
      `Invoice ${invoice.id} has no payment to refund; credit the balance or out of band instead.`,
      'charge_not_refundable',
      'refund_amount',
    );
  return charge;
}
