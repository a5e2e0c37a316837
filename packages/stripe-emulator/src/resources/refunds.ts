import { deepCopy } from '../deep-copy.ts';
import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import type { RequestParams } from '../http/params.ts';
import { listPage } from '../http/list-page.ts';
import { changedFields } from '../webhooks/event-log.ts';
import { invalidRequest, parameterMissing } from '../stripe-error.ts';

const REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;

/** `/v1/charges` (retrieve, list) and `/v1/refunds` (create, retrieve, list): refunds settle at once. */
export function registerChargeAndRefundRoutes(emulator: Emulator): void {
  const { router, store } = emulator;
  router.on('GET', '/v1/charges/:id', ({ path }) => store.charges.require(path.id ?? ''));
  router.on('GET', '/v1/charges', ({ params }) => {
    const customer = params.string('customer');
    const intent = params.string('payment_intent');
    return listPage(
      store.charges
        .newestFirst()
        .filter(
          (charge) => (!customer || charge.customer === customer) && (!intent || charge.payment_intent === intent),
        ),
      params,
      '/v1/charges',
    );
  });
  router.on('POST', '/v1/refunds', ({ params }) => createRefund(emulator, params));
  router.on('GET', '/v1/refunds/:id', ({ path }) => store.refunds.require(path.id ?? ''));
  router.on('GET', '/v1/refunds', ({ params }) => {
    const charge = params.string('charge');
    const intent = params.string('payment_intent');
    return listPage(
      store.refunds
        .newestFirst()
        .filter((refund) => (!charge || refund.charge === charge) && (!intent || refund.payment_intent === intent)),
      params,
      '/v1/refunds',
    );
  });
}

function createRefund(emulator: Emulator, params: RequestParams): Stripe.Refund {
  const charge = chargeToRefund(emulator, params);
  const now = emulator.now(emulator.clockOf(typeof charge.customer === 'string' ? charge.customer : null));
  return refundCharge(emulator, charge, now, {
    amount: params.integer('amount'),
    reason: params.oneOf('reason', REASONS) ?? null,
    metadata: params.metadata('metadata'),
  });
}

/**
 * Gives back `amount` of a succeeded charge (what remains when unset): the refund settles at once, with
 * `refund.created` and `charge.refunded`. Credit notes with a `refund_amount` refund through here too.
 */
export function refundCharge(
  emulator: Emulator,
  charge: Stripe.Charge,
  now: number,
  request: { amount: number | undefined; reason: Stripe.Refund.Reason | null; metadata: Record<string, string> },
  param = 'charge',
): Stripe.Refund {
  if (charge.status !== 'succeeded')
    throw invalidRequest(
      `Charge ${charge.id} has not succeeded and cannot be refunded.`,
      'charge_not_refundable',
      param,
    );
  const remaining = charge.amount_captured - charge.amount_refunded;
  if (remaining <= 0)
    throw invalidRequest(`Charge ${charge.id} has already been refunded.`, 'charge_already_refunded', param);
  const amount = request.amount ?? remaining;
  if (amount > remaining)
    throw invalidRequest(
      `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
      'amount_too_large',
      param === 'charge' ? 'amount' : param,
    );
  const refund: Stripe.Refund = {
    id: emulator.ids.next('re', 24),
    object: 'refund',
    amount,
    balance_transaction: null,
    charge: charge.id,
    created: now,
    currency: charge.currency,
    customer: charge.customer,
    customer_account: null,
    metadata: request.metadata,
    payment_intent: charge.payment_intent,
    payment_method: charge.payment_method,
    reason: request.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
  emulator.store.refunds.add(refund);
  emulator.events.emit('refund.created', refund, now);
  const before = deepCopy(charge);
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded === charge.amount_captured;
  emulator.events.emit('charge.refunded', charge, now, changedFields(before, charge));
  return refund;
}

function chargeToRefund(emulator: Emulator, params: RequestParams): Stripe.Charge {
  const chargeId = params.string('charge');
  if (chargeId) return emulator.store.charges.require(chargeId, 'charge');
  const intentId = params.string('payment_intent');
  if (!intentId) throw parameterMissing('charge');
  const intent = emulator.store.paymentIntents.require(intentId, 'payment_intent');
  const latest = typeof intent.latest_charge === 'string' ? intent.latest_charge : intent.latest_charge?.id;
  if (!latest)
    throw invalidRequest(
      `PaymentIntent ${intent.id} has no charge to refund.`,
      'charge_not_refundable',
      'payment_intent',
    );
  return emulator.store.charges.require(latest, 'payment_intent');
}
