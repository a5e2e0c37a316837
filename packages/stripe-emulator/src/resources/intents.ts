import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import type { RequestParams } from '../http/params.ts';
import { listPage } from '../http/list-page.ts';
import { StripeApiError, invalidRequest, parameterMissing } from '../stripe-error.ts';
import { resolvePaymentMethod } from '../billing/payment-method-wallet.ts';
import { confirmPaymentIntent, createPaymentIntent } from '../billing/payment-intent-engine.ts';
import { confirmSetupIntent } from '../billing/setup-intent-engine.ts';
import { settleInvoiceOfIntent } from '../billing/invoice-collection.ts';
import { checkMinimumCharge } from '../contract/value-rules.ts';

/** `/v1/setup_intents` and `/v1/payment_intents`: create, retrieve, confirm, list. */
export function registerIntentRoutes(emulator: Emulator): void {
  const { router, store } = emulator;
  router.on('POST', '/v1/setup_intents', ({ params }) => createSetupIntent(emulator, params));
  router.on('GET', '/v1/setup_intents/:id', ({ path }) => store.setupIntents.require(path.id ?? ''));
  router.on('POST', '/v1/setup_intents/:id/confirm', ({ params, path }) => confirmSetup(emulator, store.setupIntents.require(path.id ?? ''), params));
  router.on('GET', '/v1/setup_intents', ({ params }) => {
    const customer = params.string('customer');
    return listPage(store.setupIntents.newestFirst().filter((intent) => !customer || intent.customer === customer), params, '/v1/setup_intents');
  });

  router.on('POST', '/v1/payment_intents', ({ params }) => createPayment(emulator, params));
  router.on('GET', '/v1/payment_intents/:id', ({ path }) => store.paymentIntents.require(path.id ?? ''));
  router.on('POST', '/v1/payment_intents/:id/confirm', ({ params, path }) => confirmPayment(emulator, store.paymentIntents.require(path.id ?? ''), params));
  router.on('GET', '/v1/payment_intents', ({ params }) => {
    const customer = params.string('customer');
    return listPage(store.paymentIntents.newestFirst().filter((intent) => !customer || intent.customer === customer), params, '/v1/payment_intents');
  });
}

function createSetupIntent(emulator: Emulator, params: RequestParams): Stripe.SetupIntent {
  const customerId = params.string('customer') ?? null;
  if (customerId) emulator.store.customers.require(customerId, 'customer');
  const methodId = params.string('payment_method');
  const method = methodId ? resolvePaymentMethod(emulator, methodId) : null;
  const now = emulator.now(emulator.clockOf(customerId));
  const allowedTypes = params.strings('allowed_payment_method_types');
  const id = emulator.ids.next('seti', 24);
  const intent: Stripe.SetupIntent = {
    id,
    object: 'setup_intent',
    allowed_payment_method_types: allowedTypes ?? null,
    application: null,
    automatic_payment_methods: null,
    cancellation_reason: null,
    client_secret: `${id}_secret_${emulator.ids.token(32)}`,
    created: now,
    customer: customerId,
    customer_account: null,
    description: params.nullableString('description') ?? null,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: params.metadata('metadata'),
    next_action: null,
    on_behalf_of: null,
    payment_method: method?.id ?? null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: allowedTypes ?? [method?.type ?? 'card'],
    single_use_mandate: null,
    status: method ? 'requires_confirmation' : 'requires_payment_method',
    usage: params.oneOf('usage', ['off_session', 'on_session'] as const) ?? 'off_session',
  };
  emulator.store.setupIntents.add(intent);
  emulator.events.emit('setup_intent.created', intent, now);
  if (params.boolean('confirm')) return confirmSetup(emulator, intent, params);
  return intent;
}

function confirmSetup(emulator: Emulator, intent: Stripe.SetupIntent, params: RequestParams): Stripe.SetupIntent {
  if (intent.status === 'succeeded' || intent.status === 'canceled') {
    throw invalidRequest(`You cannot confirm this SetupIntent because it has a status of ${intent.status}.`, 'setup_intent_unexpected_state');
  }
  const methodId = params.string('payment_method');
  if (methodId) intent.payment_method = resolvePaymentMethod(emulator, methodId).id;
  if (!intent.payment_method) throw parameterMissing('payment_method');
  confirmSetupIntent(emulator, intent, emulator.now(emulator.clockOf(intent.customer as string | null)));
  if (intent.status === 'requires_payment_method' && intent.last_setup_error) {
    const error = intent.last_setup_error;
    throw new StripeApiError(402, { type: 'card_error', code: error.code ?? 'card_declined', message: error.message ?? 'Your card was declined.', ...(error.decline_code ? { decline_code: error.decline_code } : {}), setup_intent: intent });
  }
  return intent;
}

function createPayment(emulator: Emulator, params: RequestParams): Stripe.PaymentIntent {
  const amount = params.integer('amount');
  if (amount === undefined) throw parameterMissing('amount');
  const customerId = params.string('customer') ?? null;
  if (customerId) emulator.store.customers.require(customerId, 'customer');
  const methodId = params.string('payment_method');
  const currency = params.requiredString('currency').toLowerCase();
  checkMinimumCharge(amount, currency);
  const intent = createPaymentIntent(emulator, {
    amount,
    currency,
    customer: customerId,
    paymentMethod: methodId ? resolvePaymentMethod(emulator, methodId).id : null,
    description: params.nullableString('description') ?? null,
    metadata: params.metadata('metadata'),
    setupFutureUsage: params.oneOf('setup_future_usage', ['off_session', 'on_session'] as const) ?? null,
    now: emulator.now(emulator.clockOf(customerId)),
  });
  if (params.boolean('confirm')) return confirmPayment(emulator, intent, params);
  return intent;
}

function confirmPayment(emulator: Emulator, intent: Stripe.PaymentIntent, params: RequestParams): Stripe.PaymentIntent {
  if (intent.status === 'succeeded' || intent.status === 'canceled') {
    throw invalidRequest(`You cannot confirm this PaymentIntent because it has a status of ${intent.status}.`, 'payment_intent_unexpected_state');
  }
  const methodId = params.string('payment_method');
  if (methodId) intent.payment_method = resolvePaymentMethod(emulator, methodId).id;
  if (!intent.payment_method) throw parameterMissing('payment_method');
  const now = emulator.now(emulator.clockOf(intent.customer as string | null));
  confirmPaymentIntent(emulator, intent, now, false, params.boolean('off_session') ?? false);
  settleInvoiceOfIntent(emulator, intent, now);
  if (intent.status === 'requires_payment_method' && intent.last_payment_error) {
    const error = intent.last_payment_error;
    throw new StripeApiError(402, { type: 'card_error', code: error.code ?? 'card_declined', message: error.message ?? 'Your card was declined.', ...(error.decline_code ? { decline_code: error.decline_code } : {}), payment_intent: intent });
  }
  return intent;
}
