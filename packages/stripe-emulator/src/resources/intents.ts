import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import type { RequestParams } from '../http/params.ts';
import { listPage } from '../http/list-page.ts';
import { StripeApiError, invalidRequest, parameterInvalid, parameterMissing } from '../stripe-error.ts';
import { resolvePaymentMethod } from '../billing/payment-method-wallet.ts';
import { confirmPaymentIntent, createPaymentIntent } from '../billing/payment-intent-engine.ts';
import { confirmSetupIntent } from '../billing/setup-intent-engine.ts';
import { settleInvoiceOfIntent } from '../billing/invoice-collection.ts';
import { checkMinimumCharge } from '../contract/value-rules.ts';
import { readConfirmation, type Confirmation } from '../billing/confirmation-params.ts';
import { activeMandateOf, createMandate } from '../billing/mandates.ts';

/** The method types the emulator implements: an intent created without a list accepts them all. */
const EMULATED_TYPES = ['card', 'paypal', 'sepa_debit'];

/**
 * The intent's `payment_method_types`: `allowed_payment_method_types`, else the given method's type, else
 * Stripe's default since 2023, the payment methods enabled in the Dashboard (`automatic_payment_methods`), here
 * every emulated type.
 */
function paymentMethodTypes(
  params: RequestParams,
  method: Stripe.PaymentMethod | null,
): { list: string[]; automatic: Stripe.SetupIntent.AutomaticPaymentMethods | null } {
  const explicit = params.strings('allowed_payment_method_types');
  for (const [index, type] of (explicit ?? []).entries()) {
    if (!EMULATED_TYPES.includes(type))
      throw parameterInvalid(
        `allowed_payment_method_types[${index}]`,
        `The payment method type "${type}" is not supported by the Stripe emulator.`,
      );
  }
  if (explicit) return { list: explicit, automatic: null };
  if (method) return { list: [method.type], automatic: null };
  return { list: [...EMULATED_TYPES], automatic: { allow_redirects: 'always', enabled: true } };
}

function idOf(value: string | { id: string } | null): string | null {
  return typeof value === 'string' ? value : (value?.id ?? null);
}

/** `/v1/setup_intents` and `/v1/payment_intents`: create, retrieve, confirm, list. */
export function registerIntentRoutes(emulator: Emulator): void {
  const { router, store } = emulator;
  router.on('POST', '/v1/setup_intents', ({ params }) => createSetupIntent(emulator, params));
  router.on('GET', '/v1/setup_intents/:id', ({ path }) => store.setupIntents.require(path.id ?? ''));
  router.on('POST', '/v1/setup_intents/:id/confirm', ({ params, path }) =>
    confirmSetup(emulator, store.setupIntents.require(path.id ?? ''), params),
  );
  router.on('GET', '/v1/setup_intents', ({ params }) => {
    const customer = params.string('customer');
    return listPage(
      store.setupIntents.newestFirst().filter((intent) => !customer || intent.customer === customer),
      params,
      '/v1/setup_intents',
    );
  });

  router.on('POST', '/v1/payment_intents', ({ params }) => createPayment(emulator, params));
  router.on('GET', '/v1/payment_intents/:id', ({ path }) => store.paymentIntents.require(path.id ?? ''));
  router.on('POST', '/v1/payment_intents/:id/confirm', ({ params, path }) =>
    confirmPayment(emulator, store.paymentIntents.require(path.id ?? ''), params),
  );
  router.on('GET', '/v1/payment_intents', ({ params }) => {
    const customer = params.string('customer');
    return listPage(
      store.paymentIntents.newestFirst().filter((intent) => !customer || intent.customer === customer),
      params,
      '/v1/payment_intents',
    );
  });
}

function createSetupIntent(emulator: Emulator, params: RequestParams): Stripe.SetupIntent {
  const customerId = params.string('customer') ?? null;
  if (customerId) emulator.store.customers.require(customerId, 'customer');
  const methodId = params.string('payment_method');
  const method = methodId ? resolvePaymentMethod(emulator, methodId) : null;
  const now = emulator.now(emulator.clockOf(customerId));
  const allowedTypes = params.strings('allowed_payment_method_types');
  const types = paymentMethodTypes(params, method);
  const id = emulator.ids.next('seti', 24);
  const intent: Stripe.SetupIntent = {
    id,
    object: 'setup_intent',
    allowed_payment_method_types: allowedTypes ?? null,
    application: null,
    automatic_payment_methods: types.automatic,
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
    payment_method_types: types.list,
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
  const { now, confirmation } = beginConfirmation(emulator, intent, 'SetupIntent', params);
  if (confirmation.acceptance) emulator.store.mandateAcceptances.set(intent.id, confirmation.acceptance);
  confirmSetupIntent(emulator, intent, now, false, confirmation.returnUrl);
  if (intent.status === 'requires_payment_method' && intent.last_setup_error)
    throw declined(intent.last_setup_error, { setup_intent: intent });
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
  const method = methodId ? resolvePaymentMethod(emulator, methodId) : null;
  const intent = createPaymentIntent(emulator, {
    amount,
    currency,
    customer: customerId,
    paymentMethod: method?.id ?? null,
    ...(params.has('allowed_payment_method_types')
      ? { allowedPaymentMethodTypes: paymentMethodTypes(params, method).list }
      : {}),
    description: params.nullableString('description') ?? null,
    metadata: params.metadata('metadata'),
    setupFutureUsage: params.oneOf('setup_future_usage', ['off_session', 'on_session'] as const) ?? null,
    now: emulator.now(emulator.clockOf(customerId)),
  });
  if (params.boolean('confirm')) return confirmPayment(emulator, intent, params);
  return intent;
}

function confirmPayment(emulator: Emulator, intent: Stripe.PaymentIntent, params: RequestParams): Stripe.PaymentIntent {
  const { now, confirmation } = beginConfirmation(emulator, intent, 'PaymentIntent', params);
  // The debit's charge names this mandate (`payment_method_details.sepa_debit.mandate`).
  if (
    confirmation.acceptance &&
    confirmation.paymentMethod.type === 'sepa_debit' &&
    !activeMandateOf(emulator, confirmation.paymentMethod.id)
  ) {
    createMandate(emulator, confirmation.paymentMethod, confirmation.acceptance);
  }
  confirmPaymentIntent(emulator, intent, now, false, params.boolean('off_session') ?? false, confirmation.returnUrl);
  settleInvoiceOfIntent(emulator, intent, now);
  if (intent.status === 'requires_payment_method' && intent.last_payment_error)
    throw declined(intent.last_payment_error, { payment_intent: intent });
  return intent;
}

/**
 * What confirming either intent starts with, as Stripe orders it: a finished or processing intent is refused,
 * then the confirmation's parameters are checked and its method becomes the intent's.
 */
function beginConfirmation(
  emulator: Emulator,
  intent: Stripe.SetupIntent | Stripe.PaymentIntent,
  kind: 'SetupIntent' | 'PaymentIntent',
  params: RequestParams,
): { now: number; confirmation: Confirmation & { paymentMethod: Stripe.PaymentMethod } } {
  // Processing: the bank has a debit of this intent, and a second confirmation would charge twice.
  if (intent.status === 'succeeded' || intent.status === 'canceled' || intent.status === 'processing') {
    throw invalidRequest(
      `You cannot confirm this ${kind} because it has a status of ${intent.status}.`,
      kind === 'SetupIntent' ? 'setup_intent_unexpected_state' : 'payment_intent_unexpected_state',
    );
  }
  const now = emulator.now(emulator.clockOf(intent.customer as string | null));
  const confirmation = readConfirmation(
    emulator,
    params,
    idOf(intent.payment_method),
    intent.payment_method_types,
    now,
  );
  const { paymentMethod } = confirmation;
  if (!paymentMethod) throw parameterMissing('payment_method');
  intent.payment_method = paymentMethod.id;
  return { now, confirmation: { ...confirmation, paymentMethod } };
}

/** The 402 card error Stripe answers a declined confirmation with, the intent attached. */
function declined(
  error: Stripe.SetupIntent.LastSetupError | Stripe.PaymentIntent.LastPaymentError,
  intent: { setup_intent: Stripe.SetupIntent } | { payment_intent: Stripe.PaymentIntent },
): StripeApiError {
  return new StripeApiError(402, {
    type: 'card_error',
    code: error.code ?? 'card_declined',
    message: error.message ?? 'Your card was declined.',
    ...(error.decline_code ? { decline_code: error.decline_code } : {}),
    ...intent,
  });
}
