import type Stripe from 'stripe';
import type { PaymentOutcome } from '../../billing/ports/payment-provider.ts';
import type { PaymentRefusedError } from './stripe-errors.ts';

export const SUCCEEDED: PaymentOutcome = { kind: 'succeeded' };

/** The decline code reported when a charge failed without one: no payment method could be charged. */
export const NO_PAYMENT_METHOD = 'no_payment_method';

/** A client secret is `{payment intent id}_secret_{token}`, the same split Stripe.js relies on. */
export function paymentIntentIdOf(clientSecret: string): string {
  return clientSecret.split('_secret_')[0] ?? clientSecret;
}

/** What a payment intent's state means for the customer. */
export function outcomeOfIntent(intent: Stripe.PaymentIntent): PaymentOutcome {
  switch (intent.status) {
    case 'requires_action':
    case 'requires_confirmation':
      return { kind: 'requires_action', clientSecret: intent.client_secret ?? '' };
    case 'requires_payment_method':
    case 'canceled': {
      const failure = intent.last_payment_error;
      return { kind: 'failed', declineCode: failure?.decline_code ?? failure?.code ?? NO_PAYMENT_METHOD };
    }
    case 'processing':
      // SEPA Direct Debit settles days later; the webhooks report the end.
      return { kind: 'processing' };
    default:
      // succeeded, or requires_capture (the amount is held: authorized).
      return SUCCEEDED;
  }
}

/** A refused charge as an outcome; null when 3-D Secure is needed but the refusal did not carry the client secret. */
export function outcomeOfRefusal(refusal: PaymentRefusedError): PaymentOutcome | null {
  if (!refusal.requiresAction) return { kind: 'failed', declineCode: refusal.declineCode };
  return refusal.clientSecret ? { kind: 'requires_action', clientSecret: refusal.clientSecret } : null;
}
