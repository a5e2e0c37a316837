import Stripe from 'stripe';
import type { Logger } from 'pino';
import {
  ProviderCustomerMissingError,
  ProviderRequestError,
  ProviderUnavailableError,
} from '../../billing/ports/payment-provider.ts';

/**
 * A charge Stripe refused (a card error: declined, or 3-D Secure needed). Operations that return a
 * PaymentOutcome turn it into one; elsewhere it surfaces as the ProviderRequestError it extends. It keeps
 * only codes and the payment intent's client secret, never Stripe's message.
 */
export class PaymentRefusedError extends ProviderRequestError {
  override name = 'PaymentRefusedError';

  constructor(
    readonly declineCode: string,
    readonly requiresAction: boolean,
    readonly clientSecret: string | null,
  ) {
    super('The payment provider refused the charge.');
  }
}

/** Codes with which Stripe refuses a charge because the customer must authenticate it first. */
const AUTHENTICATION_CODES = new Set(['authentication_required', 'invoice_payment_intent_requires_action']);

/** The provider did not answer (connection error, timeout), was busy (409 lock, 429) or failed (5xx). */
function isOutage(error: Stripe.errors.StripeError): boolean {
  if (error instanceof Stripe.errors.StripeConnectionError) return true;
  const status = error.statusCode ?? 0;
  return status === 409 || status === 429 || status >= 500;
}

/**
 * Worth retrying with the same idempotency key: an outage, unless Stripe's `Stripe-Should-Retry` header
 * says otherwise (false when a retry would only replay the same failure; true for some lock timeouts).
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Stripe.errors.StripeError)) return false;
  const shouldRetry = error.headers?.['stripe-should-retry'];
  if (shouldRetry === 'true' || shouldRetry === 'false') return shouldRetry === 'true';
  return isOutage(error);
}

/** Translates whatever a Stripe call threw into the port's errors, logging Stripe's own detail here only. */
export function toProviderError(error: unknown, operation: string, logger: Logger): Error {
  // Anything but a Stripe error is our own bug (or already translated): it propagates unchanged.
  if (!(error instanceof Stripe.errors.StripeError)) return error instanceof Error ? error : new Error(String(error));
  const detail = stripeDetail(error);
  if (error instanceof Stripe.errors.StripeCardError) {
    const declineCode = error.decline_code ?? error.code ?? 'card_declined';
    const intent = error.payment_intent;
    const requiresAction = AUTHENTICATION_CODES.has(error.code ?? '') || intent?.status === 'requires_action';
    logger.info({ operation, stripe: detail }, 'Stripe refused a charge');
    return new PaymentRefusedError(declineCode, requiresAction, intent?.client_secret ?? null);
  }
  if (isOutage(error)) {
    logger.error({ operation, stripe: detail }, 'Stripe unavailable');
    return new ProviderUnavailableError(`The payment provider is unavailable (${operation}).`);
  }
  if (error.code === 'resource_missing' && error.param === 'customer') {
    logger.warn({ operation, stripe: detail }, 'Stripe no longer has the customer: deleted there');
    return new ProviderCustomerMissingError(`The payment provider no longer has the customer (${operation}).`);
  }
  logger.error({ operation, stripe: detail }, 'Stripe refused a request');
  return new ProviderRequestError(`The payment provider refused a request (${operation}).`);
}

/** What the logs need to trace a failure to Stripe's request log; never sent to a client. */
function stripeDetail(error: Stripe.errors.StripeError): Record<string, unknown> {
  return {
    type: error.type,
    statusCode: error.statusCode,
    code: error.code,
    declineCode: error.decline_code,
    requestId: error.requestId,
    message: error.message,
  };
}
