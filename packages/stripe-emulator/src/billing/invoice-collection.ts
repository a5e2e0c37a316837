import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import { invalidRequest } from '../stripe-error.ts';
import { assembleInvoice, recomputeTotals, type InvoiceHeader, type LineDraft } from './invoice-assembly.ts';
import { confirmPaymentIntent, createPaymentIntent } from './payment-intent-engine.ts';
import { nextRetryAt, type DunningFinalState } from './dunning-policy.ts';
import { cancelSubscription, setSubscriptionStatus, subscriptionOf } from './subscription-status.ts';
import { invoiceUpdated } from './invoice-updates.ts';
import { deepCopy } from '../deep-copy.ts';
import { applyPendingUpdate } from './pending-updates.ts';

/** Stores a draft invoice and emits `invoice.created`. */
export function storeDraftInvoice(
  emulator: Emulator,
  header: Omit<InvoiceHeader, 'id'>,
  drafts: LineDraft[],
): Stripe.Invoice {
  const invoice = assembleInvoice(emulator, { ...header, id: emulator.ids.next('in', 24) }, drafts);
  emulator.store.invoices.add(invoice);
  emulator.store.invoiceCollection.set(invoice.id, { failedAttempts: 0 });
  const created = emulator.events.emit('invoice.created', invoice, header.created);
  // Stripe records when the invoice.created webhooks were delivered; with none to deliver, at creation.
  if (created.pending_webhooks === 0) invoice.webhooks_delivered_at = header.created;
  return invoice;
}

/** draft → open: numbers the invoice, applies the customer's balance and prepares its payment intent. */
export function finalizeInvoice(emulator: Emulator, invoice: Stripe.Invoice, now: number): Stripe.Invoice {
  if (invoice.status !== 'draft')
    throw invalidRequest(
      `This invoice is already finalized, you can't re-finalize a non-draft invoice.`,
      'invoice_not_editable',
    );
  const customer = emulator.store.customers.require(String(invoice.customer), 'customer');
  const sequence = customer.next_invoice_sequence ?? 1;
  invoice.number = `${customer.invoice_prefix}-${String(sequence).padStart(4, '0')}`;
  customer.next_invoice_sequence = sequence + 1;
  // A customer's currency is set by its first invoice, as Stripe does.
  customer.currency ??= invoice.currency;
  invoice.starting_balance = customer.balance;
  recomputeTotals(invoice);
  invoice.ending_balance = Math.min(0, invoice.total + invoice.starting_balance);
  customer.balance = invoice.ending_balance;
  invoice.status = 'open';
  // Stripe gives a finalized invoice its hosted page and PDF; the emulator serves both under /_emulator/.
  invoice.hosted_invoice_url = `${emulator.baseUrl}/_emulator/invoices/${invoice.id}`;
  invoice.invoice_pdf = `${emulator.baseUrl}/_emulator/invoices/${invoice.id}/pdf`;
  invoice.status_transitions.finalized_at = now;
  invoice.effective_at = now;
  invoice.automatically_finalizes_at = null;
  emulator.events.emit('invoice.finalized', invoice, now);
  if (invoice.amount_due === 0) return markInvoicePaid(emulator, invoice, now, null);
  const subscription = subscriptionOf(emulator, invoice);
  const methodId = paymentMethodFor(emulator, invoice, subscription);
  const intent = createPaymentIntent(emulator, {
    amount: invoice.amount_due,
    currency: invoice.currency,
    customer: customer.id,
    paymentMethod: methodId,
    description:
      invoice.billing_reason === 'subscription_create'
        ? 'Subscription creation'
        : invoice.billing_reason === 'subscription_update'
          ? 'Subscription update'
          : 'Subscription cycle',
    metadata: {},
    setupFutureUsage: null,
    now,
  });
  emulator.store.invoiceCollection.get(invoice.id)!.paymentIntentId = intent.id;
  return invoice;
}

/** `processing`: a direct debit the bank has yet to answer; the invoice stays open, neither paid nor failed. */
export type CollectionResult = 'paid' | 'failed' | 'requires_action' | 'processing';

/**
 * Charges an open invoice. `automatic` attempts (renewals, dunning retries) move the dunning schedule
 * forward; a failed first invoice of a subscription is not retried (the subscription stays incomplete).
 */
export function collectInvoice(
  emulator: Emulator,
  invoice: Stripe.Invoice,
  now: number,
  options: { automatic: boolean; paymentMethod?: string },
): CollectionResult {
  if (invoice.status !== 'open') throw invalidRequest(`Invoice is already ${invoice.status}.`, 'invoice_not_open');
  const subscription = subscriptionOf(emulator, invoice);
  const methodId = options.paymentMethod ?? paymentMethodFor(emulator, invoice, subscription);
  const intent = paymentIntentOf(emulator, invoice);
  // One `invoice.updated` per attempt, with its outcome: the attempt count and what the outcome changed.
  const before = deepCopy(invoice);
  invoice.attempt_count += 1;
  invoice.attempted = true;
  if (!methodId || !intent) return recordFailure(emulator, invoice, now, 'failed', options.automatic, before);
  intent.payment_method = methodId;
  confirmPaymentIntent(emulator, intent, now);
  if (intent.status === 'succeeded') {
    markInvoicePaid(emulator, invoice, now, intent, before);
    return 'paid';
  }
  if (intent.status === 'processing') {
    // No retry while the bank has the debit: its answer decides (concludeInvoiceOfDebit).
    invoice.next_payment_attempt = null;
    return 'processing';
  }
  return recordFailure(
    emulator,
    invoice,
    now,
    intent.status === 'requires_action' ? 'requires_action' : 'failed',
    options.automatic,
    before,
  );
}

/** Reacts to a payment intent the customer confirmed or authenticated themselves. */
export function settleInvoiceOfIntent(emulator: Emulator, intent: Stripe.PaymentIntent, now: number): void {
  const invoice = emulator.store.invoices
    .all()
    .find((candidate) => emulator.store.invoiceCollection.get(candidate.id)?.paymentIntentId === intent.id);
  if (!invoice || invoice.status !== 'open') return;
  const before = deepCopy(invoice);
  invoice.attempt_count += 1;
  invoice.attempted = true;
  if (intent.status === 'succeeded') return void markInvoicePaid(emulator, invoice, now, intent, before);
  if (intent.status === 'processing') return;
  invoiceUpdated(emulator, invoice, before, now);
  emulator.events.emit(
    intent.status === 'requires_action' ? 'invoice.payment_action_required' : 'invoice.payment_failed',
    invoice,
    now,
  );
}

/**
 * A debit's late answer for the invoice it pays: paid, or a failed automatic attempt (the subscription goes
 * `past_due` and the dunning schedule starts, as after a declined renewal; a first invoice is not retried).
 */
export function concludeInvoiceOfDebit(emulator: Emulator, intent: Stripe.PaymentIntent, now: number): void {
  const invoice = emulator.store.invoices
    .all()
    .find((candidate) => emulator.store.invoiceCollection.get(candidate.id)?.paymentIntentId === intent.id);
  if (!invoice || invoice.status !== 'open') return;
  if (intent.status === 'succeeded') markInvoicePaid(emulator, invoice, now, intent);
  else recordFailure(emulator, invoice, now, 'failed', true, deepCopy(invoice));
}

export function markInvoicePaid(
  emulator: Emulator,
  invoice: Stripe.Invoice,
  now: number,
  intent: Stripe.PaymentIntent | null,
  before = deepCopy(invoice),
): Stripe.Invoice {
  invoice.amount_paid = invoice.amount_due;
  invoice.amount_remaining = 0;
  invoice.status = 'paid';
  invoice.status_transitions.paid_at = now;
  invoice.next_payment_attempt = null;
  if (intent) {
    const payment: Stripe.InvoicePayment = {
      id: emulator.ids.next('inpay', 24),
      object: 'invoice_payment',
      amount_paid: intent.amount_received,
      amount_requested: intent.amount,
      created: now,
      currency: intent.currency,
      invoice: invoice.id,
      is_default: true,
      livemode: false,
      payment: { type: 'payment_intent', payment_intent: intent.id },
      status: 'paid',
      status_transitions: { canceled_at: null, paid_at: now },
    };
    emulator.store.invoicePayments.add(payment);
    emulator.events.emit('invoice_payment.paid', payment, now);
  }
  invoiceUpdated(emulator, invoice, before, now);
  emulator.events.emit('invoice.paid', invoice, now);
  emulator.events.emit('invoice.payment_succeeded', invoice, now);
  const subscription = subscriptionOf(emulator, invoice);
  if (subscription && intent && subscription.payment_settings?.save_default_payment_method === 'on_subscription') {
    subscription.default_payment_method = intent.payment_method;
  }
  if (subscription && emulator.store.invoiceCollection.get(invoice.id)?.holdsPendingUpdate) {
    applyPendingUpdate(emulator, subscription, invoice, now);
  } else if (subscription && ['incomplete', 'past_due', 'unpaid'].includes(subscription.status)) {
    setSubscriptionStatus(emulator, subscription, 'active', now);
  }
  return invoice;
}

export function voidInvoice(emulator: Emulator, invoice: Stripe.Invoice, now: number): Stripe.Invoice {
  if (invoice.status !== 'open' && invoice.status !== 'uncollectible')
    throw invalidRequest(
      `You can only void an open or uncollectible invoice; this one is ${invoice.status}.`,
      'invoice_not_open',
    );
  const before = deepCopy(invoice);
  invoice.status = 'void';
  invoice.status_transitions.voided_at = now;
  invoice.next_payment_attempt = null;
  cancelIntentOf(emulator, invoice, now);
  invoiceUpdated(emulator, invoice, before, now);
  emulator.events.emit('invoice.voided', invoice, now);
  return invoice;
}

export function markInvoiceUncollectible(emulator: Emulator, invoice: Stripe.Invoice, now: number): Stripe.Invoice {
  if (invoice.status !== 'open')
    throw invalidRequest(
      `You can only mark an open invoice as uncollectible; this one is ${invoice.status}.`,
      'invoice_not_open',
    );
  const before = deepCopy(invoice);
  invoice.status = 'uncollectible';
  invoice.status_transitions.marked_uncollectible_at = now;
  invoice.next_payment_attempt = null;
  invoiceUpdated(emulator, invoice, before, now);
  emulator.events.emit('invoice.marked_uncollectible', invoice, now);
  return invoice;
}

function recordFailure(
  emulator: Emulator,
  invoice: Stripe.Invoice,
  now: number,
  kind: 'failed' | 'requires_action',
  automatic: boolean,
  before: Stripe.Invoice,
): CollectionResult {
  const subscription = subscriptionOf(emulator, invoice);
  // A pending update's invoice leaves the subscription as it was: no past_due, no retries; it expires.
  if (emulator.store.invoiceCollection.get(invoice.id)?.holdsPendingUpdate) {
    invoiceUpdated(emulator, invoice, before, now);
    emulator.events.emit(
      kind === 'requires_action' ? 'invoice.payment_action_required' : 'invoice.payment_failed',
      invoice,
      now,
    );
    return kind;
  }
  const firstInvoice = invoice.billing_reason === 'subscription_create';
  const finalState = automatic && !firstInvoice ? scheduleRetry(emulator, invoice) : null;
  invoiceUpdated(emulator, invoice, before, now);
  emulator.events.emit(
    kind === 'requires_action' ? 'invoice.payment_action_required' : 'invoice.payment_failed',
    invoice,
    now,
  );
  if (subscription && !firstInvoice && (subscription.status === 'active' || subscription.status === 'trialing')) {
    setSubscriptionStatus(emulator, subscription, 'past_due', now);
  }
  if (subscription && finalState === 'canceled') {
    markInvoiceUncollectible(emulator, invoice, now);
    cancelSubscription(emulator, subscription, now, 'payment_failed');
  } else if (subscription && finalState === 'unpaid') {
    setSubscriptionStatus(emulator, subscription, 'unpaid', now);
  }
  return kind;
}

/** Sets `next_payment_attempt` from the dunning schedule; returns the final state once it is exhausted. */
function scheduleRetry(emulator: Emulator, invoice: Stripe.Invoice): DunningFinalState | null {
  const state = emulator.store.invoiceCollection.get(invoice.id)!;
  state.firstFailedAt ??= emulator.now(invoice.test_clock);
  state.failedAttempts += 1;
  invoice.next_payment_attempt = nextRetryAt(emulator.settings.dunning, state.firstFailedAt, state.failedAttempts);
  return invoice.next_payment_attempt === null ? emulator.settings.dunning.finalState : null;
}

function paymentMethodFor(
  emulator: Emulator,
  invoice: Stripe.Invoice,
  subscription: Stripe.Subscription | undefined,
): string | null {
  const customer = emulator.store.customers.get(String(invoice.customer));
  const candidates = [
    invoice.default_payment_method,
    subscription?.default_payment_method,
    customer?.invoice_settings.default_payment_method,
  ];
  const found = candidates.find((candidate) => candidate);
  return typeof found === 'string' ? found : (found?.id ?? null);
}

export function paymentIntentOf(emulator: Emulator, invoice: Stripe.Invoice): Stripe.PaymentIntent | undefined {
  const id = emulator.store.invoiceCollection.get(invoice.id)?.paymentIntentId;
  return id ? emulator.store.paymentIntents.get(id) : undefined;
}

function cancelIntentOf(emulator: Emulator, invoice: Stripe.Invoice, now: number): void {
  const intent = paymentIntentOf(emulator, invoice);
  if (!intent || intent.status === 'succeeded' || intent.status === 'canceled') return;
  intent.status = 'canceled';
  intent.canceled_at = now;
  intent.cancellation_reason = 'void_invoice';
  emulator.events.emit('payment_intent.canceled', intent, now);
}
