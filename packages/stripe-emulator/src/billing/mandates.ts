import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';

/**
 * Mandates, as Stripe keeps them for methods charged without the customer present: a SEPA Direct Debit
 * mandate (the customer's authorisation to debit the account) or a PayPal billing agreement. Created when a
 * setup intent succeeds, with the customer's acceptance it was confirmed with; inactive once the method is
 * detached (`mandate.updated`). https://docs.stripe.com/api/mandates
 */
export function createMandate(
  emulator: Emulator,
  method: Stripe.PaymentMethod,
  acceptance: Stripe.Mandate.CustomerAcceptance,
): Stripe.Mandate {
  const id = emulator.ids.next('mandate', 24);
  const mandate: Stripe.Mandate = {
    id,
    object: 'mandate',
    customer_acceptance: acceptance,
    livemode: false,
    multi_use: {},
    payment_method: method.id,
    payment_method_details: detailsOf(emulator, method, id),
    status: 'active',
    type: 'multi_use',
  };
  return emulator.store.mandates.add(mandate);
}

function detailsOf(emulator: Emulator, method: Stripe.PaymentMethod, id: string): Stripe.Mandate.PaymentMethodDetails {
  if (method.type === 'paypal') {
    return {
      type: 'paypal',
      paypal: {
        billing_agreement_id: `B-${emulator.ids.token(17).toUpperCase()}`,
        payer_id: method.paypal?.payer_id ?? null,
      },
    };
  }
  return {
    type: 'sepa_debit',
    sepa_debit: {
      reference: emulator.ids.token(16).toUpperCase(),
      url: `${emulator.baseUrl}/_emulator/mandates/${id}`,
    },
  };
}

export function activeMandateOf(emulator: Emulator, paymentMethodId: string): Stripe.Mandate | undefined {
  return emulator.store.mandates
    .all()
    .find((mandate) => mandate.payment_method === paymentMethodId && mandate.status === 'active');
}

/** A detached method can no longer be debited: its mandates become inactive. */
export function deactivateMandates(emulator: Emulator, paymentMethodId: string, now: number): void {
  for (const mandate of emulator.store.mandates.all()) {
    if (mandate.payment_method !== paymentMethodId || mandate.status !== 'active') continue;
    mandate.status = 'inactive';
    emulator.events.emit('mandate.updated', mandate, now, { status: 'active' });
  }
}
