// Stripe's pending updates (`payment_behavior=pending_if_incomplete`,
// https://docs.stripe.com/billing/subscriptions/pending-updates and its reference): a change that is
// invoiced at once applies only when that invoice is paid. Until then the subscription keeps its items and
// status, and `pending_update` holds the change; paying the invoice later applies it, and at `expires_at`
// the invoice is voided and the change dropped.
import { deepCopy } from '../deep-copy.ts';
import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import { invalidRequest } from '../stripe-error.ts';
import type { RequestParams } from '../http/params.ts';
import {
  applyItemChanges,
  invoicedAtOnce,
  invoiceItemChanges,
  type ItemChange,
  type ProrationBehavior,
} from './subscription-changes.ts';
import { collectInvoice, voidInvoice } from './invoice-collection.ts';
import { updateSubscription } from './subscription-status.ts';

/** At most 23 hours after the update, sooner when the trial or the current period ends first. */
const PENDING_UPDATE_LIFETIME = 23 * 3600;

/** The update parameters Stripe accepts with `pending_if_incomplete` (its pending updates reference). */
const PENDING_UPDATE_PARAMS = [
  'expand',
  'payment_behavior',
  'proration_behavior',
  'proration_date',
  'billing_cycle_anchor',
  'items',
  'trial_end',
  'trial_from_plan',
  'add_invoice_items',
  'metadata',
];

/** Refuses what Stripe refuses alongside `pending_if_incomplete`, naming the first such parameter. */
export function checkPendingUpdateParams(params: RequestParams): void {
  // Item parameters beyond id, price, quantity and deleted are refused for every update (not emulated).
  const param = Object.keys(params.raw).find((key) => !PENDING_UPDATE_PARAMS.includes(key));
  if (param) {
    throw invalidRequest(
      `When \`payment_behavior\` is \`pending_if_incomplete\`, you can only pass the parameters supported by pending updates (${PENDING_UPDATE_PARAMS.join(', ')}); \`${param}\` is not one of them.`,
      'parameter_invalid',
      param,
    );
  }
}

/**
 * Stripe's pending updates guide: they are not supported when a bank debit pays the subscription (its debit
 * is `processing` for days, longer than a pending update lives). Stripe's wording for the refusal is not
 * documented; the emulator's says why.
 */
export function refuseBankDebitPendingUpdate(emulator: Emulator, subscription: Stripe.Subscription): void {
  const customer = emulator.store.customers.get(String(subscription.customer));
  const method = subscription.default_payment_method ?? customer?.invoice_settings.default_payment_method ?? null;
  const id = typeof method === 'string' ? method : method?.id;
  if (id && emulator.store.paymentMethods.get(id)?.type === 'sepa_debit') {
    throw invalidRequest(
      'Pending updates (`payment_behavior=pending_if_incomplete`) are not supported when a bank debit (sepa_debit) pays the subscription.',
      'parameter_invalid',
      'payment_behavior',
    );
  }
}

/**
 * Applies item changes only if the invoice they produce is paid now. A change that produces no invoice
 * at once (prorations left for the next renewal) applies at once, as Stripe applies it.
 */
export function updateWithPendingUpdate(
  emulator: Emulator,
  subscription: Stripe.Subscription,
  change: { items: ItemChange[]; behavior: ProrationBehavior; prorationDate: number; metadata: Stripe.Metadata | null },
  now: number,
): void {
  const after = deepCopy(subscription);
  const applied = applyItemChanges(emulator, after, change.items, change.behavior, change.prorationDate, now);
  if (!invoicedAtOnce(applied, change.behavior)) {
    updateSubscription(emulator, subscription, now, (target) =>
      applyHeld(target, after.items.data, null, change.metadata),
    );
    invoiceItemChanges(emulator, after, applied, change.behavior, now);
    return;
  }
  const invoice = invoiceItemChanges(emulator, after, applied, change.behavior, now);
  if (!invoice) return;
  emulator.store.invoiceCollection.get(invoice.id)!.holdsPendingUpdate = true;
  const paid = invoice.status === 'paid' || collectInvoice(emulator, invoice, now, { automatic: false }) === 'paid';
  const anchor = applied.cycleRestarted ? after.billing_cycle_anchor : null;
  updateSubscription(emulator, subscription, now, (target) => {
    target.latest_invoice = invoice.id;
    if (paid) applyHeld(target, after.items.data, anchor, change.metadata);
    else target.pending_update = pendingUpdate(subscription, after.items.data, anchor, change.metadata, now);
  });
}

/** The invoice holding a pending update was paid (a retry, `invoices.pay`, 3-D Secure completed): apply it. */
export function applyPendingUpdate(
  emulator: Emulator,
  subscription: Stripe.Subscription,
  invoice: Stripe.Invoice,
  now: number,
): void {
  const pending = subscription.pending_update;
  if (!pending || subscription.latest_invoice !== invoice.id) return;
  updateSubscription(emulator, subscription, now, (target) =>
    applyHeld(target, pending.subscription_items ?? target.items.data, pending.billing_cycle_anchor, pending.metadata),
  );
  emulator.events.emit('customer.subscription.pending_update_applied', subscription, now);
}

/** At `expires_at` without payment: the invoice is voided and the change dropped. */
export function expirePendingUpdate(emulator: Emulator, subscription: Stripe.Subscription, now: number): void {
  const invoice =
    typeof subscription.latest_invoice === 'string'
      ? emulator.store.invoices.get(subscription.latest_invoice)
      : undefined;
  if (invoice?.status === 'open') voidInvoice(emulator, invoice, now);
  updateSubscription(emulator, subscription, now, (target) => {
    target.pending_update = null;
  });
  emulator.events.emit('customer.subscription.pending_update_expired', subscription, now);
}

function applyHeld(
  target: Stripe.Subscription,
  items: Stripe.SubscriptionItem[],
  anchor: number | null,
  metadata: Stripe.Metadata | null,
): void {
  target.items.data = deepCopy(items);
  if (anchor !== null) target.billing_cycle_anchor = anchor;
  // Pending metadata is merged into the subscription's, as Stripe applies it.
  if (metadata) target.metadata = { ...target.metadata, ...metadata };
  target.pending_update = null;
}

function pendingUpdate(
  subscription: Stripe.Subscription,
  items: Stripe.SubscriptionItem[],
  anchor: number | null,
  metadata: Stripe.Metadata | null,
  now: number,
): Stripe.Subscription.PendingUpdate {
  const ends = [
    now + PENDING_UPDATE_LIFETIME,
    subscription.items.data[0]?.current_period_end,
    subscription.status === 'trialing' ? subscription.trial_end : null,
  ];
  return {
    billing_cycle_anchor: anchor,
    cancel_at_period_end: null,
    discount: null,
    discounts: null,
    expires_at: Math.min(...ends.filter((end): end is number => typeof end === 'number')),
    metadata,
    subscription_items: deepCopy(items),
    trial_end: null,
    trial_from_plan: null,
  };
}
