import { deepCopy } from '../deep-copy.ts';
import Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import type { LineDraft } from './invoice-assembly.ts';
import { assembleInvoice, recomputeTotals } from './invoice-assembly.ts';
import { collectInvoice, finalizeInvoice, paymentIntentOf, storeDraftInvoice } from './invoice-collection.ts';
import { nextBoundary, periodBoundary } from './billing-periods.ts';
import { pendingDrafts, pendingItems, periodDraft, periodDrafts, prorationDrafts } from './subscription-lines.ts';
import { subscriptionItem, paymentError } from './subscription-lifecycle.ts';

export type ProrationBehavior = 'create_prorations' | 'always_invoice' | 'none';

/** A requested change to one item: a new price and/or quantity, a removal, or a new item. */
export interface ItemChange {
  item: Stripe.SubscriptionItem | null;
  price: Stripe.Price | null;
  quantity: number | null;
  deleted: boolean;
}

/** What applying item changes left to bill. */
export interface AppliedItemChanges {
  prorations: LineDraft[];
  /** A change of billing interval restarts the cycle now and bills the new period at once. */
  cycleRestarted: boolean;
}

/**
 * Applies item changes to the subscription and computes Stripe's prorations for them (none while
 * trialing or with `proration_behavior=none`). Billing them is `billItemChanges`, once the subscription
 * update has been recorded, so events come in Stripe's order.
 */
export function applyItemChanges(
  emulator: Emulator,
  subscription: Stripe.Subscription,
  changes: ItemChange[],
  behavior: ProrationBehavior,
  prorationDate: number,
  now: number,
): AppliedItemChanges {
  const trialing = subscription.status === 'trialing';
  const prorations =
    trialing || behavior === 'none' ? [] : changeDrafts(emulator, subscription, changes, prorationDate);
  const cycleRestarted =
    !trialing &&
    changes.some((change) => change.item && change.price && !sameInterval(change.item.price, change.price));
  applyChanges(emulator, subscription, changes, now);
  if (cycleRestarted) {
    const recurring = subscription.items.data[0]?.price.recurring;
    subscription.billing_cycle_anchor = now;
    for (const item of subscription.items.data) {
      item.current_period_start = now;
      item.current_period_end = recurring ? periodBoundary(now, recurring, 1) : now;
    }
  }
  return { prorations, cycleRestarted };
}

/**
 * Prorations become pending invoice items, billed with the next renewal, or at once with
 * `always_invoice` or when the cycle restarted. `errorIfIncomplete` turns a charge that failed or awaits
 * 3-D Secure into a card error; a debit the bank is processing is not a failure (Stripe applies the update).
 */
export function billItemChanges(
  emulator: Emulator,
  subscription: Stripe.Subscription,
  applied: AppliedItemChanges,
  behavior: ProrationBehavior,
  now: number,
  errorIfIncomplete: boolean,
): void {
  const invoice = invoiceItemChanges(emulator, subscription, applied, behavior, now);
  if (!invoice || invoice.status !== 'open') return;
  const result = collectInvoice(emulator, invoice, now, { automatic: true });
  if (errorIfIncomplete && (result === 'failed' || result === 'requires_action'))
    throw paymentError(paymentIntentOf(emulator, invoice));
}

/** Whether the changes are invoiced at once (else their prorations wait for the next renewal). */
export function invoicedAtOnce(applied: AppliedItemChanges, behavior: ProrationBehavior): boolean {
  return applied.cycleRestarted || (behavior === 'always_invoice' && applied.prorations.length > 0);
}

/**
 * Stores the prorations as invoice items and, when the change is invoiced at once, drafts and finalizes
 * that invoice (`subscription_update`, not yet charged). Returns it, or null when nothing is invoiced now.
 */
export function invoiceItemChanges(
  emulator: Emulator,
  subscription: Stripe.Subscription,
  applied: AppliedItemChanges,
  behavior: ProrationBehavior,
  now: number,
): Stripe.Invoice | null {
  for (const draft of applied.prorations) storePendingItem(emulator, subscription, draft, now);
  if (!invoicedAtOnce(applied, behavior)) return null;
  const period = {
    start: subscription.items.data[0]?.current_period_start ?? now,
    end: subscription.items.data[0]?.current_period_end ?? now,
  };
  const lines = [
    ...pendingDrafts(emulator, subscription),
    ...(applied.cycleRestarted ? periodDrafts(emulator, subscription, period, false) : []),
  ];
  const customer = emulator.store.customers.require(String(subscription.customer), 'customer');
  const invoice = storeDraftInvoice(
    emulator,
    {
      customer,
      subscription,
      billingReason: 'subscription_update',
      periodStart: now,
      periodEnd: now,
      created: now,
      currency: subscription.currency,
    },
    lines,
  );
  for (const item of pendingItems(emulator, subscription)) item.invoice = invoice.id;
  subscription.latest_invoice = invoice.id;
  return finalizeInvoice(emulator, invoice, now);
}

/** The invoice a change would produce (`POST /v1/invoices/create_preview`), without storing anything. */
export function previewChange(
  emulator: Emulator,
  subscription: Stripe.Subscription,
  changes: ItemChange[],
  behavior: ProrationBehavior,
  prorationDate: number,
): Stripe.Invoice {
  const customer = emulator.store.customers.require(String(subscription.customer), 'customer');
  const prorations =
    subscription.status === 'trialing' || behavior === 'none'
      ? []
      : changeDrafts(emulator, subscription, changes, prorationDate);
  const preview = deepCopy(subscription);
  const cycleRestarted =
    subscription.status !== 'trialing' &&
    changes.some((change) => change.item && change.price && !sameInterval(change.item.price, change.price));
  applyChanges(emulator, preview, changes, prorationDate, true);
  const current = {
    start: preview.items.data[0]?.current_period_start ?? prorationDate,
    end: preview.items.data[0]?.current_period_end ?? prorationDate,
  };
  const recurring = preview.items.data[0]?.price.recurring;
  const next = cycleRestarted
    ? { start: prorationDate, end: recurring ? periodBoundary(prorationDate, recurring, 1) : prorationDate }
    : {
        start: current.end,
        end: recurring ? nextBoundary(preview.billing_cycle_anchor, recurring, current.end) : current.end,
      };
  const immediate = cycleRestarted || behavior === 'always_invoice';
  const drafts: LineDraft[] = [
    ...pendingDrafts(emulator, subscription),
    ...prorations,
    ...(immediate && !cycleRestarted ? [] : periodDrafts(emulator, preview, next, false)),
  ];
  return withBalance(
    assembleInvoice(
      emulator,
      {
        id: `upcoming_${emulator.ids.token(24)}`,
        customer,
        subscription,
        billingReason: immediate ? 'subscription_update' : 'upcoming',
        periodStart: immediate ? prorationDate : current.start,
        periodEnd: immediate ? prorationDate : current.end,
        created: prorationDate,
        currency: subscription.currency,
      },
      drafts,
    ),
    customer,
  );
}

/** The first invoice of a subscription that does not exist yet (`create_preview` with only a customer). */
export function previewNewSubscription(
  emulator: Emulator,
  customer: Stripe.Customer,
  items: { price: Stripe.Price; quantity: number; taxRates: Stripe.TaxRate[] }[],
  now: number,
): Stripe.Invoice {
  const drafts = items.map((item) => {
    const end = item.price.recurring ? periodBoundary(now, item.price.recurring, 1) : now;
    return periodDraft(emulator, item.price, item.quantity, { start: now, end }, item.taxRates);
  });
  return withBalance(
    assembleInvoice(
      emulator,
      {
        id: `upcoming_${emulator.ids.token(24)}`,
        customer,
        subscription: null,
        billingReason: 'subscription_create',
        periodStart: now,
        periodEnd: now,
        created: now,
        currency: items[0]?.price.currency ?? 'eur',
      },
      drafts,
    ),
    customer,
  );
}

/**
 * A preview draws on the customer's balance as its invoice will at finalization: `starting_balance` is the
 * balance now, and `amount_due` what remains to charge after a credit.
 */
function withBalance(preview: Stripe.Invoice, customer: Stripe.Customer): Stripe.Invoice {
  preview.starting_balance = customer.balance;
  return recomputeTotals(preview);
}

function changeDrafts(
  emulator: Emulator,
  subscription: Stripe.Subscription,
  changes: ItemChange[],
  at: number,
): LineDraft[] {
  return changes.flatMap((change) => {
    if (!change.item) return [];
    const from = { price: change.item.price, quantity: change.item.quantity ?? 1 };
    if (change.deleted) return prorationDrafts(emulator, subscription, change.item, from, null, at);
    const to = { price: change.price ?? change.item.price, quantity: change.quantity ?? from.quantity };
    if (to.price.id === from.price.id && to.quantity === from.quantity) return [];
    // A new interval starts a new, fully billed period: only the unused old time is prorated.
    return prorationDrafts(
      emulator,
      subscription,
      change.item,
      from,
      sameInterval(from.price, to.price) ? to : null,
      at,
    );
  });
}

function applyChanges(
  emulator: Emulator,
  subscription: Stripe.Subscription,
  changes: ItemChange[],
  now: number,
  preview = false,
): void {
  for (const change of changes) {
    if (change.deleted && change.item) {
      subscription.items.data = subscription.items.data.filter((item) => item.id !== change.item?.id);
    } else if (change.item) {
      const target = subscription.items.data.find((item) => item.id === change.item?.id);
      if (!target) continue;
      if (change.price) {
        target.price = deepCopy(change.price);
        target.plan = {
          ...target.plan,
          id: change.price.id,
          amount: change.price.unit_amount,
          amount_decimal: change.price.unit_amount_decimal,
          product: change.price.product,
        };
      }
      if (change.quantity !== null) target.quantity = change.quantity;
    } else if (change.price) {
      const first = subscription.items.data[0];
      const period = { start: first?.current_period_start ?? now, end: first?.current_period_end ?? now };
      const item = preview
        ? {
            ...subscriptionItem(emulator, subscription, change.price, change.quantity ?? 1, null, period, now),
            id: 'si_preview',
          }
        : subscriptionItem(emulator, subscription, change.price, change.quantity ?? 1, null, period, now);
      subscription.items.data.push(item);
    }
  }
}

function storePendingItem(emulator: Emulator, subscription: Stripe.Subscription, draft: LineDraft, now: number): void {
  const product = typeof draft.price.product === 'string' ? draft.price.product : draft.price.product.id;
  const item: Stripe.InvoiceItem = {
    id: emulator.ids.next('ii', 24),
    object: 'invoiceitem',
    amount: draft.amount,
    currency: draft.price.currency,
    customer: String(subscription.customer),
    customer_account: null,
    date: now,
    description: draft.description,
    discountable: false,
    discounts: [],
    invoice: null,
    livemode: false,
    metadata: {},
    net_amount: draft.amount,
    parent: {
      type: 'subscription_details',
      subscription_details: {
        subscription: subscription.id,
        ...(draft.subscriptionItem ? { subscription_item: draft.subscriptionItem } : {}),
      },
    },
    period: { ...draft.period },
    pricing: {
      type: 'price_details',
      price_details: { price: draft.price.id, product },
      unit_amount_decimal: draft.price.unit_amount_decimal,
    },
    proration: true,
    proration_details: {
      credited_items: draft.creditedItems
        ? { type: 'invoice_line_items', invoice_line_item_details: { ...draft.creditedItems } }
        : null,
      discount_amounts: [],
    },
    quantity: draft.quantity,
    quantity_decimal: Stripe.Decimal.from(draft.quantity),
    tax_rates: draft.taxRates,
    test_clock: subscription.test_clock,
  };
  emulator.store.invoiceItems.add(item);
  emulator.events.emit('invoiceitem.created', item, now);
}

function sameInterval(a: Stripe.Price, b: Stripe.Price): boolean {
  return a.recurring?.interval === b.recurring?.interval && a.recurring?.interval_count === b.recurring?.interval_count;
}
