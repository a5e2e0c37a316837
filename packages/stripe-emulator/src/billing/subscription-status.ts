import { deepCopy } from '../deep-copy.ts';
import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import { changedFields } from '../webhooks/event-log.ts';
import { updateInvoice } from './invoice-updates.ts';

/** Applies `change` to a subscription and emits `customer.subscription.updated` with what changed. */
export function updateSubscription(
  emulator: Emulator,
  subscription: Stripe.Subscription,
  now: number,
  change: (subscription: Stripe.Subscription) => void,
): void {
  const before = deepCopy(subscription);
  change(subscription);
  const previous = changedFields(before, subscription);
  if (Object.keys(previous).length > 0)
    emulator.events.emit('customer.subscription.updated', subscription, now, previous);
}

export function setSubscriptionStatus(
  emulator: Emulator,
  subscription: Stripe.Subscription,
  status: Stripe.Subscription.Status,
  now: number,
): void {
  if (subscription.status === status) return;
  updateSubscription(emulator, subscription, now, (target) => {
    target.status = status;
  });
}

/**
 * Ends a subscription now: `canceled`, `ended_at` set, `customer.subscription.deleted` emitted. Its unpaid
 * invoices stay as they are but are no longer finalized or retried automatically.
 */
export function cancelSubscription(
  emulator: Emulator,
  subscription: Stripe.Subscription,
  now: number,
  reason: Stripe.Subscription.CancellationDetails.Reason,
): Stripe.Subscription {
  for (const invoice of emulator.store.invoices.all()) {
    if (invoice.parent?.subscription_details?.subscription !== subscription.id) continue;
    updateInvoice(emulator, invoice, now, (target) => {
      target.next_payment_attempt = null;
      target.automatically_finalizes_at = null;
    });
  }
  subscription.status = 'canceled';
  subscription.canceled_at = subscription.canceled_at ?? now;
  subscription.ended_at = now;
  subscription.cancel_at_period_end = false;
  subscription.cancellation_details = { comment: null, feedback: null, feedback_option: null, reason };
  emulator.events.emit('customer.subscription.deleted', subscription, now);
  return subscription;
}

export function subscriptionOf(emulator: Emulator, invoice: Stripe.Invoice): Stripe.Subscription | undefined {
  const reference = invoice.parent?.subscription_details?.subscription;
  const id = typeof reference === 'string' ? reference : reference?.id;
  return id ? emulator.store.subscriptions.get(id) : undefined;
}
