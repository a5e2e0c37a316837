import { deepCopy } from '../deep-copy.ts';
import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import { chargeOutcome, SUCCEEDS } from './charge-behaviour.ts';
import { recordCharge } from './charge-engine.ts';
import { startDebit } from './debit-settlement.ts';
import { approveRedirect } from './payment-method-wallet.ts';

export interface PaymentIntentDraft {
  amount: number;
  currency: string;
  customer: string | null;
  paymentMethod: string | null;
  /** The types the creator allowed (`allowed_payment_method_types`), and so the intent's `payment_method_types`. */
  allowedPaymentMethodTypes?: string[];
  description: string | null;
  metadata: Record<string, string>;
  setupFutureUsage: Stripe.PaymentIntent.SetupFutureUsage | null;
  now: number;
}

export function createPaymentIntent(emulator: Emulator, draft: PaymentIntentDraft): Stripe.PaymentIntent {
  const id = emulator.ids.next('pi', 24);
  const intent: Stripe.PaymentIntent = {
    id,
    object: 'payment_intent',
    allowed_payment_method_types: draft.allowedPaymentMethodTypes ?? null,
    amount: draft.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic',
    client_secret: `${id}_secret_${emulator.ids.token(25)}`,
    confirmation_method: 'automatic',
    created: draft.now,
    currency: draft.currency,
    customer: draft.customer,
    customer_account: null,
    description: draft.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: draft.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: draft.paymentMethod,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types:
      draft.allowedPaymentMethodTypes ??
      (draft.paymentMethod ? [paymentMethodType(emulator, draft.paymentMethod)] : ['card', 'paypal', 'sepa_debit']),
    payment_record: null,
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: draft.setupFutureUsage,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: draft.paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
  };
  emulator.store.paymentIntents.add(intent);
  emulator.events.emit('payment_intent.created', intent, draft.now);
  return intent;
}

/**
 * Charges the intent's payment method according to its test behaviour. `authenticated` is true when the
 * customer has just completed 3-D Secure (`/_emulator/authenticate`); `offSession` when the customer is absent.
 */
export function confirmPaymentIntent(
  emulator: Emulator,
  intent: Stripe.PaymentIntent,
  now: number,
  authenticated = false,
  offSession = false,
  returnUrl: string | null = null,
): Stripe.PaymentIntent {
  const methodId = typeof intent.payment_method === 'string' ? intent.payment_method : intent.payment_method?.id;
  if (!methodId)
    return failPaymentIntent(
      emulator,
      intent,
      now,
      'payment_intent_unexpected_state',
      "You cannot confirm this PaymentIntent because it's missing a payment method.",
    );
  const outcome = chargeOutcome(emulator.store.chargeBehaviour.get(methodId) ?? SUCCEEDS, false, authenticated);
  if (outcome.kind === 'declined')
    return failPaymentIntent(emulator, intent, now, 'card_declined', outcome.message, outcome.declineCode);
  // Off session nobody can answer a challenge: Stripe declines with `authentication_required` instead.
  if (outcome.kind === 'requires_action' && offSession) {
    return failPaymentIntent(
      emulator,
      intent,
      now,
      'authentication_required',
      'Your card was declined. This transaction requires authentication.',
      'authentication_required',
    );
  }
  if (outcome.kind === 'requires_action') {
    intent.status = 'requires_action';
    intent.next_action = {
      type: 'redirect_to_url',
      redirect_to_url: { return_url: returnUrl, url: `${emulator.baseUrl}/_emulator/authenticate/${intent.id}` },
    };
    emulator.events.emit('payment_intent.requires_action', intent, now);
    return intent;
  }
  const method = emulator.store.paymentMethods.get(methodId);
  if (method && authenticated) approveRedirect(emulator, method);
  if (outcome.kind === 'processing') {
    startDebit(emulator, intent, now);
    return intent;
  }
  recordCharge(emulator, intent, now);
  intent.status = 'succeeded';
  intent.amount_received = intent.amount;
  intent.next_action = null;
  intent.last_payment_error = null;
  emulator.events.emit('payment_intent.succeeded', intent, now);
  return intent;
}

export function failPaymentIntent(
  emulator: Emulator,
  intent: Stripe.PaymentIntent,
  now: number,
  code: Stripe.PaymentIntent.LastPaymentError.Code,
  message: string,
  declineCode?: string,
): Stripe.PaymentIntent {
  const methodId = typeof intent.payment_method === 'string' ? intent.payment_method : intent.payment_method?.id;
  const method = methodId ? emulator.store.paymentMethods.get(methodId) : undefined;
  // A decline is a failed charge; a missing method or an abandoned challenge never reached the card network.
  if (code === 'card_declined' || code === 'authentication_required')
    recordCharge(emulator, intent, now, { code, message });
  intent.status = 'requires_payment_method';
  intent.next_action = null;
  intent.last_payment_error = {
    type: 'card_error',
    code,
    message,
    ...(declineCode ? { decline_code: declineCode } : {}),
    ...(method ? { payment_method: deepCopy(method), payment_method_type: method.type } : {}),
  };
  emulator.events.emit('payment_intent.payment_failed', intent, now);
  return intent;
}

function paymentMethodType(emulator: Emulator, methodId: string): string {
  return emulator.store.paymentMethods.get(methodId)?.type ?? 'card';
}
