import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import { paymentMethodDetails } from './charge-details.ts';
import { activeMandateOf } from './mandates.ts';

/**
 * The charge a payment intent's attempt leaves behind, as Stripe records it: `latest_charge` on the intent,
 * `charge.succeeded` or `charge.failed`, or `charge.pending` for a debit the bank has yet to settle
 * (`settleCharge` then concludes it). Refunds move money back against it.
 */
export function recordCharge(
  emulator: Emulator,
  intent: Stripe.PaymentIntent,
  now: number,
  failure?: { code: string; message: string },
  pending = false,
): Stripe.Charge {
  const methodId =
    typeof intent.payment_method === 'string' ? intent.payment_method : (intent.payment_method?.id ?? null);
  const method = methodId ? emulator.store.paymentMethods.get(methodId) : undefined;
  const succeeded = failure === undefined && !pending;
  const charge: Stripe.Charge = {
    id: emulator.ids.next('ch', 24),
    object: 'charge',
    amount: intent.amount,
    amount_captured: succeeded ? intent.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: method?.billing_details ?? { address: null, email: null, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: 'EMULATOR',
    captured: succeeded,
    created: now,
    currency: intent.currency,
    customer: intent.customer,
    description: intent.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: failure?.code ?? null,
    failure_message: failure?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: {},
    on_behalf_of: null,
    outcome: pending ? PENDING_OUTCOME : succeeded ? APPROVED : DECLINED,
    paid: succeeded,
    payment_intent: intent.id,
    payment_method: methodId,
    payment_method_details: paymentMethodDetails(
      method,
      intent.amount,
      succeeded,
      method ? detailsOf(emulator, method) : {},
    ),
    receipt_email: null,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: pending ? 'pending' : succeeded ? 'succeeded' : 'failed',
    transfer_data: null,
    transfer_group: null,
  };
  emulator.store.charges.add(charge);
  intent.latest_charge = charge.id;
  emulator.events.emit(pending ? 'charge.pending' : succeeded ? 'charge.succeeded' : 'charge.failed', charge, now);
  return charge;
}

/** The bank's answer to a pending debit: the charge succeeds, or fails with the bank's reason. */
export function settleCharge(
  emulator: Emulator,
  charge: Stripe.Charge,
  now: number,
  failure: { code: string; message: string } | null,
): void {
  charge.status = failure ? 'failed' : 'succeeded';
  charge.paid = !failure;
  charge.captured = !failure;
  charge.amount_captured = failure ? 0 : charge.amount;
  charge.failure_code = failure?.code ?? null;
  charge.failure_message = failure?.message ?? null;
  charge.outcome = failure ? DECLINED : APPROVED;
  emulator.events.emit(failure ? 'charge.failed' : 'charge.succeeded', charge, now);
}

const APPROVED: Stripe.Charge.Outcome = {
  advice_code: null,
  network_advice_code: null,
  network_decline_code: null,
  network_status: 'approved_by_network',
  reason: null,
  risk_level: 'normal',
  seller_message: 'Payment complete.',
  type: 'authorized',
};
const DECLINED: Stripe.Charge.Outcome = {
  advice_code: null,
  network_advice_code: null,
  network_decline_code: null,
  network_status: 'declined_by_network',
  reason: 'generic_decline',
  risk_level: 'normal',
  seller_message: 'The bank did not return any further details with this decline.',
  type: 'issuer_declined',
};
const PENDING_OUTCOME: Stripe.Charge.Outcome = {
  advice_code: null,
  network_advice_code: null,
  network_decline_code: null,
  network_status: 'approved_by_network',
  reason: null,
  risk_level: 'not_assessed',
  seller_message: 'Payment pending.',
  type: 'authorized',
};

/** A SEPA debit names its mandate and bank (`payment_method_details.sepa_debit.mandate`); other types carry nothing. */
function detailsOf(emulator: Emulator, method: Stripe.PaymentMethod): Record<string, unknown> {
  if (method.type !== 'sepa_debit' || !method.sepa_debit) return {};
  const { bank_code, branch_code, country, fingerprint, last4 } = method.sepa_debit;
  return {
    bank_code,
    branch_code,
    country,
    fingerprint,
    last4,
    mandate: activeMandateOf(emulator, method.id)?.id ?? null,
  };
}
