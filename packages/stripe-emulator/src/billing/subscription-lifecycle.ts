import { deepCopy } from '../deep-copy.ts';
import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import { StripeApiError } from '../stripe-error.ts';
import {
  collectInvoice,
  finalizeInvoice,
  paymentIntentOf,
  storeDraftInvoice,
  voidInvoice,
} from './invoice-collection.ts';
import { nextBoundary, periodBoundary } from './billing-periods.ts';
import { pendingDrafts, pendingItems, periodDrafts, planOf } from './subscription-lines.ts';
import {
  cancelSubscription,
  setSubscriptionStatus,
  updateSubscription,
  subscriptionOf,
} from './subscription-status.ts';

const HOUR = 3_600;
/** Stripe finalizes a renewal invoice about an hour after drafting it. */
export const RENEWAL_FINALIZATION_DELAY = HOUR;
/** An incomplete subscription whose first payment never succeeds expires after 23 hours. */
export const INCOMPLETE_EXPIRY = 23 * HOUR;

export interface NewSubscription {
  customer: Stripe.Customer;
  items: { price: Stripe.Price; quantity: number; taxRates: Stripe.TaxRate[] | null }[];
  defaultPaymentMethod: string | null;
  defaultTaxRates: Stripe.TaxRate[];
  trialEnd: number | null;
  paymentBehavior: 'allow_incomplete' | 'default_incomplete' | 'error_if_incomplete';
  missingPaymentMethodAtTrialEnd: 'cancel' | 'create_invoice';
  saveDefaultPaymentMethod: 'off' | 'on_subscription';
  cancelAtPeriodEnd: boolean;
  metadata: Record<string, string>;
  description: string | null;
}

export function createSubscription(emulator: Emulator, input: NewSubscription): Stripe.Subscription {
  const clock = input.customer.test_clock ?? null;
  const now = emulator.now(clock);
  const id = emulator.ids.next('sub', 24);
  const anchor = input.trialEnd ?? now;
  const recurring = input.items[0]?.price.recurring;
  const periodEnd = input.trialEnd ?? (recurring ? periodBoundary(anchor, recurring, 1) : now);
  const subscription: Stripe.Subscription = {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: anchor,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: 'classic' },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: input.cancelAtPeriodEnd,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: 'charge_automatically',
    created: now,
    currency: input.items[0]?.price.currency ?? 'eur',
    customer: input.customer.id,
    customer_account: null,
    days_until_due: null,
    default_payment_method: input.defaultPaymentMethod,
    default_source: null,
    default_tax_rates: input.defaultTaxRates,
    description: input.description,
    discounts: [],
    ended_at: null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: 'self' },
    },
    items: { object: 'list', data: [], has_more: false, url: `/v1/subscription_items?subscription=${id}` },
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: null,
      save_default_payment_method: input.saveDefaultPaymentMethod,
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: now,
    status: input.trialEnd ? 'trialing' : 'incomplete',
    test_clock: clock,
    transfer_data: null,
    trial_end: input.trialEnd,
    trial_settings: {
      end_behavior: { billing_cycle_anchor: null, missing_payment_method: input.missingPaymentMethodAtTrialEnd },
    },
    trial_start: input.trialEnd ? now : null,
  };
  subscription.items.data = input.items.map((item) =>
    subscriptionItem(
      emulator,
      subscription,
      item.price,
      item.quantity,
      item.taxRates,
      { start: now, end: periodEnd },
      now,
    ),
  );
  emulator.store.subscriptions.add(subscription);
  emulator.store.subscriptionTimeline.set(id, {
    trialWillEndSent: false,
    ...(input.trialEnd ? {} : { incompleteExpiresAt: now + INCOMPLETE_EXPIRY }),
  });
  emulator.events.emit('customer.subscription.created', subscription, now);

  const invoice = storeDraftInvoice(
    emulator,
    {
      customer: input.customer,
      subscription,
      billingReason: 'subscription_create',
      periodStart: now,
      periodEnd: now,
      created: now,
      currency: subscription.currency,
    },
    periodDrafts(emulator, subscription, { start: now, end: periodEnd }, input.trialEnd !== null),
  );
  subscription.latest_invoice = invoice.id;
  finalizeInvoice(emulator, invoice, now);
  if (invoice.status === 'open' && input.paymentBehavior !== 'default_incomplete') {
    const result = collectInvoice(emulator, invoice, now, { automatic: false });
    // A debit the bank is processing is not an error (Stripe leaves the subscription incomplete until it settles).
    if (result !== 'paid' && result !== 'processing' && input.paymentBehavior === 'error_if_incomplete') {
      voidInvoice(emulator, invoice, now);
      setSubscriptionStatus(emulator, subscription, 'incomplete_expired', now);
      throw paymentError(paymentIntentOf(emulator, invoice));
    }
  }
  if (subscription.status === 'incomplete' && invoice.status === 'paid')
    setSubscriptionStatus(emulator, subscription, 'active', now);
  return subscription;
}

export function subscriptionItem(
  emulator: Emulator,
  subscription: Stripe.Subscription,
  price: Stripe.Price,
  quantity: number,
  taxRates: Stripe.TaxRate[] | null,
  period: { start: number; end: number },
  created: number,
): Stripe.SubscriptionItem {
  return {
    id: emulator.ids.next('si'),
    object: 'subscription_item',
    billing_thresholds: null,
    created,
    current_period_end: period.end,
    current_period_start: period.start,
    current_trial: null,
    discounts: [],
    metadata: {},
    plan: planOf(price),
    price: deepCopy(price),
    quantity,
    subscription: subscription.id,
    tax_rates: taxRates ?? [],
  };
}

/**
 * At the end of a period (or of the trial): cancel if scheduled, otherwise move every item to the next
 * period and draft the invoice for it, finalized an hour later by the billing clock.
 */
export function startNextPeriod(emulator: Emulator, subscription: Stripe.Subscription, now: number): void {
  const customer = emulator.store.customers.require(String(subscription.customer), 'customer');
  if (subscription.cancel_at_period_end) {
    cancelSubscription(emulator, subscription, now, 'cancellation_requested');
    return;
  }
  const endingTrial = subscription.status === 'trialing';
  const hasMethod = Boolean(subscription.default_payment_method ?? customer.invoice_settings.default_payment_method);
  if (endingTrial && !hasMethod && subscription.trial_settings?.end_behavior.missing_payment_method === 'cancel') {
    cancelSubscription(emulator, subscription, now, 'cancellation_requested');
    return;
  }
  const previous = {
    start: subscription.items.data[0]?.current_period_start ?? now,
    end: subscription.items.data[0]?.current_period_end ?? now,
  };
  const recurring = subscription.items.data[0]?.price.recurring;
  const end = recurring ? nextBoundary(subscription.billing_cycle_anchor, recurring, now) : now;
  updateSubscription(emulator, subscription, now, (target) => {
    for (const item of target.items.data) {
      item.current_period_start = now;
      item.current_period_end = end;
    }
    if (endingTrial) target.status = 'active';
  });
  const drafts = [
    ...pendingDrafts(emulator, subscription),
    ...periodDrafts(emulator, subscription, { start: now, end }, false),
  ];
  const invoice = storeDraftInvoice(
    emulator,
    {
      customer,
      subscription,
      billingReason: 'subscription_cycle',
      periodStart: previous.start,
      periodEnd: previous.end,
      created: now,
      currency: subscription.currency,
    },
    drafts,
  );
  for (const item of pendingItems(emulator, subscription)) item.invoice = invoice.id;
  invoice.automatically_finalizes_at = now + RENEWAL_FINALIZATION_DELAY;
  subscription.latest_invoice = invoice.id;
}

/** Finalizes a drafted invoice when its time comes and attempts the charge. */
export function finalizeAndCollect(emulator: Emulator, invoice: Stripe.Invoice, now: number): void {
  finalizeInvoice(emulator, invoice, now);
  // An `unpaid` subscription's invoices are finalized but no payment is attempted, as Stripe does.
  if (invoice.status === 'open' && subscriptionOf(emulator, invoice)?.status !== 'unpaid')
    collectInvoice(emulator, invoice, now, { automatic: true });
}

/** After 23 hours without a successful first payment, an incomplete subscription expires. */
export function expireIncomplete(emulator: Emulator, subscription: Stripe.Subscription, now: number): void {
  const invoice =
    typeof subscription.latest_invoice === 'string'
      ? emulator.store.invoices.get(subscription.latest_invoice)
      : undefined;
  if (invoice?.status === 'open') voidInvoice(emulator, invoice, now);
  setSubscriptionStatus(emulator, subscription, 'incomplete_expired', now);
}

export function paymentError(intent: Stripe.PaymentIntent | undefined): StripeApiError {
  const failure = intent?.last_payment_error;
  if (intent?.status === 'requires_action') {
    return new StripeApiError(402, {
      type: 'card_error',
      code: 'authentication_required',
      decline_code: 'authentication_required',
      message: 'Your card was declined. This transaction requires authentication.',
      payment_intent: intent,
    });
  }
  return new StripeApiError(402, {
    type: 'card_error',
    code: failure?.code ?? 'card_declined',
    message: failure?.message ?? 'Your card was declined.',
    ...(failure?.decline_code ? { decline_code: failure.decline_code } : {}),
    ...(intent ? { payment_intent: intent } : {}),
  });
}
