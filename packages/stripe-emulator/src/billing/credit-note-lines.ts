import Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import type { RequestParams } from '../http/params.ts';
import { invalidRequest, parameterMissing, resourceMissing } from '../stripe-error.ts';
import { lineTaxes, roundHalfAwayFromZero } from './tax-calculation.ts';

/**
 * The lines of a credit note, from `lines[]`: an `invoice_line_item` credits a line of the invoice (all of
 * it, `quantity` of its units, or `amount`) with that line's tax rates; a `custom_line_item` credits
 * `unit_amount × quantity` with the `tax_rates` given. Amounts exclude exclusive tax, as on invoice lines.
 */
export function creditNoteLines(
  emulator: Emulator,
  invoice: Stripe.Invoice,
  lines: RequestParams[],
): Stripe.CreditNoteLineItem[] {
  return lines.map((line) => {
    const type = line.oneOf('type', ['invoice_line_item', 'custom_line_item'] as const);
    if (!type) throw parameterMissing(line.name('type'));
    return type === 'invoice_line_item' ? invoiceLineCredit(emulator, invoice, line) : customLineCredit(emulator, line);
  });
}

function invoiceLineCredit(
  emulator: Emulator,
  invoice: Stripe.Invoice,
  line: RequestParams,
): Stripe.CreditNoteLineItem {
  const id = line.requiredString('invoice_line_item');
  const credited = invoice.lines.data.find((candidate) => candidate.id === id);
  if (!credited) throw resourceMissing('invoice line item', id, line.name('invoice_line_item'));
  const quantity = line.integer('quantity');
  const units = credited.quantity ?? 1;
  if (quantity !== undefined && (quantity < 1 || quantity > units))
    throw invalidRequest(
      `The quantity to credit must be between 1 and the line's quantity (${units}).`,
      'parameter_invalid',
      line.name('quantity'),
    );
  const amount =
    line.integer('amount') ??
    (quantity === undefined ? credited.amount : roundHalfAwayFromZero((credited.amount * quantity) / units));
  if (amount > credited.amount)
    throw invalidRequest(
      `The amount to credit (${amount}) exceeds the invoice line's amount (${credited.amount}).`,
      'parameter_invalid',
      line.name('amount'),
    );
  const rates = (credited.taxes ?? []).flatMap((tax) => {
    const rate = tax.tax_rate_details ? emulator.store.taxRates.get(tax.tax_rate_details.tax_rate) : undefined;
    return rate ? [rate] : [];
  });
  return lineItem(emulator, {
    type: 'invoice_line_item',
    amount,
    description: credited.description,
    quantity: quantity ?? units,
    rates,
    unitAmount: null,
    invoiceLineItem: id,
    metadata: line.metadata('metadata'),
  });
}

function customLineCredit(emulator: Emulator, line: RequestParams): Stripe.CreditNoteLineItem {
  const unitAmount = line.integer('unit_amount');
  if (unitAmount === undefined) throw parameterMissing(line.name('unit_amount'));
  const description = line.requiredString('description');
  const quantity = line.integer('quantity') ?? 1;
  const rates = (line.strings('tax_rates') ?? []).map((rate) =>
    emulator.store.taxRates.require(rate, line.name('tax_rates')),
  );
  return lineItem(emulator, {
    type: 'custom_line_item',
    amount: unitAmount * quantity,
    description,
    quantity,
    rates,
    unitAmount,
    invoiceLineItem: null,
    metadata: line.metadata('metadata'),
  });
}

interface LineDraft {
  type: 'invoice_line_item' | 'custom_line_item';
  amount: number;
  description: string | null;
  quantity: number;
  rates: Stripe.TaxRate[];
  unitAmount: number | null;
  invoiceLineItem: string | null;
  metadata: Record<string, string>;
}

function lineItem(emulator: Emulator, draft: LineDraft): Stripe.CreditNoteLineItem {
  return {
    id: emulator.ids.next('cnli', 24),
    object: 'credit_note_line_item',
    amount: draft.amount,
    description: draft.description,
    discount_amount: 0,
    discount_amounts: [],
    ...(draft.invoiceLineItem ? { invoice_line_item: draft.invoiceLineItem } : {}),
    livemode: false,
    metadata: draft.metadata,
    pretax_credit_amounts: [],
    quantity: draft.quantity,
    tax_rates: draft.rates,
    taxes: lineTaxes(draft.amount, draft.rates),
    type: draft.type,
    unit_amount: draft.unitAmount,
    unit_amount_decimal: draft.unitAmount === null ? null : Stripe.Decimal.from(draft.unitAmount),
  };
}
