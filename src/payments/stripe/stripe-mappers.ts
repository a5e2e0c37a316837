// Stripe objects → the port's: seconds become Dates, statuses and currencies upper-case, amounts stay minor units.
import type Stripe from 'stripe';
import {
  SUBSCRIPTION_STATUSES,
  VAT_DECISION_METADATA_KEY,
  type PlanChangePreview,
  type ProviderEvent,
  type ProviderInvoice,
  type ProviderInvoiceLine,
  type ProviderInvoiceStatus,
  type ProviderPaymentMethod,
  type ProviderPaymentMethodType,
  type ProviderSetupIntent,
  type ProviderSubscription,
  type SubscriptionStatus,
} from '../../billing/ports/payment-provider.ts';

type Expandable<T extends { id: string }> = string | T | null;

export function idOf<T extends { id: string }>(value: Expandable<T> | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : value.id;
}

function dateOf(seconds: number | null | undefined): Date | null {
  return seconds === null || seconds === undefined ? null : new Date(seconds * 1000);
}

function requiredDate(seconds: number): Date {
  return new Date(seconds * 1000);
}

/** Stripe's enums are open (`OtherString`); a value this version does not know is a bug to surface, not to guess. */
function known<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`Unknown Stripe ${what}: ${value}`);
}

const INVOICE_STATUSES: readonly ProviderInvoiceStatus[] = ['DRAFT', 'OPEN', 'PAID', 'VOID', 'UNCOLLECTIBLE'];
const SETUP_INTENT_STATUSES: readonly ProviderSetupIntent['status'][] = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'processing',
  'succeeded',
  'canceled',
];

export function toSubscription(subscription: Stripe.Subscription): ProviderSubscription {
  // Since API version 2025-03-31 the period lives on the items; the adapter keeps one item per subscription.
  const item = subscription.items.data[0];
  return {
    id: subscription.id,
    customerId: idOf(subscription.customer) ?? '',
    status: known<SubscriptionStatus>(subscription.status.toUpperCase(), SUBSCRIPTION_STATUSES, 'subscription status'),
    priceId: item?.price.id ?? '',
    currentPeriodStart: requiredDate(item?.current_period_start ?? subscription.start_date),
    currentPeriodEnd: requiredDate(item?.current_period_end ?? subscription.start_date),
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
    cancelAt: dateOf(subscription.cancel_at),
    canceledAt: dateOf(subscription.canceled_at),
    trialEnd: dateOf(subscription.trial_end),
    defaultPaymentMethodId: idOf(subscription.default_payment_method),
    latestInvoiceId: idOf(subscription.latest_invoice),
    pendingUpdate: pendingUpdateOf(subscription.pending_update),
  };
}

/** A pending change of the single item's price; null when none is pending, or it changes no price. */
function pendingUpdateOf(pending: Stripe.Subscription.PendingUpdate | null): ProviderSubscription['pendingUpdate'] {
  const price = pending?.subscription_items?.[0]?.price.id;
  return pending && price ? { priceId: price, expiresAt: requiredDate(pending.expires_at) } : null;
}

const PAYMENT_METHOD_TYPES: Partial<Record<Stripe.PaymentMethod.Type, ProviderPaymentMethodType>> = {
  card: 'CARD',
  paypal: 'PAYPAL',
  sepa_debit: 'SEPA_DEBIT',
};

/**
 * Display data only. A SEPA account keeps its bank, country and last four digits (never the IBAN, which the
 * provider does not return either); a PayPal account its country and a masked e-mail, never the payer id.
 */
export function toPaymentMethod(method: Stripe.PaymentMethod): ProviderPaymentMethod {
  const card = method.type === 'card' ? method.card : undefined;
  const sepa = method.type === 'sepa_debit' ? method.sepa_debit : undefined;
  const paypal = method.type === 'paypal' ? method.paypal : undefined;
  return {
    id: method.id,
    customerId: idOf(method.customer),
    type: PAYMENT_METHOD_TYPES[method.type] ?? 'OTHER',
    brand: card?.brand ?? null,
    last4: card?.last4 ?? sepa?.last4 ?? null,
    expMonth: card?.exp_month ?? null,
    expYear: card?.exp_year ?? null,
    country: card?.country ?? sepa?.country ?? paypal?.country ?? null,
    bankCode: sepa?.bank_code ?? null,
    payerEmail: paypal?.payer_email ? maskEmail(paypal.payer_email) : null,
  };
}

/** `buyer@example.com` → `b…r@example.com`: the first and last character of the local part, and the domain. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '…';
  const local = email.slice(0, at);
  const shown = local.length > 2 ? `${local[0]}…${local[local.length - 1]}` : `${local[0]}…`;
  return `${shown}${email.slice(at)}`;
}

export function toSetupIntent(intent: Stripe.SetupIntent): ProviderSetupIntent {
  return {
    id: intent.id,
    clientSecret: intent.client_secret ?? '',
    status: known(intent.status, SETUP_INTENT_STATUSES, 'setup intent status'),
    customerId: idOf(intent.customer),
    paymentMethodId: idOf(intent.payment_method),
    redirectUrl: intent.next_action?.redirect_to_url?.url ?? null,
  };
}

export function toInvoiceLine(line: Stripe.InvoiceLineItem): ProviderInvoiceLine {
  const quantity = line.quantity ?? 1;
  const parent = line.parent?.subscription_item_details ?? line.parent?.invoice_item_details;
  return {
    description: line.description ?? '',
    priceId: idOf(line.pricing?.price_details?.price),
    quantity,
    // The amount billed per unit: for a proration that is the prorated amount, not the price's.
    unitAmount: quantity === 0 ? 0 : Math.round(line.amount / quantity),
    amount: line.amount,
    discountAmount: (line.discount_amounts ?? []).reduce((sum, discount) => sum + discount.amount, 0),
    proration: parent?.proration ?? false,
    creditedInvoiceId: parent?.proration_details?.credited_items?.invoice ?? null,
    periodStart: dateOf(line.period.start),
    periodEnd: dateOf(line.period.end),
  };
}

function taxOf(invoice: Stripe.Invoice): number {
  return (invoice.total_taxes ?? []).reduce((sum, tax) => sum + tax.amount, 0);
}

/**
 * `lines` are the invoice's complete lines: Stripe embeds only the first page. `awaiting`: its payment intent
 * waits for the customer's 3-D Secure (`authentication`) or the bank's answer to a debit (`processing`), neither
 * of which is a failed payment (yet).
 */
export function toInvoice(
  invoice: Stripe.Invoice,
  lines: Stripe.InvoiceLineItem[],
  awaiting: 'authentication' | 'processing' | null = null,
): ProviderInvoice {
  // A preview has no status yet: it is a draft.
  const status = known(String(invoice.status ?? 'draft').toUpperCase(), INVOICE_STATUSES, 'invoice status');
  const mapped = lines.map(toInvoiceLine);
  return {
    id: invoice.id,
    customerId: idOf(invoice.customer) ?? '',
    subscriptionId: idOf(invoice.parent?.subscription_details?.subscription),
    status,
    currency: invoice.currency.toUpperCase(),
    subtotal: invoice.subtotal,
    tax: taxOf(invoice),
    total: invoice.total,
    amountPaid: invoice.amount_paid,
    amountDue: invoice.amount_due,
    attemptCount: invoice.attempt_count,
    // An open invoice that was attempted has had a charge fail (a success would have paid it), unless
    // the attempt only waits for the customer to authenticate.
    paymentFailed: status === 'OPEN' && invoice.attempt_count > 0 && awaiting === null,
    paymentProcessing: status === 'OPEN' && awaiting === 'processing',
    lines: mapped,
    ...billedPeriod(mapped, invoice),
    createdAt: requiredDate(invoice.created),
    finalizedAt: dateOf(invoice.status_transitions.finalized_at),
    paidAt: dateOf(invoice.status_transitions.paid_at),
    dueAt: dateOf(invoice.due_date),
    vatDecision:
      invoice.metadata?.[VAT_DECISION_METADATA_KEY] ??
      invoice.parent?.subscription_details?.metadata?.[VAT_DECISION_METADATA_KEY] ??
      null,
  };
}

/**
 * The period an invoice bills: the span of its lines' periods. Stripe's own `period_start`/`period_end` is the
 * usage period during which its items were added, for a renewal the period that just ended, not the one
 * charged; it stands only for an invoice without dated lines.
 */
function billedPeriod(
  lines: readonly ProviderInvoiceLine[],
  invoice: Stripe.Invoice,
): { periodStart: Date | null; periodEnd: Date | null } {
  const starts = lines.flatMap((line) => (line.periodStart ? [line.periodStart.getTime()] : []));
  const ends = lines.flatMap((line) => (line.periodEnd ? [line.periodEnd.getTime()] : []));
  if (starts.length === 0 || ends.length === 0)
    return { periodStart: dateOf(invoice.period_start), periodEnd: dateOf(invoice.period_end) };
  return { periodStart: new Date(Math.min(...starts)), periodEnd: new Date(Math.max(...ends)) };
}

export function toPlanChangePreview(preview: Stripe.Invoice): PlanChangePreview {
  const lines = preview.lines.data.map(toInvoiceLine);
  return {
    currency: preview.currency.toUpperCase(),
    subtotal: preview.subtotal,
    tax: taxOf(preview),
    total: preview.total,
    amountDue: preview.amount_due,
    prorationLines: lines.filter((line) => line.proration),
  };
}

export function toProviderEvent(event: Stripe.Event): ProviderEvent {
  const object = event.data.object as { object?: string; id?: string };
  return {
    id: event.id,
    type: event.type,
    objectType: object.object ?? '',
    objectId: object.id ?? '',
    createdAt: requiredDate(event.created),
    payload: event,
  };
}
