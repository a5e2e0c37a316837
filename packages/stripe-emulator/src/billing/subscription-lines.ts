import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import type { CreditedLines, LineDraft } from './invoice-assembly.ts';
import { roundHalfAwayFromZero } from './tax-calculation.ts';

/** The plan view of a price that subscription items still carry. */
export function planOf(price: Stripe.Price): Stripe.Plan {
  const recurring = price.recurring ?? {
    interval: 'month',
    interval_count: 1,
    meter: null,
    trial_period_days: null,
    usage_type: 'licensed',
  };
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: recurring.interval,
    interval_count: recurring.interval_count,
    livemode: false,
    metadata: { ...price.metadata },
    meter: null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: recurring.trial_period_days,
    usage_type: recurring.usage_type,
  };
}

/** Tax rates that apply to an item: its own, else the subscription's defaults. */
export function taxRatesFor(subscription: Stripe.Subscription, item: Stripe.SubscriptionItem): Stripe.TaxRate[] {
  return item.tax_rates && item.tax_rates.length > 0 ? item.tax_rates : (subscription.default_tax_rates ?? []);
}

export function productName(emulator: Emulator, price: Stripe.Price): string {
  const id = typeof price.product === 'string' ? price.product : price.product.id;
  return emulator.store.products.get(id)?.name ?? id;
}

/** Lines charging every item for a whole period (a renewal or a new subscription). */
export function periodDrafts(
  emulator: Emulator,
  subscription: Stripe.Subscription,
  period: { start: number; end: number },
  trial: boolean,
): LineDraft[] {
  return subscription.items.data.map((item) => ({
    ...periodDraft(emulator, item.price, item.quantity ?? 1, period, taxRatesFor(subscription, item), trial),
    subscription: subscription.id,
    subscriptionItem: item.id,
  }));
}

/** One price charged for a whole period ("1 × Pro (at 10.00 EUR / month)"), or its free trial. */
export function periodDraft(
  emulator: Emulator,
  price: Stripe.Price,
  quantity: number,
  period: { start: number; end: number },
  taxRates: Stripe.TaxRate[],
  trial = false,
): LineDraft {
  const name = productName(emulator, price);
  return {
    amount: trial ? 0 : (price.unit_amount ?? 0) * quantity,
    description: trial
      ? `Trial period for ${name}`
      : `${quantity} × ${name} (at ${formatAmount(price)} / ${price.recurring?.interval ?? 'month'})`,
    period,
    price,
    quantity,
    proration: false,
    subscription: null,
    subscriptionItem: null,
    invoiceItem: null,
    taxRates,
  };
}

/** Proration lines that have been created but not invoiced yet (pending invoice items). */
export function pendingDrafts(emulator: Emulator, subscription: Stripe.Subscription): LineDraft[] {
  return pendingItems(emulator, subscription).map((invoiceItem) => {
    const priceDetails = invoiceItem.pricing?.price_details;
    const priceId = typeof priceDetails?.price === 'string' ? priceDetails.price : (priceDetails?.price.id ?? '');
    return {
      amount: invoiceItem.amount,
      description: invoiceItem.description ?? '',
      period: { ...invoiceItem.period },
      price: emulator.store.prices.require(priceId),
      quantity: invoiceItem.quantity,
      proration: invoiceItem.proration,
      subscription: subscription.id,
      subscriptionItem: invoiceItem.parent?.subscription_details?.subscription_item ?? null,
      invoiceItem: invoiceItem.id,
      taxRates: invoiceItem.tax_rates ?? [],
      creditedItems: invoiceItem.proration_details?.credited_items?.invoice_line_item_details ?? null,
    };
  });
}

export function pendingItems(emulator: Emulator, subscription: Stripe.Subscription): Stripe.InvoiceItem[] {
  return emulator.store.invoiceItems
    .all()
    .filter((item) => item.invoice === null && item.parent?.subscription_details?.subscription === subscription.id);
}

/**
 * Credit for the unused time on `from` and charge for the remaining time on `to`, from `at` to the end of
 * the item's current period, in proportion to the seconds left (Stripe's per-second proration). The credit
 * names the debit it credits (`proration_details.credited_items`: the invoiced line of `from` covering
 * `at`) and takes back the tax that line was charged, at its rates; the remaining time is charged at the
 * rates that apply now. Without such a line (never invoiced), the credit takes the rates that apply now.
 */
export function prorationDrafts(
  emulator: Emulator,
  subscription: Stripe.Subscription,
  item: Stripe.SubscriptionItem,
  from: { price: Stripe.Price; quantity: number },
  to: { price: Stripe.Price; quantity: number } | null,
  at: number,
): LineDraft[] {
  const start = item.current_period_start;
  const end = item.current_period_end;
  if (at >= end || end <= start) return [];
  const fraction = (end - at) / (end - start);
  const date = new Date(at * 1000).toISOString().slice(0, 10);
  const period = { start: at, end };
  const base = {
    period,
    proration: true,
    subscription: subscription.id,
    subscriptionItem: item.id,
    invoiceItem: null,
    taxRates: taxRatesFor(subscription, item),
  };
  const credited = debitedLine(emulator, subscription, item, from.price, at);
  const drafts: LineDraft[] = [
    {
      ...base,
      ...(credited ? { taxRates: credited.taxRates, creditedItems: credited.lines } : {}),
      amount: -roundHalfAwayFromZero((from.price.unit_amount ?? 0) * from.quantity * fraction),
      description: `Unused time on ${from.quantity} × ${productName(emulator, from.price)} after ${date}`,
      price: from.price,
      quantity: from.quantity,
    },
  ];
  if (to) {
    drafts.push({
      ...base,
      amount: roundHalfAwayFromZero((to.price.unit_amount ?? 0) * to.quantity * fraction),
      description: `Remaining time on ${to.quantity} × ${productName(emulator, to.price)} after ${date}`,
      price: to.price,
      quantity: to.quantity,
    });
  }
  return drafts;
}

/**
 * The latest finalized, not voided, invoice line charging `price` on this subscription item for a period
 * that covers `at`, with the tax rates it was charged at.
 */
function debitedLine(
  emulator: Emulator,
  subscription: Stripe.Subscription,
  item: Stripe.SubscriptionItem,
  price: Stripe.Price,
  at: number,
): { lines: CreditedLines; taxRates: Stripe.TaxRate[] } | null {
  const invoices = emulator.store.invoices
    .all()
    .filter(
      (invoice) =>
        invoice.status !== 'draft' &&
        invoice.status !== 'void' &&
        invoice.parent?.subscription_details?.subscription === subscription.id,
    )
    .sort((a, b) => (b.status_transitions.finalized_at ?? 0) - (a.status_transitions.finalized_at ?? 0));
  for (const invoice of invoices) {
    const line = invoice.lines.data.find(
      (candidate) =>
        candidate.amount > 0 &&
        candidate.pricing?.price_details?.price === price.id &&
        candidate.parent?.subscription_item_details?.subscription_item === item.id &&
        candidate.period.start <= at &&
        at < candidate.period.end,
    );
    if (line) {
      const taxRates = (line.taxes ?? []).flatMap((tax) => {
        const id = tax.tax_rate_details?.tax_rate;
        const rate = typeof id === 'string' ? emulator.store.taxRates.get(id) : undefined;
        return rate ? [rate] : [];
      });
      return { lines: { invoice: invoice.id, invoice_line_items: [line.id] }, taxRates };
    }
  }
  return null;
}

function formatAmount(price: Stripe.Price): string {
  return `${((price.unit_amount ?? 0) / 100).toFixed(2)} ${price.currency.toUpperCase()}`;
}
