import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import { lineTaxes, totalTaxes } from './tax-calculation.ts';

/** One charge on an invoice before it becomes a line item. */
export interface LineDraft {
  amount: number;
  description: string;
  period: { start: number; end: number };
  price: Stripe.Price;
  quantity: number;
  proration: boolean;
  subscription: string | null;
  subscriptionItem: string | null;
  invoiceItem: string | null;
  taxRates: Stripe.TaxRate[];
  /** A credit proration's debit: the invoice line(s) whose unused time it credits. */
  creditedItems?: CreditedLines | null;
}

/** Stripe's `proration_details.credited_items` of a line: the invoice and its debited lines. */
export interface CreditedLines {
  invoice: string;
  invoice_line_items: string[];
}

export interface InvoiceHeader {
  id: string;
  customer: Stripe.Customer;
  subscription: Stripe.Subscription | null;
  billingReason: Stripe.Invoice.BillingReason;
  periodStart: number;
  periodEnd: number;
  created: number;
  currency: string;
}

/** Builds a draft invoice with its lines and totals; the caller decides whether to store it. */
export function assembleInvoice(emulator: Emulator, header: InvoiceHeader, drafts: LineDraft[]): Stripe.Invoice {
  const lines = drafts.map((draft) => lineItem(emulator, header.id, draft));
  const customer = header.customer;
  const invoice: Stripe.Invoice = {
    id: header.id,
    object: 'invoice',
    account_country: 'DE',
    account_name: 'Stripe emulator',
    account_tax_ids: null,
    amount_due: 0,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: header.billingReason,
    collection_method: 'charge_automatically',
    created: header.created,
    currency: header.currency,
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: customer.address ?? null,
    customer_email: customer.email,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: null,
    customer_tax_exempt: customer.tax_exempt ?? 'none',
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: header.subscription?.default_tax_rates ?? [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: lines, has_more: false, url: `/v1/invoices/${header.id}/lines` },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: header.subscription
      ? {
          type: 'subscription_details',
          quote_details: null,
          subscription_details: { metadata: { ...header.subscription.metadata }, subscription: header.subscription.id },
        }
      : null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: header.periodEnd,
    period_start: header.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: { amount_tax_display: null, pdf: { page_size: 'auto' }, template: null, template_version: null },
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: 0,
    subtotal_excluding_tax: 0,
    test_clock: customer.test_clock ?? null,
    total: 0,
    total_discount_amounts: [],
    total_excluding_tax: 0,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  };
  return recomputeTotals(invoice);
}

/** Totals from the lines: exclusive tax is added on top, inclusive tax is already inside line amounts. */
export function recomputeTotals(invoice: Stripe.Invoice): Stripe.Invoice {
  const lines = invoice.lines.data;
  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
  const taxes = totalTaxes(lines);
  const exclusive = taxes.filter((tax) => tax.tax_behavior === 'exclusive').reduce((sum, tax) => sum + tax.amount, 0);
  const inclusive = taxes.filter((tax) => tax.tax_behavior === 'inclusive').reduce((sum, tax) => sum + tax.amount, 0);
  invoice.subtotal = subtotal;
  invoice.subtotal_excluding_tax = subtotal - inclusive;
  invoice.total = subtotal + exclusive;
  invoice.total_excluding_tax = subtotal - inclusive;
  invoice.total_taxes = taxes;
  // A credit (negative total) is owed to the customer: nothing is due and the credit lands in the balance.
  const due = Math.max(0, invoice.total + invoice.starting_balance);
  invoice.amount_due = due;
  invoice.amount_remaining = Math.max(0, due - invoice.amount_paid);
  return invoice;
}

function lineItem(emulator: Emulator, invoiceId: string, draft: LineDraft): Stripe.InvoiceLineItem {
  const product = typeof draft.price.product === 'string' ? draft.price.product : draft.price.product.id;
  return {
    id: emulator.ids.next('il', 24),
    object: 'line_item',
    amount: draft.amount,
    currency: draft.price.currency,
    description: draft.description,
    discount_amounts: [],
    discountable: !draft.proration,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: {},
    parent: lineParent(draft),
    period: { ...draft.period },
    pretax_credit_amounts: [],
    pricing: {
      type: 'price_details',
      price_details: { price: draft.price.id, product },
      unit_amount_decimal: draft.price.unit_amount_decimal,
    },
    quantity: draft.quantity,
    quantity_decimal: null,
    subscription: draft.subscription,
    subtotal: draft.amount,
    taxes: lineTaxes(draft.amount, draft.taxRates),
  };
}

/** Where a line comes from: a subscription item, an invoice item, or nothing yet (a preview of a new subscription). */
function lineParent(draft: LineDraft): Stripe.InvoiceLineItem.Parent | null {
  if (draft.subscriptionItem) {
    return {
      type: 'subscription_item_details',
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: draft.invoiceItem,
        proration: draft.proration,
        proration_details: { credited_items: draft.creditedItems ? { ...draft.creditedItems } : null },
        subscription: draft.subscription,
        subscription_item: draft.subscriptionItem,
      },
    };
  }
  if (draft.invoiceItem) {
    return {
      type: 'invoice_item_details',
      subscription_item_details: null,
      invoice_item_details: {
        invoice_item: draft.invoiceItem,
        proration: draft.proration,
        proration_details: { credited_items: draft.creditedItems ? { ...draft.creditedItems } : null },
        subscription: draft.subscription,
      },
    };
  }
  return null;
}
