import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import type { RequestParams } from '../http/params.ts';
import { invalidRequest, parameterMissing } from '../stripe-error.ts';
import { mintFromData } from '../resources/payment-methods.ts';
import { resolvePaymentMethod } from './payment-method-wallet.ts';
import { activeMandateOf } from './mandates.ts';

/**
 * What confirming an intent takes, checked as Stripe checks it before anything changes: the method
 * (`payment_method`, or `payment_method_data` to create one), one of the intent's `payment_method_types`, the
 * customer's mandate acceptance for a SEPA Direct Debit method that has no mandate yet
 * (https://docs.stripe.com/payments/sepa-debit/set-up-payment), and a `return_url` for a PayPal account the
 * customer has yet to approve at PayPal (https://docs.stripe.com/payments/paypal/set-up-future-payments).
 */
export interface Confirmation {
  paymentMethod: Stripe.PaymentMethod | null;
  acceptance: Stripe.Mandate.CustomerAcceptance | null;
  returnUrl: string | null;
}

export function readConfirmation(
  emulator: Emulator,
  params: RequestParams,
  current: string | null,
  allowedTypes: string[],
  now: number,
): Confirmation {
  const data = params.object('payment_method_data');
  const methodId = params.string('payment_method');
  if (data && methodId)
    throw invalidRequest(
      'You cannot provide both payment_method and payment_method_data.',
      'parameter_invalid_empty',
      'payment_method_data',
    );
  const acceptance = acceptanceFrom(params.object('mandate_data'), now);
  const returnUrl = params.string('return_url') ?? null;
  // A new method's data is checked in full before the method is created, so a refusal leaves nothing behind.
  if (data) checkUsable(emulator, { type: data.requiredString('type'), id: null }, allowedTypes, acceptance, returnUrl);
  const chosen = data
    ? mintFromData(emulator, data)
    : methodId
      ? resolvePaymentMethod(emulator, methodId)
      : current
        ? resolvePaymentMethod(emulator, current)
        : null;
  if (chosen && !data) checkUsable(emulator, chosen, allowedTypes, acceptance, returnUrl);
  return { paymentMethod: chosen, acceptance, returnUrl };
}

function checkUsable(
  emulator: Emulator,
  method: { type: string; id: string | null },
  allowedTypes: string[],
  acceptance: Stripe.Mandate.CustomerAcceptance | null,
  returnUrl: string | null,
): void {
  if (!allowedTypes.includes(method.type)) {
    throw invalidRequest(
      `The payment method type provided: ${method.type} is invalid. This intent accepts: ${allowedTypes.join(', ')}.`,
      'payment_intent_invalid_parameter',
      'payment_method',
    );
  }
  if (method.type === 'sepa_debit' && !acceptance && !(method.id && activeMandateOf(emulator, method.id)))
    throw parameterMissing('mandate_data');
  const behaviour = method.id ? emulator.store.chargeBehaviour.get(method.id) : undefined;
  const approved = behaviour?.kind === 'redirects' && behaviour.approved;
  if (method.type === 'paypal' && !approved && !returnUrl) throw parameterMissing('return_url');
}

/** `mandate_data[customer_acceptance]`: online acceptance names the customer's IP address and user agent. */
function acceptanceFrom(mandateData: RequestParams | undefined, now: number): Stripe.Mandate.CustomerAcceptance | null {
  if (!mandateData) return null;
  const acceptance = mandateData.object('customer_acceptance');
  if (!acceptance) throw parameterMissing(mandateData.name('customer_acceptance'));
  const type = acceptance.oneOf('type', ['online', 'offline'] as const);
  if (!type) throw parameterMissing(acceptance.name('type'));
  const acceptedAt = acceptance.integer('accepted_at') ?? now;
  if (type === 'offline') return { accepted_at: acceptedAt, offline: {}, type };
  const online = acceptance.object('online');
  if (!online) throw parameterMissing(acceptance.name('online'));
  return {
    accepted_at: acceptedAt,
    online: { ip_address: online.requiredString('ip_address'), user_agent: online.requiredString('user_agent') },
    type,
  };
}
