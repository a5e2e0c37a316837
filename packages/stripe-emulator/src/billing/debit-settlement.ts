import type Stripe from 'stripe';
import { deepCopy } from '../deep-copy.ts';
import type { Emulator } from '../emulator.ts';
import { recordCharge, settleCharge } from './charge-engine.ts';
import { concludeInvoiceOfDebit } from './invoice-collection.ts';

const DAY = 86_400;

/**
 * SEPA Direct Debit is asynchronous: confirming a debit leaves the payment intent `processing` and its
 * charge `pending` until the bank answers, which Stripe says takes up to 14 business days
 * (https://docs.stripe.com/payments/sepa-debit). The emulator answers `debitSettlementDays` (default 5)
 * days of the customer's clock later, as the test IBAN says: success, or a late failure.
 */
export function startDebit(emulator: Emulator, intent: Stripe.PaymentIntent, now: number): void {
  recordCharge(emulator, intent, now, undefined, true);
  intent.status = 'processing';
  intent.next_action = null;
  intent.last_payment_error = null;
  emulator.store.debitSettlements.set(intent.id, now + emulator.settings.debitSettlementDays * DAY);
  emulator.events.emit('payment_intent.processing', intent, now);
}

/** The bank's answer: the charge and the intent conclude, then the invoice the intent pays (if any). */
export function settleDebit(emulator: Emulator, intentId: string, now: number): void {
  emulator.store.debitSettlements.delete(intentId);
  const intent = emulator.store.paymentIntents.get(intentId);
  if (!intent || intent.status !== 'processing') return;
  const methodId =
    typeof intent.payment_method === 'string' ? intent.payment_method : (intent.payment_method?.id ?? '');
  const behaviour = emulator.store.chargeBehaviour.get(methodId);
  const failure = behaviour?.kind === 'debits' ? behaviour.failure : null;
  const charge =
    typeof intent.latest_charge === 'string' ? emulator.store.charges.get(intent.latest_charge) : undefined;
  if (charge) settleCharge(emulator, charge, now, failure);
  if (failure) {
    const method = emulator.store.paymentMethods.get(methodId);
    intent.status = 'requires_payment_method';
    intent.last_payment_error = {
      type: 'card_error',
      code: failure.code,
      message: failure.message,
      ...(method ? { payment_method: deepCopy(method), payment_method_type: method.type } : {}),
    };
    emulator.events.emit('payment_intent.payment_failed', intent, now);
  } else {
    intent.status = 'succeeded';
    intent.amount_received = intent.amount;
    emulator.events.emit('payment_intent.succeeded', intent, now);
  }
  concludeInvoiceOfDebit(emulator, intent, now);
}

/** Debits whose answer is due on this clock (`null`: the emulator's own clock) by `at`. */
export function dueDebits(emulator: Emulator, clockId: string | null): { intentId: string; at: number }[] {
  const due: { intentId: string; at: number }[] = [];
  for (const [intentId, at] of emulator.store.debitSettlements) {
    const intent = emulator.store.paymentIntents.get(intentId);
    if (intent && emulator.clockOf(intent.customer as string | null) === clockId) due.push({ intentId, at });
  }
  return due;
}

/** Off any test clock, time is the emulator's own: debits due by now are answered before a request runs. */
export function settleDebitsDueOffClock(emulator: Emulator): void {
  const now = emulator.now();
  for (const { intentId, at } of dueDebits(emulator, null).sort((a, b) => a.at - b.at)) {
    if (at <= now) settleDebit(emulator, intentId, at);
  }
}
