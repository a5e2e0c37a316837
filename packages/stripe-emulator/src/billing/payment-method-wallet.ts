import { deepCopy } from '../deep-copy.ts';
import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import { StripeApiError, invalidRequest, resourceMissing } from '../stripe-error.ts';
import {
  APPROVED_PAYPAL_PAYER,
  TEST_PAYMENT_METHODS,
  type PaymentMethodTemplate,
} from '../resources/test-payment-methods.ts';
import { deactivateMandates } from './mandates.ts';
import { EMPTY_ADDRESS } from '../resources/address.ts';

/** Creates a stored payment method from a template, with a fresh `pm_` id. */
export function mintPaymentMethod(
  emulator: Emulator,
  template: PaymentMethodTemplate,
  billingDetails?: Partial<Stripe.PaymentMethod.BillingDetails>,
  metadata: Record<string, string> = {},
): Stripe.PaymentMethod {
  const method: Stripe.PaymentMethod = {
    id: emulator.ids.next('pm', 24),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: {
      address: { ...EMPTY_ADDRESS },
      email: null,
      name: null,
      phone: null,
      tax_id: null,
      ...billingDetails,
    },
    created: emulator.now(),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata,
    type: template.type,
    ...deepCopy(template.details),
  };
  emulator.store.chargeBehaviour.set(method.id, template.behaviour);
  return emulator.store.paymentMethods.add(method);
}

/** A stored payment method, or a new one when `id` is a test id such as `pm_card_visa`. */
export function resolvePaymentMethod(emulator: Emulator, id: string, param = 'payment_method'): Stripe.PaymentMethod {
  const stored = emulator.store.paymentMethods.get(id);
  if (stored) return stored;
  const template = TEST_PAYMENT_METHODS[id];
  if (!template) throw resourceMissing('PaymentMethod', id, param);
  return mintPaymentMethod(emulator, template);
}

export function attachPaymentMethod(
  emulator: Emulator,
  method: Stripe.PaymentMethod,
  customerId: string,
): Stripe.PaymentMethod {
  const customer = emulator.store.customers.require(customerId, 'customer');
  if (method.customer === customer.id) return method;
  if (method.customer) {
    throw invalidRequest(
      'The payment method you provided has already been attached to a customer.',
      'payment_method_unexpected_state',
    );
  }
  const behaviour = emulator.store.chargeBehaviour.get(method.id);
  if (behaviour?.kind === 'declines' && behaviour.onAttach) {
    // Stripe validates a card when it is attached: cards that always decline cannot be saved.
    throw new StripeApiError(402, {
      type: 'card_error',
      code: 'card_declined',
      decline_code: behaviour.declineCode,
      message: behaviour.message,
      param: '',
    });
  }
  method.customer = customer.id;
  emulator.events.emit('payment_method.attached', method, emulator.now(emulator.clockOf(customer.id)));
  return method;
}

export function detachPaymentMethod(emulator: Emulator, method: Stripe.PaymentMethod): Stripe.PaymentMethod {
  const customerId = typeof method.customer === 'string' ? method.customer : method.customer?.id;
  if (!customerId)
    throw invalidRequest(
      'The payment method you provided is not attached to a customer so detachment is impossible.',
      'payment_method_unexpected_state',
    );
  const now = emulator.now(emulator.clockOf(customerId));
  method.customer = null;
  const customer = emulator.store.customers.get(customerId);
  if (customer && customer.invoice_settings.default_payment_method === method.id) {
    customer.invoice_settings.default_payment_method = null;
  }
  for (const subscription of emulator.store.subscriptions.all()) {
    if (subscription.default_payment_method === method.id) subscription.default_payment_method = null;
  }
  deactivateMandates(emulator, method.id, now);
  emulator.events.emit('payment_method.detached', method, now, { customer: customerId });
  return method;
}

/** The customer approved at PayPal: the billing agreement stands and PayPal reports the payer. */
export function approveRedirect(emulator: Emulator, method: Stripe.PaymentMethod): void {
  const behaviour = emulator.store.chargeBehaviour.get(method.id);
  if (behaviour?.kind !== 'redirects' || behaviour.approved) return;
  emulator.store.chargeBehaviour.set(method.id, { kind: 'redirects', approved: true });
  if (method.type === 'paypal') method.paypal = { ...APPROVED_PAYPAL_PAYER };
}
